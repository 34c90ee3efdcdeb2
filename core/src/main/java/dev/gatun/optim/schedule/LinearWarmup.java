package dev.gatun.optim.schedule;

/**
 * Linear warm-up multiplied onto another schedule:
 * {@code lr(step) = after.lr(step) · f(step)} with {@code f = startFactor + (1 − startFactor)·min(step, warmupSteps)/warmupSteps}.
 * This is torch's {@code ChainedScheduler([LinearLR(start_factor, 1.0, warmupSteps), after])} (both
 * stepped together), exact for multiplicative schedules such as StepLR and ExponentialLR; the
 * inner schedule is not delayed. torch's {@code SequentialLR} would instead restart {@code after}
 * at the milestone, i.e. {@code after.lr(step − warmupSteps)}; wrap {@code after} in a shifted
 * lambda for that.
 *
 * @param warmupSteps the steps of the warm-up, > 0
 * @param startFactor the factor at step 0, in [0, 1]
 * @param after the schedule multiplied
 */
public record LinearWarmup(int warmupSteps, double startFactor, LrSchedule after) implements LrSchedule {
    /** Checks the settings' ranges. */
    public LinearWarmup {
        Checks.positive("warmupSteps", warmupSteps);
        Checks.inRange("startFactor", startFactor, 0, 1);
        if (after == null) {
            throw new IllegalArgumentException("after must not be null");
        }
    }

    @Override
    public double lr(int step) {
        double ramp = Math.min(Checks.step(step), warmupSteps) / (double) warmupSteps;
        return after.lr(step) * (startFactor + (1 - startFactor) * ramp);
    }
}
