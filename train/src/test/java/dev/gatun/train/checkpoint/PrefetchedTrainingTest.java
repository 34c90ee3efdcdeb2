package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.DataLoader;
import dev.gatun.data.augment.Compose;
import dev.gatun.data.augment.GaussianNoise;
import dev.gatun.data.augment.HorizontalFlip;
import dev.gatun.data.augment.RandomCrop;
import dev.gatun.data.augment.RandomErasing;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * Training with prefetched, augmented batches is training without prefetching, bit for bit:
 * losses, accuracies and weights, straight through and resumed from a checkpoint taken mid-run.
 */
class PrefetchedTrainingTest {
    @TempDir
    Path dir;

    private record Run(Sequential model, Trainer trainer, DataLoader train, DataLoader validation) {
        static Run build(Path runDir, long initSeed, int prefetch) {
            SplittableRandom rng = new SplittableRandom(initSeed);
            Sequential model = new Sequential(new Flatten(), new Linear(72, 24, rng), Activation.relu(),
                    new Dropout(0.2, 5), new Linear(24, 3, rng));
            Trainer trainer = new Trainer(model, new Adam(model.parameters(), 0.01), Loss.CROSS_ENTROPY,
                    ResumeTest.QUIET, false);
            ObjectNode config = Checkpoint.JSON.createObjectNode().put("sample", "prefetch-test");
            trainer.addCallback(new CheckpointCallback(runDir, config, Map.of("data_loader", 3L), 1, 10));
            DataLoader train = new DataLoader(images(90, 1), 8, true, 3, false).withPrefetch(prefetch)
                    .withAugmentation(Compose.of(new RandomCrop(2), new HorizontalFlip(0.5), new GaussianNoise(0.05),
                            RandomErasing.of(0.5)));
            DataLoader validation = new DataLoader(images(30, 2), 16, false, 0, false).withPrefetch(prefetch);
            return new Run(model, trainer, train, validation);
        }
    }

    @Test
    void prefetchedTrainingAndItsResumeEqualTrainingWithoutPrefetch() throws IOException {
        List<EpochMetrics> straight;
        List<int[]> weights;
        try (Scope s = Scope.open("without prefetch")) {
            Run a = Run.build(dir.resolve("a"), 1, 0);
            a.trainer().fit(a.train(), a.validation(), 3, null);
            straight = a.trainer().history();
            weights = ResumeTest.bits(a.model().state());
        }
        try (Scope s = Scope.open("prefetched")) {
            Run b = Run.build(dir.resolve("b"), 1, 3);
            b.trainer().fit(b.train(), b.validation(), 3, null);
            assertSame(straight, weights, b);
        }
        try (Scope s = Scope.open("prefetched first epoch")) {
            Run c = Run.build(dir.resolve("c"), 1, 2);
            c.trainer().fit(c.train(), c.validation(), 1, null);
        }
        try (Scope s = Scope.open("prefetched resume")) {
            Run d = Run.build(dir.resolve("c"), 99, 1);
            d.trainer().resume(Checkpoint.load(dir.resolve("c/checkpoints/epoch-0001"), d.model(), s));
            d.trainer().fit(d.train(), d.validation(), 3, null);
            assertSame(straight, weights, d);
        }
        assertNoPrefetchThreadLeft();
    }

    private static void assertSame(List<EpochMetrics> straight, List<int[]> weights, Run got) {
        List<EpochMetrics> history = got.trainer().history();
        assertEquals(straight.size(), history.size());
        for (int e = 0; e < straight.size(); e++) {
            ResumeTest.assertBitEqual(straight.get(e), history.get(e));
        }
        List<int[]> w = ResumeTest.bits(got.model().state());
        for (int i = 0; i < w.size(); i++) {
            assertArrayEquals(weights.get(i), w.get(i), "tensor " + i + " of the model state");
        }
    }

    private static ArrayDataset images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 2 * 6 * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 72; j++) {
                x[i * 72 + j] = (float) (r.nextGaussian() * 0.5 + (j % 3 == y[i] ? 1 : 0));
            }
        }
        return ArrayDataset.classification(x, new int[] {2, 6, 6}, y, 3);
    }

    /** No prefetch thread is alive once every trainer has returned. */
    private static void assertNoPrefetchThreadLeft() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().startsWith("gatun-prefetch") && t.isAlive(), "left running: " + t);
        }
    }
}
