package dev.gatun.optim;

import dev.gatun.nn.Parameter;
import java.util.List;

/**
 * torch {@code AdamW}: Adam with decoupled weight decay p ← p·(1 − lr·wd) before the Adam move,
 * default wd 1e-2. The update is {@link Adam}'s with {@code decoupled = true}.
 */
public final class AdamW extends Adam {
    /**
     * AdamW with torch's defaults: β = 0.9, 0.999; ε = 1e-8; weight decay 1e-2.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     */
    public AdamW(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 1e-2);
    }

    /**
     * AdamW with every hyperparameter given.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     * @param beta1 the decay rate of the first-moment estimate
     * @param beta2 the decay rate of the second-moment estimate
     * @param eps the term added to the denominator for stability
     * @param weightDecay the decoupled weight decay
     */
    public AdamW(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(parameters, lr, beta1, beta2, eps, weightDecay, true);
    }
}
