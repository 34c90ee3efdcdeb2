package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba) with PyTorch's semantics: bias-corrected moments and ε added after the
 * square root. Weight decay is L2 (added to the gradient) or, with {@code decoupled}, AdamW's
 * p ← p·(1 − lr·wd); {@link AdamW} is the decoupled form with its own defaults.
 * State: {@code exp_avg.NAME} and {@code exp_avg_sq.NAME}, for each parameter NAME.
 */
public sealed class Adam extends Optimizer permits AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    /**
     * Adam with the usual defaults (β = 0.9, 0.999; ε = 1e-8; no weight decay).
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     */
    public Adam(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * Adam or AdamW with every hyperparameter given.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     * @param beta1 the decay rate of the first-moment estimate
     * @param beta2 the decay rate of the second-moment estimate
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     */
    public Adam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean decoupled) {
        super(parameters, lr, "exp_avg", "exp_avg_sq");
        checkRange("beta1", beta1, 0, 1);
        checkRange("beta2", beta2, 0, 1);
        checkPositive("eps", eps);
        checkRange("weight decay", weightDecay, 0, Double.MAX_VALUE);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    protected Map<String, Double> ownHyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("eps", eps);
        h.put("weight_decay", weightDecay);
        h.put("decoupled", decoupled ? 1.0 : 0.0);
        return h;
    }

    @Override
    protected final void update(int i, Tensor w, Tensor g, int step) {
        Tensor counted = deviceStepCount();
        if (counted != null) {
            BackendRegistry.of(w).adamStepCounted(w, g, slotOrZeros(i, 0), slotOrZeros(i, 1), learningRate(), beta1,
                    beta2, eps, weightDecay, decoupled, counted);
            return;
        }
        BackendRegistry.of(w).adamStep(w, g, slotOrZeros(i, 0), slotOrZeros(i, 1), learningRate(), beta1, beta2,
                eps, weightDecay, decoupled, step);
    }
}
