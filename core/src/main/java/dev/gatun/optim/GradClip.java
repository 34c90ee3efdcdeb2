package dev.gatun.optim;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;

/** Gradient clipping between {@code backward()} and {@code optimizer.step()}; parameters without a gradient are skipped. */
public final class GradClip {
    // torch's clip_grad_norm_ adds this to the norm so the scaled norm lands just under maxNorm.
    private static final double EPS = 1e-6;

    private GradClip() {}

    /**
     * torch {@code clip_grad_norm_} (L2): scales every gradient by {@code maxNorm / (norm + 1e-6)}
     * when that is below 1, where norm is the L2 norm of all gradients together. Returns the norm
     * before clipping. A non-finite norm is returned without touching the gradients (torch would
     * fill them with NaN); check the result to skip such a step.
     *
     * @param ps the parameters whose gradients are clipped
     * @param maxNorm the largest L2 norm allowed
     * @return the L2 norm of all gradients before clipping
     */
    public static double clipByNorm(List<Parameter> ps, double maxNorm) {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be >= 0 and finite, got " + maxNorm);
        }
        double sumSquares = 0;
        // The squares are temporaries: a short scope frees them, no-grad keeps them off the graph.
        try (Scope _ = Scope.open("clipByNorm"); Autograd.NoGrad _ = Autograd.noGrad()) {
            for (Parameter p : ps) {
                Tensor g = p.grad();
                if (g != null) {
                    sumSquares += g.mul(g).sum().item();
                }
            }
        }
        double norm = Math.sqrt(sumSquares);
        double coef = maxNorm / (norm + EPS);
        if (!Double.isFinite(norm) || !(coef < 1)) {
            return norm;
        }
        for (Parameter p : ps) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            // y = 0·x + coef·y with x == y: each element is read before it is written, so aliasing is safe.
            BackendRegistry.of(g).axpby(0, g, coef, g);
        }
        return norm;
    }

    /**
     * torch {@code clip_grad_value_}: clamps every gradient element to {@code [-limit, limit]}.
     *
     * @param ps the parameters whose gradients are clipped
     * @param limit the largest magnitude allowed, > 0
     */
    public static void clipByValue(List<Parameter> ps, double limit) {
        if (!(limit >= 0) || Double.isInfinite(limit)) {
            throw new IllegalArgumentException("limit must be >= 0 and finite, got " + limit);
        }
        for (Parameter p : ps) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            BackendRegistry.of(g).clamp(g, -limit, limit, g);
        }
    }
}
