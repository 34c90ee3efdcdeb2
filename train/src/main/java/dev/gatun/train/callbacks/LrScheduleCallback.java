package dev.gatun.train.callbacks;

import dev.gatun.optim.schedule.LrSchedule;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Drives the trainer's current optimizer from an {@link LrSchedule}, per epoch or per batch, like
 * a torch scheduler stepped at that rate: {@code lr(0)} when {@code fit} starts, {@code lr(t)}
 * after t steps. Unlike {@link dev.gatun.optim.schedule.LrScheduler}, which is bound to one
 * optimizer, it follows optimizer switches made by callbacks added before it. It may restart
 * after given epochs with a schedule of its own (from an optimizer switch's new base rate): the
 * step count then starts again at 0. The step count carries over between {@code fit} calls and is
 * saved in checkpoints (key {@code lr_schedule}); the schedule in use follows from the epoch.
 */
public final class LrScheduleCallback implements StatefulCallback {
    /** How often the schedule advances. */
    public enum Unit {
        /** One step per epoch. */
        EPOCH,
        /** One step per optimizer step. */
        BATCH
    }

    private final LrSchedule first;
    private final NavigableMap<Integer, LrSchedule> restarts;
    private final Unit unit;
    private LrSchedule schedule;
    private int step;

    /**
     * A callback setting the optimizer's rate from {@code schedule}, stepped every {@code unit}.
     *
     * @param schedule the rate for each step index
     * @param unit whether it advances per epoch or per batch
     */
    public LrScheduleCallback(LrSchedule schedule, Unit unit) {
        this(schedule, unit, Map.of());
    }

    /**
     * Like {@link #LrScheduleCallback(LrSchedule, Unit)}, restarting after each epoch of
     * {@code restartsAfterEpoch} with that epoch's schedule, from its step 0.
     *
     * @param schedule the rate for each step index until the first restart
     * @param unit whether it advances per epoch or per batch
     * @param restartsAfterEpoch the schedule to restart with, by the epoch (>= 1) after which it starts
     */
    public LrScheduleCallback(LrSchedule schedule, Unit unit, Map<Integer, LrSchedule> restartsAfterEpoch) {
        if (schedule == null || unit == null || restartsAfterEpoch == null) {
            throw new IllegalArgumentException("schedule, unit and restarts must not be null");
        }
        restartsAfterEpoch.forEach((epoch, s) -> {
            if (epoch < 1 || s == null) {
                throw new IllegalArgumentException("a restart needs an epoch >= 1 and a schedule, got " + epoch);
            }
        });
        this.first = schedule;
        this.schedule = schedule;
        this.restarts = new TreeMap<>(restartsAfterEpoch);
        this.unit = unit;
    }

    @Override
    public void onFitStart(Trainer trainer) {
        schedule = scheduleAfter(trainer.completedEpochs());
        trainer.optimizer().setLearningRate(schedule.lr(step));
    }

    /** The schedule in use once {@code epochs} epochs are done: the latest restart's, or the first. */
    private LrSchedule scheduleAfter(int epochs) {
        Map.Entry<Integer, LrSchedule> e = restarts.floorEntry(epochs);
        return e == null ? first : e.getValue();
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
        LrSchedule restart = restarts.get(context.epoch());
        if (restart != null) {
            schedule = restart;
            step = 0;
            context.setLearningRate(schedule.lr(step));
        } else if (unit == Unit.EPOCH) {
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
        schedule = scheduleAfter(trainer.completedEpochs());
    }

    /** {@return the schedule steps taken since the start or the last restart (the index of the rate now in use)} */
    public int stepCount() {
        return step;
    }
}
