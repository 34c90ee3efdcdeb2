package dev.gatun.optim.schedule;

/** torch {@code StepLR}: {@code base · gamma^⌊step / stepSize⌋}. */
public record StepLr(double base, int stepSize, double gamma) implements LrSchedule {
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
