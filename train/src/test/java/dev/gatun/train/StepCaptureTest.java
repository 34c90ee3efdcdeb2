package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.StepCapture.Mode;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The graph-capture bookkeeping on the fake device, whose graphs really record and replay its
 * kernels: which steps run eagerly, which are captured and replayed, why a step falls back, and
 * that a replayed training step gives the eager step's weights bit for bit.
 */
class StepCaptureTest {
    private static final Device FAKE = Device.fake();
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;

    @AfterEach
    void noCaptureLeftOpen() {
        DeviceRuntimes.of(FAKE).abortCapture();
    }

    /** A small MLP on the fake device with its optimizer; twins built from one seed start identical. */
    private record Run(Module model, Optimizer optimizer) {
        static Run adam(Device device, boolean dropout) {
            return adam(device, dropout, FEATURES);
        }

        static Run adam(Device device, boolean dropout, int features) {
            SplittableRandom rng = new SplittableRandom(11);
            Sequential model = dropout
                    ? new Sequential(new Linear(features, 16, rng), Activation.relu(), new Dropout(0.2, 4),
                            new Linear(16, CLASSES, rng))
                    : new Sequential(new Linear(features, 16, rng), Activation.tanh(), new Linear(16, 8, rng),
                            Activation.relu(), new Linear(8, CLASSES, rng));
            model.to(device);
            model.train(true);
            return new Run(model, new Adam(model.parameters(), 0.01));
        }

        Tensor[] step(Tensor[] in) {
            Tensor output = model.forward(in[0]);
            Tensor loss = Loss.CROSS_ENTROPY.apply(output, in[1]);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            return new Tensor[] {loss, output};
        }

        Tensor[] eager(Tensor[] batch) {
            return step(new Tensor[] {batch[0].to(model.device()), batch[1].to(model.device())});
        }

        List<float[]> weights() {
            List<float[]> out = new ArrayList<>();
            for (Parameter p : model.parameters()) {
                out.add(p.tensor().toFloatArray());
            }
            return out;
        }
    }

