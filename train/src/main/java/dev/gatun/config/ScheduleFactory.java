package dev.gatun.config;

import dev.gatun.optim.schedule.CosineAnnealing;
import dev.gatun.optim.schedule.CosineWarmRestarts;
import dev.gatun.optim.schedule.CyclicTriangular;
import dev.gatun.optim.schedule.ExponentialLr;
import dev.gatun.optim.schedule.LinearWarmup;
import dev.gatun.optim.schedule.LrSchedule;
import dev.gatun.optim.schedule.OneCycle;
import dev.gatun.optim.schedule.ReduceOnPlateau;
import dev.gatun.optim.schedule.StepLr;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.LrScheduleCallback;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ScheduleConfig} into the callback that drives the trainer's learning rate:
 * an {@link LrScheduleCallback} over the {@code optim.schedule} rule (with its warm-up), or, for
 * plateau, a callback feeding the monitored metric to a {@link ReduceOnPlateau} after each epoch.
 * A switch of optimizer or rate restarts the schedule from the switch's rate.
 */
public final class ScheduleFactory {
    private ScheduleFactory() {}

    /**
     * The callback for a run of {@code epochs} epochs of {@code batchesPerEpoch} batches starting
     * at rate {@code baseLr}.
     *
     * @param c the schedule section
     * @param baseLr the optimizer's rate, the schedule's base
     * @param epochs the epochs of the run
     * @param batchesPerEpoch the batches per epoch
     * @return the callback driving the rate
     * @throws ConfigException when the rule's values do not fit together (path {@code schedule})
     */
    public static Callback callback(ScheduleConfig c, double baseLr, int epochs, int batchesPerEpoch) {
        return callback(c, baseLr, epochs, batchesPerEpoch, List.of());
    }

    /**
     * Like {@link #callback(ScheduleConfig, double, int, int)}, restarted by each switch: from the
     * epoch a switch takes effect, the schedule starts again from the switch's rate (the new
     * optimizer's {@code lr}, or the switch's own {@code lr}) over the epochs that are left, as a
     * fresh run at that rate would. Add it after the switches' callbacks.
     *
     * @param c the schedule section
     * @param baseLr the optimizer's rate, the schedule's base until the first switch
     * @param epochs the epochs of the run
     * @param batchesPerEpoch the batches per epoch
     * @param switches the config's switches, by ascending epoch
     * @return the callback driving the rate
     * @throws ConfigException when the rule's values do not fit together (path {@code schedule})
     */
    public static Callback callback(ScheduleConfig c, double baseLr, int epochs, int batchesPerEpoch,
            List<SwitchConfig> switches) {
        try {
            if (c.rule() instanceof ScheduleConfig.Plateau p) {
                Map<Integer, Double> bases = new HashMap<>();
                switches.forEach(s -> bases.put(s.epoch() - 1, rateOf(s)));
                ReduceOnPlateau[] plateau = {plateau(p, baseLr)};
                return Callback.afterEachEpoch(ctx -> {
                    Double restart = bases.get(ctx.epoch());
                    if (restart != null) {
                        plateau[0] = plateau(p, restart);
                        ctx.setLearningRate(restart);
                    } else {
                        ctx.setLearningRate(plateau[0].observe(ctx.metric(p.monitor())));
                    }
                });
            }
            LrScheduleCallback.Unit unit = c.per().equals("batch") ? LrScheduleCallback.Unit.BATCH
                    : LrScheduleCallback.Unit.EPOCH;
            int perEpoch = unit == LrScheduleCallback.Unit.BATCH ? batchesPerEpoch : 1;
            Map<Integer, LrSchedule> restarts = new HashMap<>();
            for (SwitchConfig s : switches) {
                int after = s.epoch() - 1;
                restarts.put(after, schedule(c, rateOf(s), Math.multiplyExact(epochs - after, perEpoch)));
            }
            return new LrScheduleCallback(schedule(c, baseLr, Math.multiplyExact(epochs, perEpoch)), unit, restarts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("schedule", e.getMessage(), e);
        }
    }

    /** The rate a switch starts from: its new optimizer's, or its own. */
    private static double rateOf(SwitchConfig s) {
        return s.optimizerOrNull() != null ? s.optimizerOrNull().lr() : s.lr();
    }

    private static ReduceOnPlateau plateau(ScheduleConfig.Plateau p, double baseLr) {
        return new ReduceOnPlateau(baseLr, p.mode().equals("max") ? ReduceOnPlateau.Mode.MAX : ReduceOnPlateau.Mode.MIN,
                p.factor(), p.patience(), p.threshold(), p.cooldown(), p.minLr());
    }

    /**
     * The rate as a function of the step, warm-up included; {@code steps} is the run's length in schedule steps.
     *
     * @param c the schedule section
     * @param baseLr the optimizer's rate, the schedule's base
     * @param steps the run's length in schedule steps
     * @return the schedule
     */
    public static LrSchedule schedule(ScheduleConfig c, double baseLr, int steps) {
        LrSchedule rule = switch (c.rule()) {
            case ScheduleConfig.Step s -> new StepLr(baseLr, s.stepSize(), s.gamma());
            case ScheduleConfig.Exponential e -> new ExponentialLr(baseLr, e.gamma());
            case ScheduleConfig.Cosine cos -> new CosineAnnealing(baseLr, cos.tMax(), cos.etaMin());
            case ScheduleConfig.CosineRestarts r -> new CosineWarmRestarts(baseLr, r.t0(), r.tMult(), r.etaMin());
            case ScheduleConfig.Cyclic cy -> new CyclicTriangular(baseLr, cy.maxLr(), cy.stepSizeUp(), cy.stepSizeDown());
            case ScheduleConfig.OneCycle o -> new OneCycle(o.maxLr(), o.totalSteps() == 0 ? steps : o.totalSteps(),
                    o.pctStart(), o.divFactor(), o.finalDivFactor());
            case ScheduleConfig.Plateau p -> throw new IllegalArgumentException("plateau depends on a metric, not the step");
        };
        return c.warmup() > 0 ? new LinearWarmup(c.warmup(), c.warmupStartFactor(), rule) : rule;
    }
}
