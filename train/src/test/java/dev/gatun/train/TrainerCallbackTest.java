package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.optim.Sgd;
import dev.gatun.optim.schedule.LrSchedule;
import dev.gatun.optim.schedule.LrScheduler;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.ClassificationReport;
import dev.gatun.train.callbacks.EarlyStopping;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.callbacks.LrScheduleCallback;
import dev.gatun.train.callbacks.SwitchOptimizer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Callbacks between epochs and batches: switching optimizers and driving learning-rate schedules. */
class TrainerCallbackTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private Scope scope;
    private DataLoader train;

    @BeforeEach
    void open() {
        scope = Scope.open("model");
        train = new DataLoader(new MemoryFlatTest.Blobs(96, 3), 32, false, 0, false); // 3 batches per epoch
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Linear model() {
        return new Linear(20, 3, new SplittableRandom(1));
    }

    /** The trainer's loop, written out: each epoch is trained with the optimizer for that epoch. */
    private void replay(Module net, List<Optimizer> perEpoch) {
        for (int epoch = 1; epoch <= perEpoch.size(); epoch++) {
            Optimizer opt = perEpoch.get(epoch - 1);
            int[] order = train.order(epoch);
            for (int b = 0; b < train.batchCount(); b++) {
                try (Scope step = Scope.open("replay step")) {
                    DataLoader.Batch batch = train.batch(order, b);
                    Tensor l = Loss.CROSS_ENTROPY.apply(net.forward(batch.features()), batch.labels());
                    opt.zeroGrad();
                    l.backward();
                    opt.step();
                }
            }
        }
    }

    private static float[] weights(Module net) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            for (float f : p.tensor().toFloatArray()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void switchingFromSgdToAdamAfterEpochOneChangesTheUpdateRuleFromThenOn() {
        Linear net = model();
        Trainer trainer = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
        trainer.addCallback(new SwitchOptimizer(1, ps -> new Adam(ps, 0.01)));
        List<EpochMetrics> history = trainer.fit(train, null, 3, null);
        assertEquals(3, history.size());
        Adam adam = assertInstanceOf(Adam.class, trainer.optimizer());
        assertEquals(6, adam.stepCount(), "Adam took the 3 batches of epochs 2 and 3");

        Linear expected = model();
        Adam replayAdam = new Adam(expected.parameters(), 0.01);
        replay(expected, List.of(new Sgd(expected.parameters(), 0.1), replayAdam, replayAdam));
        assertArrayEquals(weights(expected), weights(net), "SGD for epoch 1, Adam for epochs 2 and 3");

        Linear sgdOnly = model();
        Optimizer sgd = new Sgd(sgdOnly.parameters(), 0.1);
        replay(sgdOnly, List.of(sgd, sgd, sgd));
        assertFalse(java.util.Arrays.equals(weights(sgdOnly), weights(net)), "the switch made a difference");
    }

    @Test
    void epochCallbackCanChangeTheLearningRate() {
        Linear net = model();
        Trainer trainer = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
        List<Double> seen = new ArrayList<>();
        trainer.addCallback(Callback.afterEachEpoch(ctx -> seen.add(ctx.metric("lr"))));
        trainer.addCallback(Callback.afterEachEpoch(ctx -> ctx.setLearningRate(ctx.optimizer().learningRate() / 2)));
        trainer.fit(train, null, 3, null);
        assertEquals(List.of(0.1, 0.05, 0.025), seen);

        Linear expected = model();
        Sgd a = new Sgd(expected.parameters(), 0.1);
        Sgd b = new Sgd(expected.parameters(), 0.05);
        Sgd c = new Sgd(expected.parameters(), 0.025);
        replay(expected, List.of(a, b, c));
        assertArrayEquals(weights(expected), weights(net));
    }

    @Test
    void scheduleCallbackPerBatchAndPerEpochFollowsTheCurrentOptimizer() {
        LrSchedule schedule = step -> 0.1 / (1 + step);
        Linear net = model();
        Trainer perBatch = new Trainer(net, new Sgd(net.parameters(), 1.0), Loss.CROSS_ENTROPY, QUIET, false);
        List<Double> used = new ArrayList<>();
        perBatch.addCallback(Callback.afterEachBatch(ctx -> used.add(ctx.trainer().optimizer().learningRate())));
        perBatch.addCallback(new LrScheduleCallback(schedule, LrScheduleCallback.Unit.BATCH));
        perBatch.fit(train, null, 2, null);
        assertEquals(List.of(0.1 / 1, 0.1 / 2, 0.1 / 3, 0.1 / 4, 0.1 / 5, 0.1 / 6), used);

        Trainer perEpoch = new Trainer(net, new Sgd(net.parameters(), 1.0), Loss.CROSS_ENTROPY, QUIET, false);
        List<Double> epochRates = new ArrayList<>();
        perEpoch.addCallback(Callback.afterEachEpoch(ctx -> epochRates.add(ctx.metric("lr"))));
        perEpoch.addCallback(new SwitchOptimizer(1, ps -> new Adam(ps, 1.0)));
        perEpoch.addCallback(new LrScheduleCallback(schedule, LrScheduleCallback.Unit.EPOCH));
        perEpoch.fit(train, null, 3, null);
        assertEquals(List.of(0.1, 0.05, 0.1 / 3), epochRates, "the Adam from epoch 2 on got the schedule's rates");
        assertEquals(0.025, perEpoch.optimizer().learningRate());
    }

    @Test
    void anLrSchedulerCanBeDrivenFromACallback() {
        Linear net = model();
        Sgd sgd = new Sgd(net.parameters(), 1.0);
        LrScheduler scheduler = new LrScheduler(sgd, step -> Math.pow(0.5, step));
        Trainer trainer = new Trainer(net, sgd, Loss.CROSS_ENTROPY, QUIET, false);
        trainer.addCallback(Callback.afterEachEpoch(ctx -> scheduler.step()));
        trainer.fit(train, null, 3, null);
        assertEquals(0.125, sgd.learningRate());
    }

    @Test
    void callbacksCanStopTrainingAndMissingMetricsAreNamed() {
        Linear net = model();
        Trainer trainer = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
        trainer.addCallback(Callback.afterEachEpoch(ctx -> {
            if (ctx.epoch() == 2) {
                ctx.requestStop();
            }
        }));
        assertEquals(2, trainer.fit(train, null, 5, null).size());
        assertTrue(trainer.stopRequested());

        Trainer bad = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
        bad.addCallback(Callback.afterEachEpoch(ctx -> ctx.metric("val_f1")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.fit(train, null, 1, null));
        assertTrue(e.getMessage().contains("'val_f1'") && e.getMessage().contains("val_loss"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bad.setOptimizer(null));
        assertThrows(IllegalArgumentException.class, () -> new SwitchOptimizer(0, ps -> null));
    }

    @Test
    void epochContextExposesTheStandardMetrics() {
        Linear net = model();
        Trainer trainer = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
        List<EpochContext> contexts = new ArrayList<>();
        trainer.addCallback(Callback.afterEachEpoch(contexts::add));
        List<EpochMetrics> history = trainer.fit(train, train, 1, null);
        EpochContext ctx = contexts.get(0);
        assertEquals(history.get(0).trainLoss(), ctx.metric("train_loss"));
        assertEquals(history.get(0).valAccuracy(), ctx.metric("val_accuracy"));
        assertEquals(history.get(0).valLoss(), ctx.metric("val_loss"));
        assertTrue(Double.isFinite(ctx.metric("val_loss")));
        ctx.putMetric("custom", 3);
        assertEquals(3, ctx.metric("custom"));
        Function<String, Double> m = ctx::metric;
        assertEquals(0.1, m.apply("lr"));
    }

    @Test
    void classificationReportFeedsNamedMetricsToLaterCallbacks() {
        Linear net = model();
        DataLoader test = new DataLoader(new MemoryFlatTest.Blobs(50, 9), 16, false, 0, false);
        Trainer trainer = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
        ClassificationReport report = new ClassificationReport(test, "test", 3);
        List<double[]> seen = new ArrayList<>();
        trainer.addCallback(report);
        trainer.addCallback(Callback.afterEachEpoch(ctx -> seen.add(new double[] {ctx.metric("test_macro_f1"),
                ctx.metric("test_top3_accuracy"), ctx.metric("val_accuracy")})));
        EarlyStopping stop = new EarlyStopping("test_macro_f1", EarlyStopping.Mode.MAX, 2, 0, true);
        trainer.addCallback(stop);
        trainer.fit(train, test, 2, null);
        assertEquals(50, report.lastMatrix().total());
        double[] last = seen.get(seen.size() - 1);
        assertEquals(report.lastMatrix().macroF1(), last[0]);
        assertEquals(1.0, last[1], "top-3 of 3 classes always hits");
        assertEquals(last[2], report.lastMatrix().accuracy(), 1e-12, "same predictions as the trainer's evaluation");
        assertTrue(stop.bestEpoch() >= 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassificationReport(test, "test", 4));
        assertTrue(e.getMessage().contains("topK"), e.getMessage());
    }
}
