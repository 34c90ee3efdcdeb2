package dev.gatun.optim;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic loss scaling for float16 training, PyTorch's {@code GradScaler} state machine. The loss
 * is multiplied by the scale before backward, so that small gradients survive float16 (whose
 * smallest value is 2^-24); {@link #step} then divides the gradients by the scale and
 * <ul>
 *   <li>if any gradient is infinite or NaN, skips the optimizer step (weights, optimizer state
 *       and step count stay exactly as they were) and multiplies the scale by the backoff factor
 *       (0.5);</li>
 *   <li>otherwise steps the optimizer (which clips the unscaled gradients first) and, after
 *       {@code growthInterval} finite steps in a row (2000), multiplies the scale by the growth
 *       factor (2).</li>
 * </ul>
 * The scale starts at 2^16. Scales are powers of two, so scaling and unscaling are exact.
 * {@link #state()} and {@link #restore} carry it through a checkpoint.
 */
public final class LossScaler {
    /** PyTorch's initial scale, 2^16. */
    public static final double INITIAL_SCALE = 65536;
    /** PyTorch's number of finite steps in a row after which the scale grows. */
    public static final int GROWTH_INTERVAL = 2000;

    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private double scale;
    private int goodSteps;
    private long skippedSteps;

    /** A scaler with PyTorch's defaults: scale 2^16, ×2 after 2000 finite steps, ×0.5 on overflow. */
    public LossScaler() {
        this(INITIAL_SCALE, 2, 0.5, GROWTH_INTERVAL);
    }

    /**
     * A scaler with its own settings.
     *
     * @param initialScale the first scale, finite and > 0
     * @param growthFactor what the scale is multiplied by after {@code growthInterval} finite steps, > 1
     * @param backoffFactor what the scale is multiplied by after a step with inf/NaN gradients, in (0, 1)
     * @param growthInterval finite steps in a row before the scale grows, > 0
     */
    public LossScaler(double initialScale, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(initialScale > 0 && Double.isFinite(initialScale))) {
            throw new IllegalArgumentException("loss scaler: initial scale must be finite and > 0, got " + initialScale);
        }
        if (!(growthFactor > 1 && Double.isFinite(growthFactor))) {
            throw new IllegalArgumentException("loss scaler: growth factor must be > 1, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("loss scaler: backoff factor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval <= 0) {
            throw new IllegalArgumentException("loss scaler: growth interval must be > 0, got " + growthInterval);
        }
        this.scale = initialScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /** {@return the current scale} */
    public double scale() {
        return scale;
    }

    /** {@return the finite steps since the scale last changed or a step was skipped} */
    public int goodSteps() {
        return goodSteps;
    }

    /** {@return the optimizer steps skipped for inf/NaN gradients so far} */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * {@code loss × scale}, recorded for backward: call backward on this instead of the loss.
     *
     * @param loss the loss
     * @return the scaled loss
     */
    public Tensor scaleLoss(Tensor loss) {
        return loss.mul(scale);
    }

    /**
     * Unscales the gradients of the optimizer's parameters and steps it if all are finite, else
     * skips the step; then updates the scale. The gradients must come from a loss scaled by
     * {@link #scaleLoss} at the current scale.
     *
     * @param optimizer the optimizer to step
     * @return whether the optimizer stepped
     */
    public boolean step(Optimizer optimizer) {
        boolean finite = unscale(optimizer.parameters());
        if (finite) {
            optimizer.step();
        }
        update(finite);
        return finite;
    }

    /**
     * The state machine alone: after a step whose gradients were {@code finite} or not.
     *
     * @param finite whether every gradient of the step was finite
     */
    public void update(boolean finite) {
        if (!finite) {
            scale *= backoffFactor;
            goodSteps = 0;
            skippedSteps++;
            return;
        }
        goodSteps++;
        if (goodSteps == growthInterval) {
            scale *= growthFactor;
            goodSteps = 0;
        }
    }

    /**
     * Divides every gradient by the scale in place when all are finite; leaves them when not.
     *
     * @param parameters the parameters whose gradients are checked
     * @return whether every gradient was finite
     */
    boolean unscale(List<Parameter> parameters) {
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope s = Scope.open("loss scaler check")) {
            // inf·0 and NaN·0 are NaN, finite·0 is 0: one sum (one host read) says whether all are finite.
            double probe = 0;
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    probe += g.mul(0.0).sum().item();
                }
            }
            if (Double.isNaN(probe)) {
                return false;
            }
        }
        double inverse = 1 / scale;
        for (Parameter p : parameters) {
            Tensor g = p.grad();
            if (g != null) {
                BackendRegistry.of(g).axpby(inverse, g, 0, g);
            }
        }
        return true;
    }

    /** {@return the state a checkpoint saves: scale, good_steps, skipped_steps} */
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("scale", scale);
        s.put("good_steps", (double) goodSteps);
        s.put("skipped_steps", (double) skippedSteps);
        return s;
    }

    /**
     * Restores what {@link #state()} returned; checks everything before changing anything.
     *
     * @param state the saved state
     * @throws IllegalArgumentException naming a missing or bad entry
     */
    public void restore(Map<String, Double> state) {
        double s = entry(state, "scale");
        double good = entry(state, "good_steps");
        double skipped = entry(state, "skipped_steps");
        if (!(s > 0 && Double.isFinite(s))) {
            throw new IllegalArgumentException("loss scaler: saved scale must be finite and > 0, got " + s);
        }
        if (!(good >= 0 && good < growthInterval && good == Math.rint(good))) {
            throw new IllegalArgumentException("loss scaler: saved good_steps must be an integer in [0, "
                    + growthInterval + "), got " + good);
        }
        if (!(skipped >= 0 && skipped == Math.rint(skipped))) {
            throw new IllegalArgumentException("loss scaler: saved skipped_steps must be a non-negative integer, got "
                    + skipped);
        }
        scale = s;
        goodSteps = (int) good;
        skippedSteps = (long) skipped;
    }

    private static double entry(Map<String, Double> state, String name) {
        Double v = state.get(name);
        if (v == null) {
            throw new IllegalArgumentException("loss scaler: saved state has no '" + name + "'; it has " + state.keySet());
        }
        return v;
    }
}
