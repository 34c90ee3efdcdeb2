package dev.gatun.optim.schedule;

/**
 * torch {@code CyclicLR} in mode {@code "triangular"}: rises linearly from baseLr to maxLr over
 * {@code stepSizeUp} steps, falls back over {@code stepSizeDown}, and repeats with constant amplitude.
 * Momentum cycling is not modelled (it is a separate optimizer setting).
 *
 * @param baseLr the lowest rate, > 0
 * @param maxLr the highest rate, > 0
 * @param stepSizeUp the steps from baseLr up to maxLr, > 0
 * @param stepSizeDown the steps from maxLr back down to baseLr, > 0
 */
public record CyclicTriangular(double baseLr, double maxLr, int stepSizeUp, int stepSizeDown) implements LrSchedule {
    /** Checks the settings' ranges. */
    public CyclicTriangular {
        Checks.positive("baseLr", baseLr);
        Checks.positive("maxLr", maxLr);
        Checks.positive("stepSizeUp", stepSizeUp);
        Checks.positive("stepSizeDown", stepSizeDown);
    }

    /**
     * A symmetric cycle (torch's default {@code step_size_down = step_size_up}).
     *
     * @param baseLr the lowest rate, > 0
     * @param maxLr the highest rate, > 0
     * @param stepSizeUp the steps from baseLr up to maxLr, > 0
     */
    public CyclicTriangular(double baseLr, double maxLr, int stepSizeUp) {
        this(baseLr, maxLr, stepSizeUp, stepSizeUp);
    }

    @Override
    public double lr(int step) {
        // Same arithmetic as torch, so results agree to the last bits.
        double totalSize = (double) stepSizeUp + stepSizeDown;
        double stepRatio = stepSizeUp / totalSize;
        double cycle = Math.floor(1 + Checks.step(step) / totalSize);
        double x = 1.0 + step / totalSize - cycle;
        double scale = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        return baseLr + (maxLr - baseLr) * scale;
    }
}
