package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Mini-batches over a data set. With shuffling, each epoch's order is a permutation drawn from
 * (seed, epoch) alone, so any epoch can be replayed (and a resumed run sees the same batches).
 */
public final class DataLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;

    /** A loader; {@code dropLast} skips a final batch smaller than {@code batchSize}. */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    /** One mini-batch: features float32 [n, ...] and labels, the targets (int32 [n] class labels, or regression values). */
    public record Batch(Tensor features, Tensor labels) {
        /** Examples in this batch. */
        public int size() {
            return labels.dim(0);
        }
    }

    /** The data set. */
    public Dataset dataset() {
        return dataset;
    }

    /** Examples per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch. */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Examples seen per epoch (all of them, unless dropLast cuts a short final batch). */
    public int samplesPerEpoch() {
        return dropLast ? batchCount() * batchSize : dataset.size();
    }

    /** The example order of an epoch. */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    /** Loads batch {@code b} of an epoch order into new tensors in the current scope. */
    public Batch batch(int[] order, int b) {
        int from = b * batchSize;
        int count = Math.min(batchSize, order.length - from);
        if (from < 0 || count <= 0) {
            throw new IndexOutOfBoundsException("batch " + b + " of " + batchCount());
        }
        Tensor x = Tensor.zeros(DType.FLOAT32, batchShape(count, dataset.featureShape()));
        Tensor y = Tensor.zeros(dataset.targetDType(), batchShape(count, dataset.targetShape()));
        dataset.fill(order, from, count, x, y);
        return new Batch(x, y);
    }

    private static int[] batchShape(int count, int[] example) {
        int[] shape = new int[example.length + 1];
        shape[0] = count;
        System.arraycopy(example, 0, shape, 1, example.length);
        return shape;
    }
}
