package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop with torch {@code RMSprop}'s semantics: weight decay added to the gradient, square
 * average s = α·s + (1 − α)·g², centered variant dividing by sqrt(s − ḡ²) + ε, optional momentum
 * buffer (starting at zero) b = μ·b + g/avg. State: {@code square_avg.<param>}, plus
 * {@code momentum_buffer.<param>} with momentum and {@code grad_avg.<param>} when centered.
 */
public final class Rmsprop extends Optimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    /**
     * RMSprop with torch's defaults: α = 0.99, ε = 1e-8, no weight decay, no momentum, not centered.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     */
    public Rmsprop(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.99, 1e-8, 0, 0, false);
    }

    /**
     * RMSprop with every hyperparameter given.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     * @param alpha the smoothing constant of the averages
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param momentum the momentum factor; 0 for none
     * @param centered whether to divide by the estimated variance rather than the mean square
     */
    public Rmsprop(List<Parameter> parameters, double lr, double alpha, double eps, double weightDecay,
                   double momentum, boolean centered) {
        super(parameters, lr, slots(momentum, centered));
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        checkPositive("eps", eps);
        checkRange("weight decay", weightDecay, 0, Double.MAX_VALUE);
        checkRange("momentum", momentum, 0, Double.MAX_VALUE);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    private static String[] slots(double momentum, boolean centered) {
        List<String> names = new ArrayList<>(List.of("square_avg"));
        if (momentum != 0) {
            names.add("momentum_buffer");
        }
        if (centered) {
            names.add("grad_avg");
        }
        return names.toArray(String[]::new);
    }

    @Override
    protected Map<String, Double> ownHyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("alpha", alpha);
        h.put("eps", eps);
        h.put("weight_decay", weightDecay);
        h.put("momentum", momentum);
        h.put("centered", centered ? 1.0 : 0.0);
        return h;
    }

    @Override
    protected void update(int i, Tensor w, Tensor g, int step) {
        int next = 1;
        Tensor buf = momentum != 0 ? slotOrZeros(i, next++) : null;
        Tensor gradAvg = centered ? slotOrZeros(i, next) : null;
        BackendRegistry.of(w).rmspropStep(w, g, slotOrZeros(i, 0), buf, gradAvg, learningRate(), alpha, eps,
                weightDecay, momentum, centered);
    }
}
