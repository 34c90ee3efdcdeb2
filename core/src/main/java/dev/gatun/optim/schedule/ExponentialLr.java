package dev.gatun.optim.schedule;

/**
 * torch {@code ExponentialLR}: {@code base · gamma^step}.
 *
 * @param base the initial rate, > 0
 * @param gamma the factor per step, > 0
 */
public record ExponentialLr(double base, double gamma) implements LrSchedule {
    /** Checks the settings' ranges. */
    public ExponentialLr {
        Checks.positive("base", base);
        Checks.positive("gamma", gamma);
    }

    @Override
    public double lr(int step) {
        return base * Math.pow(gamma, Checks.step(step));
    }
}
