package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's semantics: weight decay added to the gradient,
 * momentum buffer b = μ·b + (1 − dampening)·g (b = g on the first step), Nesterov g + μ·b.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    private final Map<Tensor, Tensor> buffers = new IdentityHashMap<>();

    /** Plain SGD. */
    public Sgd(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0, 0, 0, false);
    }

    /** SGD with momentum, dampening, weight decay and optional Nesterov momentum. */
    public Sgd(List<Parameter> parameters, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super(parameters, lr);
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

    @Override
    public void step() {
        for (Parameter p : parameters()) {
            Tensor w = p.tensor();
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            Tensor buf = null;
            boolean first = false;
            if (momentum != 0) {
                buf = buffers.get(w);
                if (buf == null) {
                    buf = Tensor.zeros(w.scope(), w.dtype(), w.shape());
                    buffers.put(w, buf);
                    first = true;
                }
            }
            BackendRegistry.of(w).sgdStep(w, g, buf, learningRate(), momentum, dampening, weightDecay, nesterov, first);
        }
    }
}
