package dev.gatun.data;

import dev.gatun.data.augment.Augmentation;
import dev.gatun.data.augment.ImageShape;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.WeakHashMap;

/**
 * Mini-batches over a data set. With shuffling, each epoch's order is a permutation drawn from
 * (seed, epoch) alone, so any epoch can be replayed (and a resumed run sees the same batches).
 *
 * <p>A loader made by {@link #withAugmentation} also transforms every image of its batches, with
 * randomness drawn from (seed, epoch, example) alone, so augmented epochs replay bit for bit too.
 * Use it for training only; evaluate on a loader without augmentation.
 */
public final class DataLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Augmentation augmentation;
    private final int prefetch;
    // The epoch of each order this augmenting loader handed out and that is still in use, so
    // batch(order, b) knows which epoch to augment. Arrays hash by identity; the keys are weak.
    private final Map<int[], Integer> issuedEpochs = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * A loader; {@code dropLast} skips a final batch smaller than {@code batchSize}.
     *
     * @param dataset the examples
     * @param batchSize the examples per batch
     * @param shuffle whether each epoch has its own random order
     * @param seed the seed of the orders and of the augmentation
     * @param dropLast whether to skip a final batch smaller than batchSize
     * @throws dev.gatun.tensor.MemoryBudgetException when one batch would not fit the memory budget
     */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        this(dataset, batchSize, shuffle, seed, dropLast, null, 0);
    }

    private DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast,
            Augmentation augmentation, int prefetch) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        requireBatchFits(dataset, Math.min(batchSize, dataset.size()));
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.augmentation = augmentation;
        this.prefetch = prefetch;
    }

    /**
     * The same loader (data, batch size, order, seed) whose batches also go through
     * {@code augmentation} (in place of any this loader has); the data set's examples must be
     * images [C, H, W]. This loader is unchanged, so it can serve evaluation over the same data.
     *
     * @param augmentation the augmentation of every batch
     * @return the new loader
     */
    public DataLoader withAugmentation(Augmentation augmentation) {
        if (augmentation == null) {
            throw new IllegalArgumentException("augmentation must not be null");
        }
        ImageShape.of(dataset.featureShape());
        return new DataLoader(dataset, batchSize, shuffle, seed, dropLast, augmentation, prefetch);
    }

    /**
     * The same loader whose {@link #batches} prepares up to {@code batches} batches ahead on a
     * background thread (0: none, each batch is made when asked for). The batches are the same
     * either way, bit for bit.
     *
     * @param batches how many batches to prepare ahead, 0 or more
     * @return the new loader
     */
    public DataLoader withPrefetch(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0 batches, got " + batches);
        }
        return new DataLoader(dataset, batchSize, shuffle, seed, dropLast, augmentation, batches);
    }

    /** {@return how many batches {@link #batches} prepares ahead; 0 for none} */
    public int prefetch() {
        return prefetch;
    }

    /**
     * Serves the batches of an epoch in order, {@link #prefetch()} of them prepared ahead: batch b
     * is {@code batch(epoch, order, b)}.
     *
     * @param epoch the epoch, which seeds the augmentation
     * @param order the epoch's example order
     * @return the batches; close it when the epoch ends or fails
     */
    public Prefetcher batches(int epoch, int[] order) {
        return Prefetcher.start(this, epoch, order, prefetch);
    }

    /** {@return the augmentation applied to every batch, if any} */
    public Optional<Augmentation> augmentation() {
        return Optional.ofNullable(augmentation);
    }

    /**
     * One mini-batch: features float32 [n, ...] and labels, the targets (int32 [n] class labels, or regression values).
     *
     * @param features float32 [n, ...], the examples' features
     * @param labels the targets: int32 [n] class labels, or regression values
     */
    public record Batch(Tensor features, Tensor labels) {
        /** {@return the number of examples in this batch} */
        public int size() {
            return labels.dim(0);
        }
    }

    /** {@return the data set} */
    public Dataset dataset() {
        return dataset;
    }

    /** {@return the examples per batch} */
    public int batchSize() {
        return batchSize;
    }

    /** {@return the batches per epoch} */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * {@return the examples seen per epoch (all of them, unless dropLast cuts a short final batch)}
     */
    public int samplesPerEpoch() {
        return dropLast ? batchCount() * batchSize : dataset.size();
    }

    /**
     * The example order of an epoch.
     *
     * @param epoch the epoch; with shuffling, it seeds the order
     * @return the indices of the examples, in the order they are served
     */
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
        if (augmentation != null) {
            issuedEpochs.put(idx, epoch);
        }
        return idx;
    }

    /**
     * Loads batch {@code b} of an epoch order into new tensors in the current scope. With an
     * augmentation, {@code order} must be an array this loader's {@link #order(int)} returned,
     * whose epoch seeds the augmentation; otherwise use {@link #batch(int, int[], int)}.
     *
     * @param order an epoch's example order
     * @param b the batch's index within the epoch, 0-based
     * @return the batch
     */
    public Batch batch(int[] order, int b) {
        if (augmentation == null) {
            if (b < 0 || (long) b * batchSize >= order.length) {
                throw new IndexOutOfBoundsException("batch " + b + " of " + batchCount());
            }
            return load(order, b * batchSize);
        }
        Integer epoch = issuedEpochs.get(order);
        if (epoch == null) {
            throw new IllegalStateException("augmented loader: batch(order, b) needs an order returned by this loader's "
                    + "order(epoch), to know the epoch; call batch(epoch, order, b) instead");
        }
        return batch(epoch, order, b);
    }

    /**
     * Loads batch {@code b} of {@code order}, augmented (if this loader augments) as in
     * {@code epoch}: the same (epoch, order, b) always gives bit-identical tensors.
     *
     * @param epoch the epoch whose augmentation draws to repeat
     * @param order an epoch's example order
     * @param b the batch's index within the epoch, 0-based
     * @return the batch
     */
    public Batch batch(int epoch, int[] order, int b) {
        if (b < 0 || (long) b * batchSize >= order.length) {
            throw new IndexOutOfBoundsException("batch " + b + " of " + batchCount());
        }
        return batchAt(epoch, order, b * batchSize);
    }

    /**
     * Loads the batch that starts at example {@code from} of {@code order}: up to
     * {@link #batchSize()} examples, augmented as in {@code epoch}. For a driver whose batch size
     * changes within an epoch; {@code batchAt(e, order, b * batchSize())} is {@code batch(e, order, b)}.
     *
     * @param epoch the epoch whose augmentation draws to repeat
     * @param order an epoch's example order
     * @param from the position in {@code order} of the batch's first example
     * @return the batch
     * @throws IndexOutOfBoundsException when {@code from} is not a position in {@code order}
     */
    public Batch batchAt(int epoch, int[] order, int from) {
        Batch batch = load(order, from);
        if (augmentation != null) {
            augmentation.applyToBatch(batch.features(), seed, epoch, order, from);
        }
        return batch;
    }

    private Batch load(int[] order, int from) {
        int count = Math.min(batchSize, order.length - from);
        if (from < 0 || count <= 0) {
            throw new IndexOutOfBoundsException("example " + from + " of " + order.length);
        }
        Tensor x = Tensor.zeros(DType.FLOAT32, batchShape(count, dataset.featureShape()));
        Tensor y = Tensor.zeros(dataset.targetDType(), batchShape(count, dataset.targetShape()));
        dataset.fill(order, from, count, x, y);
        return new Batch(x, y);
    }

    /**
     * A batch is allocated at every step from the data set's shapes, which may come from a file's
     * header: its size is checked against the budget once, before the first.
     */
    private static void requireBatchFits(Dataset dataset, int count) {
        long features = MemoryBudget.bytes(DType.FLOAT32.byteSize(), toLongs(batchShape(count, dataset.featureShape())));
        long targets = MemoryBudget.bytes(dataset.targetDType().byteSize(),
                toLongs(batchShape(count, dataset.targetShape())));
        long bytes = features < 0 || targets < 0 ? -1 : features + targets;
        MemoryBudget.require("a batch of " + count + " examples of " + Shape.str(dataset.featureShape()), bytes);
    }

    private static long[] toLongs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }

    private static int[] batchShape(int count, int[] example) {
        int[] shape = new int[example.length + 1];
        shape[0] = count;
        System.arraycopy(example, 0, shape, 1, example.length);
        return shape;
    }
}
