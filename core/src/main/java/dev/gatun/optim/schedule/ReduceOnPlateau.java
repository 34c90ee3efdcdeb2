package dev.gatun.optim.schedule;

/**
 * torch {@code ReduceLROnPlateau}: multiplies the rate by {@code factor} (not below {@code minLr})
 * once the metric has failed to improve for more than {@code patience} observations, then waits
 * {@code cooldown} observations before counting again. It depends on the metric history, so it is
 * stateful rather than an {@link LrSchedule}. Not thread-safe.
 */
public final class ReduceOnPlateau {
    /** Whether a lower ({@code MIN}, e.g. loss) or higher ({@code MAX}, e.g. accuracy) metric is better. */
    public enum Mode {
        /** Lower is better. */
        MIN,
        /** Higher is better. */
        MAX
    }

    /** How {@code threshold} counts as an improvement: relative to the best value, or absolute. */
    public enum ThresholdMode {
        /** An improvement beats the best value by the fraction {@code threshold} of it. */
        REL,
        /** An improvement beats the best value by {@code threshold}. */
        ABS
    }

    // torch ignores reductions smaller than this, so rounding at minLr does not count as a change.
    private static final double EPS = 1e-8;

    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double minLr;
    private double lr;
    private double best;
    private int badObservations;
    private int cooldownLeft;

    /**
     * torch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 (rel), cooldown 0, minLr 0.
     *
     * @param initialLr the starting rate
     */
    public ReduceOnPlateau(double initialLr) {
        this(initialLr, Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0);
    }

    /**
     * With a relative threshold, torch's default threshold mode.
     *
     * @param initialLr the starting rate
     * @param mode whether a lower or a higher metric is better
     * @param factor the factor the rate is multiplied by on a plateau, in (0, 1)
     * @param patience the observations without improvement tolerated before a reduction
     * @param threshold the least change that counts as an improvement
     * @param cooldown the observations to wait after a reduction before counting again
     * @param minLr the lowest rate
     */
    public ReduceOnPlateau(double initialLr, Mode mode, double factor, int patience, double threshold, int cooldown,
                           double minLr) {
        this(initialLr, mode, factor, patience, threshold, ThresholdMode.REL, cooldown, minLr);
    }

    /**
     * All of torch's settings ({@code eps} fixed at 1e-8).
     *
     * @param initialLr the starting rate
     * @param mode whether a lower or a higher metric is better
     * @param factor the factor the rate is multiplied by on a plateau, in (0, 1)
     * @param patience the observations without improvement tolerated before a reduction
     * @param threshold the least change that counts as an improvement
     * @param thresholdMode whether the threshold is relative to the best value or absolute
     * @param cooldown the observations to wait after a reduction before counting again
     * @param minLr the lowest rate
     */
    public ReduceOnPlateau(double initialLr, Mode mode, double factor, int patience, double threshold,
                           ThresholdMode thresholdMode, int cooldown, double minLr) {
        Checks.positive("initialLr", initialLr);
        if (mode == null || thresholdMode == null) {
            throw new IllegalArgumentException("mode and thresholdMode must not be null");
        }
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        }
        Checks.nonNegative("patience", patience);
        Checks.nonNegative("threshold", threshold);
        Checks.nonNegative("cooldown", cooldown);
        Checks.nonNegative("minLr", minLr);
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.lr = initialLr;
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Records one metric value (an epoch's validation loss, say) and returns the rate to use next.
     *
     * @param metric the metric's value
     * @return the rate to use next
     */
    public double observe(double metric) {
        if (isBetter(metric)) {
            best = metric;
            badObservations = 0;
        } else {
            badObservations++; // NaN never improves, as in torch
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badObservations = 0;
        }
        if (badObservations > patience) {
            double reduced = Math.max(lr * factor, minLr);
            if (lr - reduced > EPS) {
                lr = reduced;
            }
            cooldownLeft = cooldown;
            badObservations = 0;
        }
        return lr;
    }

    /** {@return the current rate} */
    public double lr() {
        return lr;
    }

    /**
     * Everything that changes as values are observed: what a checkpoint saves.
     *
     * @param lr the current rate
     * @param best the best metric seen so far
     * @param badObservations the observations since the last improvement
     * @param cooldownLeft the observations left in the cooldown
     */
    public record State(double lr, double best, int badObservations, int cooldownLeft) {}

    /** {@return the current state} */
    public State state() {
        return new State(lr, best, badObservations, cooldownLeft);
    }

    /**
     * Continues from a saved {@link #state()}; the settings stay this instance's.
     *
     * @param state a state from {@link #state()}
     */
    public void restore(State state) {
        Checks.nonNegative("lr", state.lr());
        Checks.nonNegative("badObservations", state.badObservations());
        Checks.nonNegative("cooldownLeft", state.cooldownLeft());
        if (Double.isNaN(state.best())) {
            throw new IllegalArgumentException("best must not be NaN");
        }
        lr = state.lr();
        best = state.best();
        badObservations = state.badObservations();
        cooldownLeft = state.cooldownLeft();
    }

    /** {@return the best metric seen so far (±∞ before the first observation)} */
    public double best() {
        return best;
    }

    private boolean isBetter(double a) {
        return switch (mode) {
            case MIN -> thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold) : a < best - threshold;
            case MAX -> thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1) : a > best + threshold;
        };
    }
}
