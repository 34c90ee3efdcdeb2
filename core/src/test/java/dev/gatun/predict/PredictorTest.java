package dev.gatun.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Activation;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Linear;
import dev.gatun.nn.MaxPool2d;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The predictor on networks built in place: its outputs against a plain double reference, its
 * answers under concurrent callers against the same calls made alone (to the bit), its input
 * checks, and its ownership of the network's memory.
 */
class PredictorTest {
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static Predictor mlp(FeatureTransform preprocessing) throws IOException {
        return Predictor.load("mlp", () -> new Predictor.Network(new Sequential(
                new Linear(784, 256, new SplittableRandom(1)), Activation.relu(),
                new Linear(256, 128, new SplittableRandom(2)), Activation.relu(),
                new Linear(128, 10, new SplittableRandom(3))), new int[] {784}, preprocessing, DIGITS));
    }

    private static Predictor cnn() throws IOException {
        SplittableRandom rng = new SplittableRandom(4);
        return Predictor.load("cnn", () -> new Predictor.Network(new Sequential(
                new Conv2d(1, 8, 3, 1, 1, rng), new MaxPool2d(2), Activation.relu(),
                new Flatten(), new Linear(8 * 14 * 14, 10, rng)), new int[] {1, 28, 28}, FeatureTransform.NONE, DIGITS));
    }

    private static float[][] rows(int count, int width, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] rows = new float[count][width];
        for (float[] row : rows) {
            for (int j = 0; j < width; j++) {
                row[j] = (float) rng.nextDouble(-1, 2);
            }
        }
        return rows;
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheNetworksLogits() throws IOException {
        Linear[] layers = new Linear[2];
        float[][] x = rows(5, 3, 10);
        List<String> colours = List.of("red", "green", "blue");
        try (Predictor p = Predictor.load("small", () -> {
            SplittableRandom rng = new SplittableRandom(9);
            layers[0] = new Linear(3, 4, rng);
            layers[1] = new Linear(4, 3, rng);
            return new Predictor.Network(new Sequential(layers[0], Activation.relu(), layers[1]), new int[] {3},
                    FeatureTransform.NONE, colours);
        })) {
            float[][] batch = p.predict(x);
            for (int i = 0; i < x.length; i++) {
                double[] logits = affine(layers[1], relu(affine(layers[0], toDouble(x[i]))));
                double max = Arrays.stream(logits).max().orElseThrow();
                double z = Arrays.stream(logits).map(l -> Math.exp(l - max)).sum();
                int best = 0;
                for (int c = 0; c < 3; c++) {
                    assertEquals(Math.exp(logits[c] - max) / z, batch[i][c], 1e-5, "example " + i + " class " + c);
                    best = logits[c] > logits[best] ? c : best;
                }
                assertArrayEquals(batch[i], p.predict(x[i]), 1e-6f);
                Prediction one = p.classify(x[i]);
                assertEquals(best, one.classIndex());
                assertEquals(colours.get(best), one.className());
                assertEquals(batch[i][best], one.probability(), 1e-6f);
                assertEquals(one, p.classify(x).get(i));
            }
            assertEquals(0, p.predict(new float[0][]).length);
            assertEquals(List.of(), p.classify(new float[0][]));
        }
    }

    @Test
    void aRegressionNetworkGivesItsValuesAndNoClasses() throws IOException {
        Linear[] layer = new Linear[1];
        float[][] x = rows(4, 3, 11);
        try (Predictor p = Predictor.load("regression", () -> {
            layer[0] = new Linear(3, 2, new SplittableRandom(5));
            return new Predictor.Network(layer[0], new int[] {3}, FeatureTransform.NONE, List.of());
        })) {
            assertFalse(p.classification());
            for (int i = 0; i < x.length; i++) {
                double[] want = affine(layer[0], toDouble(x[i]));
                float[] got = p.predict(x[i]);
                assertEquals(2, got.length);
                assertEquals(want[0], got[0], 1e-5);
                assertEquals(want[1], got[1], 1e-5);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.classify(x[0]));
            assertEquals("predictor 'regression': a regression network has no classes; use predict", e.getMessage());
        }
    }

