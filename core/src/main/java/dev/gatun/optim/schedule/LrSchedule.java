package dev.gatun.optim.schedule;

/**
 * A learning rate as a pure function of the step index (0 is the first step). A "step" is an
 * epoch or a batch, whichever the caller advances it on; the base rate is fixed at construction.
 * Values match {@code torch.optim.lr_scheduler} after the same number of {@code scheduler.step()} calls.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate to use for step {@code step} (≥ 0).
     *
     * @param step the step index, >= 0
     * @return the learning rate
     */
    double lr(int step);
}
