package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Activation;
import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.optim.Sgd;
import dev.gatun.optim.schedule.StepLr;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.EarlyStopping;
import dev.gatun.train.callbacks.LrScheduleCallback;
import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run interrupted after epoch 2 and resumed from its checkpoint must equal the uninterrupted
 * run bit for bit: same per-epoch losses, accuracies and rates, same final weights, optimizer
 * moments and dropout counters. The setup exercises every piece of saved state: Adam moments and
 * step, gradient clipping, a per-epoch schedule, early stopping's kept weights, dropout masks,
 * batch norm buffers and a shuffled loader.
 */
class ResumeTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    /** One training setup; every instance built with the same init seed starts identical. */
    record Run(Sequential model, Trainer trainer, DataLoader train, DataLoader validation) {
        static Run build(Path runDir, long initSeed) {
            SplittableRandom rng = new SplittableRandom(initSeed);
            Sequential model = new Sequential(new Linear(2, 16, rng), new BatchNorm1d(16), Activation.relu(),
                    new Dropout(0.25, 11), new Linear(16, 3, rng));
            Optimizer adam = new Adam(model.parameters(), 0.02).clipGradNorm(0.5);
            Trainer trainer = new Trainer(model, adam, Loss.CROSS_ENTROPY, QUIET, false);
            trainer.addCallback(new LrScheduleCallback(new StepLr(0.02, 1, 0.7), LrScheduleCallback.Unit.EPOCH));
            trainer.addCallback(new EarlyStopping("val_loss", EarlyStopping.Mode.MIN, 50, 0, true));
            ObjectNode config = Checkpoint.JSON.createObjectNode().put("sample", "resume-test");
            trainer.addCallback(new CheckpointCallback(runDir, config, Map.of("data_loader", 9L), 1, 10));
            DataLoader train = new DataLoader(Synthetic.blobs(120, 3, 1.5, 5), 16, true, 9, false);
            DataLoader validation = new DataLoader(Synthetic.blobs(48, 3, 1.5, 6), 32, false, 0, false);
            return new Run(model, trainer, train, validation);
        }
    }

    @AfterEach
    void defaultBackend() {
        BackendRegistry.use("cpu");
    }

    /**
     * On both CPU backends, and on the fake device, where the trainer moves the model and every
     * batch to the device and the checkpoint is written from and loaded into device tensors.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "scalar", "fake"})
    void resumedRunEqualsTheUninterruptedOne(String backend) throws IOException {
        BackendRegistry.use(backend);
        List<EpochMetrics> straight;
        List<int[]> straightWeights;
        List<int[]> straightMoments;
        try (Scope s = Scope.open("uninterrupted")) {
            Run a = Run.build(dir.resolve("a"), 1);
            a.trainer().fit(a.train(), a.validation(), 4, null);
            straight = a.trainer().history();
            straightWeights = bits(a.model().state());
            straightMoments = bits(a.trainer().optimizer().stateTensors().values());
        }
        try (Scope s = Scope.open("first half")) {
            Run b = Run.build(dir.resolve("b"), 1);
            assertEquals(2, b.trainer().fit(b.train(), b.validation(), 2, null).size());
        }
        Path checkpoint = dir.resolve("b/checkpoints/epoch-0002");
        assertTrue(Files.isRegularFile(checkpoint.resolve("checkpoint.json")));
        try (Scope s = Scope.open("second half")) {
            // A different init seed: everything must come from the checkpoint.
            Run c = Run.build(dir.resolve("b"), 77);
            Checkpoint cp = Checkpoint.load(checkpoint, c.model(), s);
            assertEquals(2, cp.epoch());
            assertEquals(Map.of("3", 2L * 8), cp.dropoutDraws(), "one mask per batch, 8 batches per epoch");
            c.trainer().resume(cp);
            MetricsLog log = new MetricsLog(RunFolder.open(dir.resolve("b")), Map.of());
            List<EpochMetrics> ran = c.trainer().fit(c.train(), c.validation(), 4, log);
            assertEquals(List.of(3, 4), ran.stream().map(EpochMetrics::epoch).toList());
            assertEquals(4, log.epochs().size(), "the log starts with the checkpoint's history");
            List<EpochMetrics> resumed = c.trainer().history();
            assertEquals(4, resumed.size());
            for (int e = 0; e < 4; e++) {
                assertBitEqual(straight.get(e), resumed.get(e));
            }
            List<int[]> weights = bits(c.model().state());
            for (int i = 0; i < weights.size(); i++) {
                assertArrayEquals(straightWeights.get(i), weights.get(i), "tensor " + i + " of the model state");
            }
            List<int[]> moments = bits(c.trainer().optimizer().stateTensors().values());
            assertEquals(straightMoments.size(), moments.size());
            for (int i = 0; i < moments.size(); i++) {
                assertArrayEquals(straightMoments.get(i), moments.get(i), "optimizer state tensor " + i);
            }
            assertEquals(4L * 8, ((Dropout) c.model().layers().get(3)).draws());
        }
    }

    @Test
    void withoutTheCheckpointTheSecondHalfDiffers() throws IOException {
        // Guards the test above: a restart that forgets the state must not match by accident.
        List<EpochMetrics> straight;
        try (Scope s = Scope.open("uninterrupted")) {
            Run a = Run.build(dir.resolve("a"), 1);
            a.trainer().fit(a.train(), a.validation(), 3, null);
            straight = a.trainer().history();
        }
        try (Scope s = Scope.open("restart")) {
            Run c = Run.build(dir.resolve("c"), 1);
            c.trainer().fit(c.train(), c.validation(), 1, null);
            double third = c.trainer().fit(c.train(), c.validation(), 1, null).getFirst().trainLoss();
            assertNotEquals(straight.get(1).trainLoss(), third);
        }
    }

    @Test
    void roundTripOfModelAndOptimizerIsBitIdentical() throws IOException {
        Path first;
        List<int[]> weights;
        List<int[]> moments;
        try (Scope s = Scope.open("saved")) {
            Run a = Run.build(dir.resolve("a"), 1);
            a.trainer().fit(a.train(), a.validation(), 1, null);
            first = dir.resolve("a/checkpoints/epoch-0001");
            weights = bits(a.model().state());
            moments = bits(a.trainer().optimizer().stateTensors().values());
            assertEquals(8, a.trainer().optimizer().stepCount());
        }
        try (Scope s = Scope.open("loaded")) {
            Run b = Run.build(dir.resolve("b"), 5);
            b.trainer().resume(Checkpoint.load(first, b.model(), s));
            List<int[]> loaded = bits(b.model().state());
            for (int i = 0; i < loaded.size(); i++) {
                assertArrayEquals(weights.get(i), loaded.get(i));
            }
            List<int[]> loadedMoments = bits(b.trainer().optimizer().stateTensors().values());
            assertEquals(moments.size(), loadedMoments.size());
            for (int i = 0; i < loadedMoments.size(); i++) {
                assertArrayEquals(moments.get(i), loadedMoments.get(i));
            }
            assertEquals(8, b.trainer().optimizer().stepCount());
            assertEquals(0.02 * 0.7, b.trainer().optimizer().learningRate(), "the rate after epoch 1's schedule step");
            assertEquals(1, b.trainer().completedEpochs());
            Path again = Checkpoint.save(dir.resolve("b"), b.trainer(), Checkpoint.JSON.createObjectNode()
                    .put("sample", "resume-test"), Map.of("data_loader", 9L));
            for (String f : List.of(Checkpoint.MODEL_FILE, Checkpoint.OPTIMIZER_FILE)) {
                assertArrayEquals(Files.readAllBytes(first.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
            }
        }
    }

    @Test
    void resumeChecksTheOptimizer() throws IOException {
        Path saved;
        try (Scope s = Scope.open("saved")) {
            Run a = Run.build(dir.resolve("a"), 1);
            a.trainer().fit(a.train(), a.validation(), 1, null);
            saved = dir.resolve("a/checkpoints/epoch-0001");
        }
        try (Scope s = Scope.open("sgd")) {
            Run b = Run.build(dir.resolve("b"), 1);
            b.trainer().setOptimizer(new Sgd(b.model().parameters(), 0.1));
            Checkpoint cp = Checkpoint.load(saved, b.model(), s);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.trainer().resume(cp));
            assertTrue(e.getMessage().contains("saved with Adam but the trainer's optimizer is Sgd"), e.getMessage());
        }
        try (Scope s = Scope.open("other clip")) {
            Run b = Run.build(dir.resolve("b"), 1);
            b.trainer().setOptimizer(new Adam(b.model().parameters(), 0.02).clipGradNorm(2));
            Checkpoint cp = Checkpoint.load(saved, b.model(), s);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.trainer().resume(cp));
            assertTrue(e.getMessage().contains("hyperparameters differ") && e.getMessage().contains("clip_grad_norm=0.5"),
                    e.getMessage());
            assertEquals(0, b.trainer().completedEpochs(), "a failed resume changes nothing");
        }
    }

    @Test
    void keepsTheLastCheckpointsAndTheBestAndLeavesNoTemporaries() throws IOException {
        try (Scope s = Scope.open("run")) {
            Run a = Run.build(dir.resolve("ignored"), 1);
            Trainer t = new Trainer(a.model(), a.trainer().optimizer(), Loss.CROSS_ENTROPY, QUIET, false);
            CheckpointCallback cb = new CheckpointCallback(dir, Checkpoint.JSON.createObjectNode(), Map.of(), 1, 2)
                    .keepBest("epoch_rank", EarlyStopping.Mode.MIN);
            // A made-up metric that is best at epoch 2 and worse afterwards.
            t.addCallback(dev.gatun.train.callbacks.Callback.afterEachEpoch(
                    ctx -> ctx.putMetric("epoch_rank", Math.abs(ctx.epoch() - 2))));
            t.addCallback(cb);
            t.fit(a.train(), null, 5, null);
            assertEquals(2, cb.bestEpoch());
            try (Stream<Path> names = Files.list(dir.resolve("checkpoints"))) {
                assertEquals(List.of("epoch-0002", "epoch-0004", "epoch-0005"),
                        names.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertEquals(dir.resolve("checkpoints/epoch-0005"), CheckpointCallback.latest(dir));
        }
    }

    @Test
    void checkpointCallbackMustRunLast() {
        try (Scope s = Scope.open("run")) {
            Run a = Run.build(dir, 1);
            a.trainer().addCallback(dev.gatun.train.callbacks.Callback.afterEachEpoch(ctx -> { }));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> a.trainer().fit(a.train(), null, 1, null));
            assertTrue(e.getMessage().contains("last callback"), e.getMessage());
        }
    }

    static void assertBitEqual(EpochMetrics want, EpochMetrics got) {
        String at = "epoch " + want.epoch();
        assertEquals(want.epoch(), got.epoch());
        assertEquals(Double.doubleToRawLongBits(want.trainLoss()), Double.doubleToRawLongBits(got.trainLoss()),
                at + " train loss " + want.trainLoss() + " vs " + got.trainLoss());
        assertEquals(Double.doubleToRawLongBits(want.trainAccuracy()), Double.doubleToRawLongBits(got.trainAccuracy()), at);
        assertEquals(Double.doubleToRawLongBits(want.valLoss()), Double.doubleToRawLongBits(got.valLoss()),
                at + " val loss " + want.valLoss() + " vs " + got.valLoss());
        assertEquals(Double.doubleToRawLongBits(want.valAccuracy()), Double.doubleToRawLongBits(got.valAccuracy()), at);
        assertEquals(Double.doubleToRawLongBits(want.learningRate()), Double.doubleToRawLongBits(got.learningRate()), at);
    }

    static List<int[]> bits(List<Parameter> state) {
        List<Tensor> ts = new ArrayList<>();
        for (Parameter p : state) {
            ts.add(p.tensor());
        }
        return bits(ts);
    }

    static List<int[]> bits(java.util.Collection<Tensor> tensors) {
        List<int[]> out = new ArrayList<>();
        for (Tensor t : tensors) {
            float[] f = t.toFloatArray();
            int[] b = new int[f.length];
            for (int i = 0; i < f.length; i++) {
                b[i] = Float.floatToRawIntBits(f[i]);
            }
            out.add(b);
        }
        return out;
    }
}