    private static Tensor[] batch(int seed, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = rng.nextInt(CLASSES);
        }
        return new Tensor[] {Tensor.uniform(seed, -2, 2, DType.FLOAT32, size, FEATURES), Tensor.of(labels, size)};
    }

    private static void assertSameWeights(Run expected, Run actual, String when) {
        List<float[]> e = expected.weights();
        List<float[]> a = actual.weights();
        for (int i = 0; i < e.size(); i++) {
            assertArrayEquals(e.get(i), a.get(i), when + ": parameter " + i + " differs from the eager run");
        }
    }

    /** Steps both runs through batches of the given sizes; returns the modes the graphed run took. */
    private static List<Mode> stepBoth(Run eager, Run graphed, StepCapture capture, int[] sizes,
                                       Function<Tensor[], Tensor[]> graphedBody) {
        List<Mode> modes = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            try (Scope s = Scope.open("step " + i)) {
                Tensor[] b = batch(100 + i, sizes[i]);
                double expectedLoss = eager.eager(b)[0].item();
                Tensor[] out = capture.step(b, graphedBody);
                modes.add(capture.lastMode());
                assertEquals(expectedLoss, out[0].item(), 0.0, "step " + i + " (" + capture.lastMode() + "): loss");
                assertSameWeights(eager, graphed, "after step " + i + " (" + capture.lastMode() + ")");
            }
        }
        return modes;
    }

    @Test
    void afterWarmUpTheStepIsCapturedOnceThenReplayedAndEqualsEagerBitForBit() {
        try (Scope s = Scope.open("runs")) {
            Run eager = Run.adam(FAKE, false);
            Run graphed = Run.adam(FAKE, false);
            List<String> log = new ArrayList<>();
            try (StepCapture capture = new StepCapture(FAKE, graphed.optimizer(), 3, log::add)) {
                List<Mode> modes = stepBoth(eager, graphed, capture, new int[] {8, 8, 8, 8, 8, 8, 8, 8, 8}, graphed::step);
                assertEquals(List.of(Mode.EAGER, Mode.EAGER, Mode.EAGER, Mode.CAPTURED, Mode.REPLAYED, Mode.REPLAYED,
                        Mode.REPLAYED, Mode.REPLAYED, Mode.REPLAYED), modes);
                assertEquals(5, capture.replays());
                assertNull(capture.disabledReason());
                assertEquals(1, log.size(), log.toString());
                assertTrue(log.getFirst().startsWith("cuda graphs: captured the training step for inputs float32[8, 5],"
                        + " int32[8]"), log.getFirst());
            }
            assertEquals(9, graphed.optimizer().stepCount(), "the host counts replayed steps too");
            assertEquals(eager.optimizer().stepCount(), graphed.optimizer().stepCount());
        }
    }

    @Test
    void adamStepCountBakedIntoAGraphWouldGoWrongTheDeviceCountAdvances() {
        try (Scope s = Scope.open("runs")) {
            Run eager = Run.adam(FAKE, false);
            Run baked = Run.adam(FAKE, false);
            Run counted = Run.adam(FAKE, false);
            counted.optimizer().keepStepCountOnDevice();
            Tensor[] b = batch(7, 6);
            DeviceRuntime runtime = DeviceRuntimes.of(FAKE);
            try (Scope steps = Scope.open("steps")) {
                for (Run r : List.of(eager, baked, counted)) {
                    r.eager(b);
                }
                DeviceGraph bakedGraph = capture(runtime, baked, b);
                DeviceGraph countedGraph = capture(runtime, counted, b);
                eager.eager(b);
                for (int i = 0; i < 4; i++) {
                    eager.eager(b);
                    bakedGraph.launch();
                    countedGraph.launch();
                    counted.optimizer().countReplayedStep();
                }
                assertSameWeights(eager, counted, "replays reading the step count on the device");
                assertFalse(java.util.Arrays.equals(eager.weights().getFirst(), baked.weights().getFirst()),
                        "with the step count baked in, Adam's bias correction stays at the captured step");
                bakedGraph.close();
                countedGraph.close();
            }
        }
    }

    private static DeviceGraph capture(DeviceRuntime runtime, Run run, Tensor[] batch) {
        Tensor[] in = {batch[0].to(FAKE), batch[1].to(FAKE)};
        runtime.beginCapture();
        run.step(in);
        DeviceGraph graph = runtime.endCapture();
        graph.launch();
        return graph;
    }

    @Test
    void aPartialBatchRunsEagerlyBetweenReplaysOfFullOnes() {
        try (Scope s = Scope.open("runs")) {
            Run eager = Run.adam(FAKE, false);
            Run graphed = Run.adam(FAKE, false);
            List<String> log = new ArrayList<>();
            try (StepCapture capture = new StepCapture(FAKE, graphed.optimizer(), 2, log::add)) {
                List<Mode> modes = stepBoth(eager, graphed, capture, new int[] {8, 8, 8, 3, 8, 8, 3, 8}, graphed::step);
                assertEquals(List.of(Mode.EAGER, Mode.EAGER, Mode.CAPTURED, Mode.EAGER, Mode.REPLAYED, Mode.REPLAYED,
                        Mode.EAGER, Mode.REPLAYED), modes);
                assertEquals(2, log.size(), "each reason is logged once: " + log);
                assertEquals("cuda graphs: inputs float32[3, 5], int32[3] differ from the captured float32[8, 5],"
                        + " int32[8]: steps of these shapes run eagerly", log.get(1));
                assertTrue(capture.hasGraph());
            }
        }
    }

    @Test
    void aHostReadInsideTheStepIsDetectedAndTheStepRunsEagerly() {
        try (Scope s = Scope.open("runs")) {
            Run eager = Run.adam(FAKE, false);
            Run graphed = Run.adam(FAKE, false);
            List<String> log = new ArrayList<>();
            double[] seen = new double[1];
            Function<Tensor[], Tensor[]> reading = in -> {
                Tensor[] out = graphed.step(in);
                seen[0] = out[0].item();
                return out;
            };
            try (StepCapture capture = new StepCapture(FAKE, graphed.optimizer(), 1, log::add)) {
                List<Mode> modes = stepBoth(eager, graphed, capture, new int[] {4, 4, 4, 4}, reading);
                assertEquals(List.of(Mode.EAGER, Mode.EAGER, Mode.EAGER, Mode.EAGER), modes);
                assertTrue(capture.disabledReason().contains("copyOut of 4 bytes on fake:0 synchronizes with the host"),
                        capture.disabledReason());
                assertEquals(1, log.size(), log.toString());
                assertFalse(capture.hasGraph());
            }
            assertEquals(4, graphed.optimizer().stepCount(), "the abandoned capture's step is not counted twice");
        }
    }

    @Test
    void anOpThatCannotBeCapturedTurnsGraphsOff() {
        try (Scope s = Scope.open("runs")) {
            Run graphed = Run.adam(FAKE, true);
            List<String> log = new ArrayList<>();
            try (StepCapture capture = new StepCapture(FAKE, graphed.optimizer(), 1, log::add)) {
                for (int i = 0; i < 3; i++) {
                    try (Scope step = Scope.open("step")) {
                        capture.step(batch(i, 4), graphed::step);
                        assertEquals(Mode.EAGER, capture.lastMode());
                    }
                }
                assertTrue(capture.disabledReason().startsWith("dropout on fake:0 during a graph capture"),
                        capture.disabledReason());
                assertEquals(List.of("cuda graphs off, training steps run eagerly: " + capture.disabledReason()), log);
            }
        }
    }

    @Test
    void theHostCannotCapture() {
        try (Scope s = Scope.open("runs")) {
            Run host = Run.adam(Device.CPU, false);
            List<String> log = new ArrayList<>();
            try (StepCapture capture = new StepCapture(Device.CPU, host.optimizer(), 1, log::add)) {
                for (int i = 0; i < 3; i++) {
                    try (Scope step = Scope.open("step")) {
                        capture.step(batch(i, 4), host::step);
                        assertEquals(Mode.EAGER, capture.lastMode());
                    }
                }
                assertEquals("CUDA graphs need a CUDA device; training runs on cpu", capture.disabledReason());
                assertEquals(1, log.size());
            }
        }
    }

    @Test
    void aNewLearningRateDropsTheGraphAndCapturesAgain() {
        try (Scope s = Scope.open("runs")) {
            Run eager = Run.adam(FAKE, false);
            Run graphed = Run.adam(FAKE, false);
            List<String> log = new ArrayList<>();
            try (StepCapture capture = new StepCapture(FAKE, graphed.optimizer(), 1, log::add)) {
                List<Mode> modes = new ArrayList<>(stepBoth(eager, graphed, capture, new int[] {6, 6, 6}, graphed::step));
                eager.optimizer().setLearningRate(0.002);
                graphed.optimizer().setLearningRate(0.002);
                modes.addAll(stepBoth(eager, graphed, capture, new int[] {6, 6, 6}, graphed::step));
                assertEquals(List.of(Mode.EAGER, Mode.CAPTURED, Mode.REPLAYED, Mode.EAGER, Mode.CAPTURED,
                        Mode.REPLAYED), modes);
                assertTrue(log.get(1).startsWith("cuda graphs: the learning rate changed from 0.01 to 0.002"), log.toString());
            }
        }
    }

    @Test
    void aTrainerWithCudaGraphsTrainsExactlyAsOneWithout() {
        try (Scope s = Scope.open("runs")) {
            List<List<EpochMetrics>> histories = new ArrayList<>();
            List<Run> runs = new ArrayList<>();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            for (boolean graphs : new boolean[] {false, true}) {
                Run run = Run.adam(FAKE, false, 2);
                PrintStream out = graphs ? new PrintStream(printed, true, StandardCharsets.UTF_8)
                        : new PrintStream(OutputStream.nullOutputStream());
                Trainer trainer = new Trainer(run.model(), run.optimizer(), Loss.CROSS_ENTROPY, out, false)
                        .useCudaGraphs(graphs);
                DataLoader train = new DataLoader(Synthetic.blobs(100, CLASSES, 1.0, 5), 16, true, 9, false);
                histories.add(trainer.fit(train, null, 3, null));
                runs.add(run);
            }
            assertSameWeights(runs.get(0), runs.get(1), "after 3 epochs of 6 full batches and a partial one");
            for (int e = 0; e < 3; e++) {
                assertEquals(histories.get(0).get(e).trainLoss(), histories.get(1).get(e).trainLoss(), 0.0);
                assertEquals(histories.get(0).get(e).trainAccuracy(), histories.get(1).get(e).trainAccuracy(), 0.0);
            }
            String log = printed.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("cuda graphs: captured the training step for inputs float32[16, 2], int32[16]"), log);
            assertTrue(log.contains("inputs float32[4, 2], int32[4] differ from the captured"), log);
            assertEquals(21, runs.get(1).optimizer().stepCount());
        }
    }
}
