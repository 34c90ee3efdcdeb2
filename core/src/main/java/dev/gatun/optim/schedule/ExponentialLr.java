package dev.gatun.optim.schedule;

/** torch {@code ExponentialLR}: {@code base · gamma^step}. */
public record ExponentialLr(double base, double gamma) implements LrSchedule {
    public ExponentialLr {
        Checks.positive("base", base);
        Checks.positive("gamma", gamma);
    }

    @Override
    public double lr(int step) {
        return base * Math.pow(gamma, Checks.step(step));
    }
}
