package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.augment.Augmentation;
import dev.gatun.data.augment.Compose;
import dev.gatun.data.augment.GaussianNoise;
import dev.gatun.data.augment.HorizontalFlip;
import dev.gatun.data.augment.RandomCrop;
import dev.gatun.data.augment.RandomErasing;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Prefetched batches: the loader's own, bit for bit, in order; failures reported, to the trainer
 * too; nothing left behind.
 */
class PrefetcherTest {
    private static final Augmentation STRONG = Compose.of(new RandomCrop(2), new HorizontalFlip(0.5),
            new GaussianNoise(0.05), RandomErasing.of(0.5));

    static ArrayDataset images(int n) {
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[n * 2 * 6 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
        }
        return ArrayDataset.classification(x, new int[] {2, 6, 6}, y, 3);
    }

    @Test
    void servesTheLoadersAugmentedBatchesBitForBitAtAnyDepth() {
        DataLoader plain = new DataLoader(images(45), 8, true, 42, false).withAugmentation(STRONG);
        for (int epoch = 1; epoch <= 2; epoch++) {
            int[] order = plain.order(epoch);
            for (int depth : new int[] {0, 1, 3, 64}) {
                DataLoader loader = plain.withPrefetch(depth);
                assertEquals(depth, loader.prefetch());
                try (Scope s = Scope.open("test"); Prefetcher p = loader.batches(epoch, order)) {
                    assertEquals(6, p.batchCount());
                    for (int b = 0; b < p.batchCount(); b++) {
                        DataLoader.Batch want = plain.batch(epoch, order, b);
                        try (Prefetcher.Loaded got = p.next()) {
                            assertArrayEquals(bits(want.features()), bits(got.batch().features()),
                                    "epoch " + epoch + " batch " + b + " depth " + depth);
                            assertArrayEquals(want.labels().toIntArray(), got.batch().labels().toIntArray());
                        }
                    }
                    assertThrows(NoSuchElementException.class, p::next);
                }
            }
        }
        assertNoPrefetchThread();
    }

    /** Images whose batches from position 16 on fail, as a file cut short under the loader would. */
    private static Dataset failingFrom16() {
        return new DatasetView(images(40)) {
            @Override
            public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
                if (from >= 16) {
                    throw new IllegalStateException("disk gone at example " + indices[from]);
                }
                super.fill(indices, from, count, features, labels);
            }
        };
    }

    @Test
    void aFailureWhilePreparingIsThrownByNextWithItsMessage() {
        Dataset failing = failingFrom16();
        for (int depth : new int[] {0, 2}) {
            long before = Scope.liveBytes();
            DataLoader loader = new DataLoader(failing, 8, false, 0, false).withPrefetch(depth);
            try (Prefetcher p = loader.batches(1, loader.order(1))) {
                p.next().close();
                p.next().close();
                IllegalStateException e = assertThrows(IllegalStateException.class, p::next);
                assertEquals("disk gone at example 16", e.getMessage());
            }
            assertEquals(before, Scope.liveBytes(), "depth " + depth + ": the failed batch's memory is freed");
        }
        assertNoPrefetchThread();
    }

    @Test
    void aFailureWhilePrefetchingStopsTrainingWithItsMessage() {
        long before = Scope.liveBytes();
        try (Scope s = Scope.open("failing")) {
            Sequential model = new Sequential(new Flatten(), new Linear(72, 3, new SplittableRandom(1)));
            Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.01), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            DataLoader train = new DataLoader(failingFrom16(), 8, false, 0, false).withPrefetch(2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(train, null, 2, null));
            assertEquals("disk gone at example 16", e.getMessage());
        }
        assertEquals(before, Scope.liveBytes(), "every prefetched batch was freed");
        assertNoPrefetchThread();
    }

    @Test
    void closingEarlyStopsTheThreadAndFreesWhatItPrepared() throws InterruptedException {
        long before = Scope.liveBytes();
        DataLoader loader = new DataLoader(images(200), 4, true, 1, false).withPrefetch(5).withAugmentation(STRONG);
        Prefetcher p = loader.batches(1, loader.order(1));
        Prefetcher.Loaded first = p.next();
        long batch = bytesOf(first.batch());
        try {
            // The thread prepares five more while the first is held, and no sixth.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Scope.liveBytes() - before < 6 * batch && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            assertEquals(6 * batch, Scope.liveBytes() - before, "one batch held, five prepared");
        } finally {
            p.close();
        }
        assertEquals(batch, Scope.liveBytes() - before, "the prepared batches are freed on close");
        first.close();
        assertEquals(before, Scope.liveBytes());
        assertNoPrefetchThread();
        assertThrows(IllegalStateException.class, p::next);
        assertThrows(IllegalArgumentException.class, () -> loader.withPrefetch(-1));
    }

    private static long bytesOf(DataLoader.Batch b) {
        return b.features().size() * Float.BYTES + b.labels().size() * Integer.BYTES;
    }

    static void assertNoPrefetchThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().startsWith("gatun-prefetch") && t.isAlive(), "left running: " + t);
        }
    }

    private static int[] bits(Tensor t) {
        float[] f = t.toFloatArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }
}
