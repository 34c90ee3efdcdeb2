package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma & Ba) with PyTorch's semantics: bias-corrected moments and ε added after the
 * square root. Weight decay is L2 (added to the gradient) or, with {@code decoupled}, AdamW's
 * p ← p·(1 − lr·wd).
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<Tensor, Tensor[]> moments = new IdentityHashMap<>();
    private int step;

    /** Adam with the usual defaults (β = 0.9, 0.999; ε = 1e-8; no weight decay). */
    public Adam(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /** Adam or AdamW with every hyperparameter given. */
    public Adam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean decoupled) {
        super(parameters, lr);
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
    public void step() {
        step++;
        for (Parameter p : parameters()) {
            Tensor w = p.tensor();
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            Tensor[] mv = moments.computeIfAbsent(w, k -> new Tensor[] {
                    Tensor.zeros(k.scope(), k.dtype(), k.shape()), Tensor.zeros(k.scope(), k.dtype(), k.shape())});
            BackendRegistry.of(w).adamStep(w, g, mv[0], mv[1], learningRate(), beta1, beta2, eps, weightDecay,
                    decoupled, step);
        }
    }

    /** Steps taken so far. */
    public int stepCount() {
        return step;
    }
}
