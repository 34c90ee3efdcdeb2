package dev.gatun.train.callbacks;

import dev.gatun.optim.schedule.LrSchedule;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.util.Map;

/**
 * Drives the trainer's current optimizer from an {@link LrSchedule}, per epoch or per batch, like
 * a torch scheduler stepped at that rate: {@code lr(0)} when {@code fit} starts, {@code lr(t)}
 * after t steps. Unlike {@link dev.gatun.optim.schedule.LrScheduler}, which is bound to one
 * optimizer, it follows optimizer switches made by callbacks added before it. The step count
 * carries over between {@code fit} calls and is saved in checkpoints (key {@code lr_schedule}).
 */
public final class LrScheduleCallback implements StatefulCallback {
    /** How often the schedule advances. */
    public enum Unit {
        /** One step per epoch. */
        EPOCH,
        /** One step per optimizer step. */
        BATCH
    }

    private final LrSchedule schedule;
    private final Unit unit;
    private int step;

    /**
     * A callback setting the optimizer's rate from {@code schedule}, stepped every {@code unit}.
     *
     * @param schedule the rate for each step index
     * @param unit whether it advances per epoch or per batch
     */
    public LrScheduleCallback(LrSchedule schedule, Unit unit) {
        if (schedule == null || unit == null) {
            throw new IllegalArgumentException("schedule and unit must not be null");
        }
        this.schedule = schedule;
        this.unit = unit;
    }

    @Override
    public void onFitStart(Trainer trainer) {
        trainer.optimizer().setLearningRate(schedule.lr(step));
    }

    @Override
    public void onBatchEnd(BatchContext context) {
        if (unit == Unit.BATCH) {
            step++;
            context.trainer().optimizer().setLearningRate(schedule.lr(step));
        }
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        if (unit == Unit.EPOCH) {
            step++;
            context.setLearningRate(schedule.lr(step));
        }
    }

    @Override
    public String stateKey() {
        return "lr_schedule";
    }

    @Override
    public Map<String, Double> state() {
        return Map.of("step", (double) step);
    }

    /** Restores the step count; the optimizer's rate comes back with the optimizer's own state. */
    @Override
    public void restoreState(Trainer trainer, Map<String, Double> state, Map<String, Tensor> tensors) {
        step = StatefulCallback.requireCount(this, state, "step");
    }

    /** {@return the schedule steps taken so far (the index of the rate now in use)} */
    public int stepCount() {
        return step;
    }
}
