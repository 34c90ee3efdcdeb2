package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's semantics: weight decay added to the gradient,
 * momentum buffer b = μ·b + (1 − dampening)·g (b = g on the first step), Nesterov g + μ·b.
 * State: {@code momentum_buffer.<param>} when momentum is not 0.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /**
     * Plain SGD.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     */
    public Sgd(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0, 0, 0, false);
    }

    /**
     * SGD with momentum, dampening, weight decay and optional Nesterov momentum.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     * @param momentum the momentum factor; 0 for none
     * @param dampening the dampening of the momentum
     * @param weightDecay the weight decay; 0 for none
     * @param nesterov whether to use Nesterov momentum
     */
    public Sgd(List<Parameter> parameters, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super(parameters, lr, slots(momentum));
        checkRange("momentum", momentum, 0, 1);
        checkRange("dampening", dampening, 0, 1.0000001);
        checkRange("weight decay", weightDecay, 0, Double.MAX_VALUE);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    private static String[] slots(double momentum) {
        return momentum != 0 ? new String[] {"momentum_buffer"} : new String[0];
    }

    @Override
    protected Map<String, Double> ownHyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("momentum", momentum);
        h.put("dampening", dampening);
        h.put("weight_decay", weightDecay);
        h.put("nesterov", nesterov ? 1.0 : 0.0);
        return h;
    }

    @Override
    protected void update(int i, Tensor w, Tensor g, int step) {
        Tensor buf = null;
        boolean first = false;
        if (momentum != 0) {
            first = slot(i, 0) == null;
            buf = slotOrZeros(i, 0);
        }
        BackendRegistry.of(w).sgdStep(w, g, buf, learningRate(), momentum, dampening, weightDecay, nesterov, first);
    }
}