    @Test
    void thePreprocessingAppliesToRowsButNotToPreparedTensors() throws IOException {
        float[] shift = new float[784];
        Arrays.fill(shift, 0.25f);
        FeatureTransform centre = rows -> {
            float[] out = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = (rows[i] - shift[i % 784]) * 4f;
            }
            return out;
        };
        float[][] raw = rows(6, 784, 12);
        float[][] prepared = new float[6][];
        for (int i = 0; i < raw.length; i++) {
            prepared[i] = centre.apply(raw[i]);
        }
        try (Predictor plain = mlp(FeatureTransform.NONE); Predictor centred = mlp(centre);
                Scope s = Scope.open("inputs")) {
            float[][] viaRows = centred.predict(raw);
            assertBitwiseEqual(plain.predict(prepared), viaRows);
            Tensor batch = Tensor.of(flat(prepared), 6, 784);
            assertBitwiseEqual(viaRows, centred.predictPreprocessed(batch));
            assertFalse(Arrays.equals(viaRows[0], plain.predict(raw)[0]), "the preprocessing changed nothing");
        }
    }

    @Test
    void wrongInputShapesAreNamedInOneLine() throws IOException {
        try (Predictor p = cnn(); Scope s = Scope.open("inputs")) {
            assertArrayEquals(new int[] {1, 28, 28}, p.inputShape());
            assertEquals(784, p.inputSize());
            IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> p.predict(new float[783]));
            assertEquals("predictor 'cnn': the example has 783 values, expected 784 (input shape [1, 28, 28])",
                    one.getMessage());
            float[][] batch = rows(3, 784, 13);
            batch[2] = new float[785];
            IllegalArgumentException row = assertThrows(IllegalArgumentException.class, () -> p.classify(batch));
            assertEquals("predictor 'cnn': row 2 has 785 values, expected 784 (input shape [1, 28, 28])",
                    row.getMessage());
            IllegalArgumentException tensor = assertThrows(IllegalArgumentException.class,
                    () -> p.predictPreprocessed(Tensor.zeros(3, 784)));
            assertTrue(tensor.getMessage().startsWith(
                    "predictor 'cnn': expected a float32 batch of shape [n, 1, 28, 28], got "), tensor.getMessage());
            assertFalse(tensor.getMessage().contains("\n"));
            assertThrows(IllegalArgumentException.class, () -> p.predict(new float[][] {null}));
        }
    }

    /**
     * Eight threads share one predictor of each network, each making 40 calls of every kind (a row,
     * a batch of 7, a batch of 64, a prepared tensor) in its own order; every answer equals the same
     * call made alone, to the bit.
     */
    @Test
    void concurrentCallersGetExactlyTheSingleThreadedAnswers() throws Exception {
        float[][] x = rows(64, 784, 14);
        try (Predictor mlp = mlp(FeatureTransform.NONE); Predictor cnn = cnn()) {
            List<Function<Predictor, float[][]>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] row = x[i * 3];
                calls.add(p -> new float[][] {p.predict(row)});
            }
            float[][] seven = Arrays.copyOfRange(x, 10, 17);
            calls.add(p -> p.predict(seven));
            calls.add(p -> p.predict(x));
            calls.add(p -> probabilitiesOf(p.classify(seven)));
            calls.add(p -> {
                try (Scope s = Scope.open("caller's tensor")) {
                    return p.predictPreprocessed(Tensor.of(flat(seven), 7, 1, 28, 28).reshape(withBatch(7, p)));
                }
            });
            List<Predictor> predictors = List.of(mlp, cnn);
            float[][][][] alone = new float[2][calls.size()][][];
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < calls.size(); c++) {
                    alone[n][c] = calls.get(c).apply(predictors.get(n));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    long seed = t;
                    done.add(pool.submit(() -> {
                        SplittableRandom order = new SplittableRandom(seed);
                        for (int k = 0; k < 40; k++) {
                            int n = order.nextInt(2);
                            int c = order.nextInt(calls.size());
                            assertBitwiseEqual(alone[n][c], calls.get(c).apply(predictors.get(n)));
                        }
                        return 40;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : done) {
                    total += f.get();
                }
                assertEquals(320, total);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closingWaitsForCallsInProgressAndLaterCallsThrow() throws Exception {
        long before = Scope.liveBytes();
        float[][] x = rows(16, 784, 15);
        Predictor p = mlp(FeatureTransform.NONE);
        float[][] alone = p.predict(x);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                callers.add(pool.submit(() -> {
                    started.countDown();
                    while (true) {
                        float[][] got;
                        try {
                            got = p.predict(x);
                        } catch (IllegalStateException e) {
                            assertEquals("predictor 'mlp': the predictor is closed", e.getMessage());
                            refused.incrementAndGet();
                            return null;
                        }
                        assertBitwiseEqual(alone, got);
                        answered.incrementAndGet();
                    }
                }));
            }
            started.await();
            while (answered.get() < 8) {
                Thread.onSpinWait();
            }
            // Closed from a thread that neither made it nor calls it, as a shutdown hook would.
            Thread closer = new Thread(p::close);
            closer.start();
            closer.join();
            for (Future<?> f : callers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4, refused.get());
        assertEquals(before, Scope.liveBytes(), "the network's memory was not freed");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.classify(x[0]));
        assertEquals("predictor 'mlp': the predictor is closed", e.getMessage());
        p.close();
    }

    @Test
    void loadingLeavesTheCallersScopesAloneAndFreesAFailedLoad() throws IOException {
        try (Scope outer = Scope.open("caller")) {
            long before = Scope.liveBytes();
            try (Predictor p = mlp(FeatureTransform.NONE)) {
                assertSame(outer, Scope.current(), "the predictor's scope stayed current");
                assertTrue(Scope.liveBytes() > before);
                assertEquals(10, p.predict(new float[784]).length);
            }
            assertEquals(before, Scope.liveBytes());

            FileNotFoundException missing = assertThrows(FileNotFoundException.class, () -> Predictor.load("broken",
                    () -> {
                        new Linear(784, 10, new SplittableRandom(1));
                        throw new FileNotFoundException("weights.safetensors");
                    }));
            assertEquals("weights.safetensors", missing.getMessage());
            assertEquals(before, Scope.liveBytes(), "a failed load kept its memory");
            assertSame(outer, Scope.current());

            Linear elsewhere = new Linear(3, 2, new SplittableRandom(1));
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> Predictor.load(
                    "foreign", () -> new Predictor.Network(elsewhere, new int[] {3}, FeatureTransform.NONE, List.of())));
            assertEquals("predictor 'foreign': tensor 'weight' lives in scope 'caller'; build or load the network"
                    + " inside the Loader", foreign.getMessage());
            assertSame(outer, Scope.current());
        }
    }

    private static float[][] probabilitiesOf(List<Prediction> predictions) {
        float[][] out = new float[predictions.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[] {predictions.get(i).classIndex(), predictions.get(i).probability()};
        }
        return out;
    }

    private static int[] withBatch(int n, Predictor p) {
        int[] in = p.inputShape();
        int[] s = new int[in.length + 1];
        s[0] = n;
        System.arraycopy(in, 0, s, 1, in.length);
        return s;
    }

    private static void assertBitwiseEqual(float[][] want, float[][] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length);
            for (int j = 0; j < want[i].length; j++) {
                if (Float.floatToRawIntBits(want[i][j]) != Float.floatToRawIntBits(got[i][j])) {
                    throw new AssertionError("row " + i + " value " + j + ": " + got[i][j] + " instead of " + want[i][j]);
                }
            }
        }
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] relu(double[] v) {
        return Arrays.stream(v).map(x -> Math.max(0, x)).toArray();
    }

    /** x · Wᵀ + b in double, from the layer's float32 parameters. */
    private static double[] affine(Linear layer, double[] x) {
        float[] w = layer.weight().tensor().toFloatArray();
        float[] b = layer.bias().tensor().toFloatArray();
        double[] y = new double[b.length];
        for (int o = 0; o < b.length; o++) {
            y[o] = b[o];
            for (int k = 0; k < x.length; k++) {
                y[o] += (double) w[o * x.length + k] * x[k];
            }
        }
        return y;
    }
}
