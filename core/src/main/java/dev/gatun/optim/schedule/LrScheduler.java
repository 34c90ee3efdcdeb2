package dev.gatun.optim.schedule;

import dev.gatun.optim.Optimizer;

/**
 * Drives an optimizer's learning rate from a schedule, like a torch scheduler: construction sets
 * {@code lr(0)}, and each {@link #step()} (after {@code optimizer.step()}, per epoch or per batch)
 * moves to the next index.
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private int step;

    /**
     * Drives {@code optimizer} from {@code schedule}, setting its rate to {@code schedule.lr(0)}
     * now.
     *
     * @param optimizer the optimizer whose rate is set
     * @param schedule the rate for each step index
     */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must not be null");
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        apply();
    }

    /**
     * Advances one step and sets the optimizer's rate; returns the new rate.
     *
     * @return the new rate
     */
    public double step() {
        step++;
        return apply();
    }

    /** {@return the steps taken so far (the index of the rate now in use)} */
    public int stepCount() {
        return step;
    }

    /**
     * Continues after {@code steps} steps, as a resumed run must, and sets the optimizer's rate.
     *
     * @param steps the steps already taken
     * @return the rate now in use
     */
    public double restore(int steps) {
        Checks.nonNegative("steps", steps);
        step = steps;
        return apply();
    }

    private double apply() {
        double lr = schedule.lr(step);
        optimizer.setLearningRate(lr);
        return lr;
    }
}
