package dev.gatun.optim.schedule;

/**
 * torch {@code StepLR}: {@code base · gamma^⌊step / stepSize⌋}.
 *
 * @param base the initial rate, > 0
 * @param stepSize the steps between reductions, > 0
 * @param gamma the factor per reduction, > 0
 */
public record StepLr(double base, int stepSize, double gamma) implements LrSchedule {
    /** Checks the settings' ranges. */
    public StepLr {
        Checks.positive("base", base);
        Checks.positive("stepSize", stepSize);
        Checks.positive("gamma", gamma);
    }

    @Override
    public double lr(int step) {
        return base * Math.pow(gamma, Checks.step(step) / stepSize);
    }
}
