package dev.gatun.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A loader with augmentation: training batches only, deterministic per (seed, epoch, example). */
class AugmentedLoaderTest {
    private static final int N = 20;
    private static final Augmentation STRONG = Compose.of(new RandomCrop(2), new HorizontalFlip(0.5),
            new GaussianNoise(0.05), RandomErasing.of(0.5));
    private Scope scope;
    private ArrayDataset images;

    @BeforeEach
    void open() {
        scope = Scope.open("augmented loader test");
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[N * 2 * 6 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = i % 2;
        }
        images = ArrayDataset.classification(x, new int[] {2, 6, 6}, y, 2);
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** Every batch of an epoch, features concatenated, via batch(order, b). */
    private static float[] epoch(DataLoader loader, int epoch) {
        int[] order = loader.order(epoch);
        float[] all = new float[0];
        for (int b = 0; b < loader.batchCount(); b++) {
            try (Scope s = Scope.open("batch")) {
                float[] f = loader.batch(order, b).features().toFloatArray();
                float[] grown = java.util.Arrays.copyOf(all, all.length + f.length);
                System.arraycopy(f, 0, grown, all.length, f.length);
                all = grown;
            }
        }
        return all;
    }

    /** Example i's image after augmentation in an epoch, found through the loader's order. */
    private static float[] example(DataLoader loader, int epoch, int example) {
        int[] order = loader.order(epoch);
        int size = 2 * 6 * 6;
        for (int b = 0; b < loader.batchCount(); b++) {
            for (int i = 0; i < loader.batchSize() && b * loader.batchSize() + i < order.length; i++) {
                if (order[b * loader.batchSize() + i] == example) {
                    try (Scope s = Scope.open("batch")) {
                        float[] f = loader.batch(epoch, order, b).features().toFloatArray();
                        return java.util.Arrays.copyOfRange(f, i * size, (i + 1) * size);
                    }
                }
            }
        }
        throw new AssertionError("example " + example + " not in the order");
    }

    @Test
    void sameSeedAndEpochGiveBitIdenticalBatches() {
        DataLoader a = new DataLoader(images, 8, true, 42, false).withAugmentation(STRONG);
        DataLoader b = new DataLoader(images, 8, true, 42, false).withAugmentation(STRONG);
        float[] first = epoch(a, 3);
        epoch(a, 4);
        assertArrayEquals(first, epoch(b, 3), "another loader replays epoch 3");
        assertArrayEquals(first, epoch(a, 3), "the same loader replays epoch 3 after epoch 4");
        assertFalse(java.util.Arrays.equals(first, epoch(a, 4)), "epochs are augmented differently");
        DataLoader otherSeed = new DataLoader(images, 8, true, 43, false).withAugmentation(STRONG);
        assertFalse(java.util.Arrays.equals(example(a, 3, 5), example(otherSeed, 3, 5)), "seeds differ");
    }

    @Test
    void anExampleIsAugmentedTheSameWhateverItsBatch() {
        DataLoader small = new DataLoader(images, 3, true, 9, false).withAugmentation(STRONG);
        DataLoader large = new DataLoader(images, 16, false, 9, true).withAugmentation(STRONG);
        for (int ex : new int[] {0, 7, 15}) {
            assertArrayEquals(example(small, 2, ex), example(large, 2, ex), "example " + ex);
        }
        assertFalse(java.util.Arrays.equals(example(small, 2, 0), example(small, 2, 1)));
    }

    @Test
    void augmentationLeavesTheDataAndThePlainLoaderAlone() {
        float[] before = images.features();
        DataLoader plain = new DataLoader(images, 8, false, 0, false);
        DataLoader augmented = plain.withAugmentation(STRONG);
        float[] augmentedEpoch = epoch(augmented, 1);
        assertFalse(java.util.Arrays.equals(before, augmentedEpoch), "the augmentation changed the batches");
        assertArrayEquals(before, images.features(), "the data set is untouched");
        assertArrayEquals(before, epoch(plain, 1), "the loader it came from still serves the data as is");
        assertTrue(plain.augmentation().isEmpty());
        assertEquals(STRONG, augmented.augmentation().orElseThrow());
    }

    @Test
    void identityAugmentationGivesThePlainBatchesBitForBit() {
        DataLoader plain = new DataLoader(images, 8, true, 5, false);
        DataLoader none = plain.withAugmentation(Compose.of(new HorizontalFlip(0), new RandomCrop(0),
                new GaussianNoise(0), RandomErasing.of(0)));
        assertArrayEquals(epoch(plain, 2), epoch(none, 2));
    }

    @Test
    void batchWithAForeignOrderOrNonImageDataIsRefused() {
        DataLoader plain = new DataLoader(images, 8, true, 5, false);
        DataLoader augmented = plain.withAugmentation(STRONG);
        int[] foreign = plain.order(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> augmented.batch(foreign, 0));
        assertTrue(e.getMessage().contains("batch(epoch, order, b)"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> augmented.batch(foreign.clone(), 0));

        // An order handed out earlier keeps its epoch even after later ones (e.g. an evaluation's order(0)).
        int[] first = augmented.order(1);
        augmented.order(0);
        try (Scope s = Scope.open("batch")) {
            assertArrayEquals(augmented.batch(1, first, 1).features().toFloatArray(),
                    augmented.batch(first, 1).features().toFloatArray());
            assertFalse(java.util.Arrays.equals(augmented.batch(2, first, 1).features().toFloatArray(),
                    augmented.batch(first, 1).features().toFloatArray()));
        }

        ArrayDataset flat = ArrayDataset.classification(new float[8], new int[] {4}, new int[] {0, 1}, 2);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new DataLoader(flat, 2, false, 0, false).withAugmentation(STRONG));
        assertTrue(bad.getMessage().contains("got [4]"), bad.getMessage());
    }

    private static Sequential model() {
        return new Sequential(new Flatten(), new Linear(72, 2, new SplittableRandom(2)));
    }

    private static float[] weights(Sequential model) {
        float[] w = model.parameters().get(0).tensor().toFloatArray();
        float[] b = model.parameters().get(1).tensor().toFloatArray();
        float[] all = java.util.Arrays.copyOf(w, w.length + b.length);
        System.arraycopy(b, 0, all, w.length, b.length);
        return all;
    }

    @Test
    void trainerTrainsOnTheEpochsAugmentedBatches() {
        DataLoader plain = new DataLoader(images, 8, true, 3, false);
        DataLoader train = plain.withAugmentation(STRONG);
        Sequential model = model();
        Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.1), Loss.CROSS_ENTROPY,
                new PrintStream(OutputStream.nullOutputStream()), false);
        List<EpochMetrics> history = trainer.fit(train, plain, 3, null);
        assertEquals(3, history.size());
        for (EpochMetrics m : history) {
            assertTrue(Double.isFinite(m.trainLoss()) && Double.isFinite(m.valLoss()), m.toString());
        }

        // The same steps written out with explicit epochs give the same weights, bit for bit.
        Sequential replayed = model();
        Sgd sgd = new Sgd(replayed.parameters(), 0.1);
        for (int epoch = 1; epoch <= 3; epoch++) {
            int[] order = plain.order(epoch);
            for (int b = 0; b < train.batchCount(); b++) {
                try (Scope step = Scope.open("replay step")) {
                    DataLoader.Batch batch = train.batch(epoch, order, b);
                    var loss = Loss.CROSS_ENTROPY.apply(replayed.forward(batch.features()), batch.labels());
                    sgd.zeroGrad();
                    loss.backward();
                    sgd.step();
                }
            }
        }
        assertArrayEquals(weights(replayed), weights(model));

        Sequential unaugmented = model();
        new Trainer(unaugmented, new Sgd(unaugmented.parameters(), 0.1), Loss.CROSS_ENTROPY,
                new PrintStream(OutputStream.nullOutputStream()), false).fit(plain, plain, 3, null);
        assertFalse(java.util.Arrays.equals(weights(unaugmented), weights(model)), "the augmentation was applied");
    }
}
