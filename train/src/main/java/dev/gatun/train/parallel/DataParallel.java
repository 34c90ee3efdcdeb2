package dev.gatun.train.parallel;

import dev.gatun.data.DataLoader;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.RankSynchronized;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Data-parallel training over {@link Collectives}: what a {@link dev.gatun.train.Trainer} given
 * one ({@code setDataParallel}) does differently from a single process.
 *
 * <ul>
 *   <li>Each rank takes its {@link ShardPlan share} of every global batch of the epoch order that
 *       one process would draw with the same seed; the loader's batch size is the global batch.
 *   <li>After backward, the gradients are combined in off-heap buckets of about
 *       {@link #bucketBytes()}: each bucket is all-reduced ({@link RankOrderAllReduce}) with the
 *       ranks' example counts as weights, every element added in rank order in float64, so the
 *       result is the gradient of the mean loss over the global batch, bit-identical on every
 *       rank. The optimizer then steps the same gradients from the same state on every rank,
 *       which keeps the parameters bit-identical.
 *   <li>Loss sums, correct predictions and example counts are summed over ranks, so the metrics
 *       are those of the global batch and the whole data set.
 *   <li>Buffers (BatchNorm's running statistics) are not averaged: during an epoch each rank
 *       normalizes with its own batch's statistics and updates its own running statistics
 *       (PyTorch DDP's default); before every evaluation rank 0's buffers are broadcast, so
 *       evaluation and the saved model use rank 0's. A BatchNorm layer set to synchronize
 *       ({@code {type: batchnorm, sync: true}}, {@link RankSynchronized}) instead normalizes with
 *       the global batch's statistics, summed over ranks in rank order, and updates its running
 *       statistics from them (PyTorch's SyncBatchNorm); {@link #prepare} installs its sum.
 * </ul>
 *
 * <p>Against one process with the global batch the result is equal within float tolerance, not
 * bit for bit: a rank's mean-loss gradient already sums its examples inside the matmul, convolution
 * and LSTM kernels in float32, and one process sums all the global batch's examples there in a
 * different order and with different roundings. Every other reduction is fixed, so a run is
 * reproducible bit for bit for a given number of ranks.
 */
public final class DataParallel {
    /** The default gradient bucket: 4 MiB of float32. */
    public static final int DEFAULT_BUCKET_BYTES = 4 << 20;

    private final Collectives collectives;
    private final int bucketBytes;
    private int synchronizedLayers;
    private long gradientSyncNanos;
    private long gradientSyncs;

    /**
     * Data-parallel training over {@code collectives}, combining gradients in buckets of {@code bucketBytes}.
     *
     * @param collectives the ranks to train over
     * @param bucketBytes the size of a gradient bucket, at least one float
     */
    public DataParallel(Collectives collectives, int bucketBytes) {
        if (bucketBytes < Float.BYTES) {
            throw new IllegalArgumentException("gradient bucket must hold at least one float, got " + bucketBytes + " bytes");
        }
        this.collectives = collectives;
        this.bucketBytes = bucketBytes;
    }

    /** {@return the ranks this training runs over} */
    public Collectives collectives() {
        return collectives;
    }

    /** {@return the gradient bucket's size in bytes} */
    public int bucketBytes() {
        return bucketBytes;
    }

    /** {@return the time spent combining gradients so far, in nanoseconds} */
    public long gradientSyncNanos() {
        return gradientSyncNanos;
    }

    /** {@return the optimizer steps whose gradients were combined so far} */
    public long gradientSyncs() {
        return gradientSyncs;
    }

    /**
     * Makes every rank start from rank 0's parameters, buffers and optimizer state, gives every
     * trainable parameter a gradient (zeros), so that a rank with no examples in a step still
     * takes part in the same buckets, and installs the sum over ranks in synchronized layers.
     *
     * @param model the model, the same architecture on every rank
     * @param optimizer its optimizer, with the same state names on every rank
     */
    public void prepare(Module model, Optimizer optimizer) {
        for (Parameter p : model.state()) {
            broadcast(p.tensor());
        }
        for (Tensor t : optimizer.stateTensors().values()) {
            broadcast(t);
        }
        for (Parameter p : optimizer.parameters()) {
            if (p.trainable() && p.grad() == null) {
                Tensor w = p.tensor();
                w.setGrad(Tensor.zeros(w.scope(), w.device(), w.dtype(), w.shape()));
            }
        }
        synchronizedLayers = installRankSum(model);
    }

    /** Gives every synchronized layer of {@code model} the sum over these ranks; returns how many there are. */
    private int installRankSum(Module model) {
        int count = 0;
        if (model instanceof RankSynchronized layer && layer.isSynchronized()) {
            // One process needs no sum: the layer stays plain BatchNorm.
            layer.setRankSum(collectives.size() > 1 ? this::sum : null);
            count++;
        }
        for (Module child : model.children()) {
            count += installRankSum(child);
        }
        return count;
    }

    /**
     * Copies rank 0's buffers (BatchNorm's running statistics) to every rank.
     *
     * @param model the model
     */
    public void broadcastBuffers(Module model) {
        for (Parameter p : model.buffers()) {
            broadcast(p.tensor());
        }
    }

    private void broadcast(Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("data-parallel training broadcasts float32 state, got " + t.describe());
        }
        float[] values = t.toFloatArray();
        collectives.broadcast(values, 0);
        if (!collectives.isRoot()) {
            t.copyFrom(Tensor.of(values, t.shape()).to(t.device()));
        }
    }

    /**
     * {@return this rank's plan over a loader whose batch size is the global batch}
     *
     * @param loader the loader
     */
    public ShardPlan plan(DataLoader loader) {
        return new ShardPlan(loader.dataset().size(), loader.batchSize(),
                loader.samplesPerEpoch() < loader.dataset().size(), collectives.rank(), collectives.size());
    }

    /**
     * {@return this rank's plan over the training loader, whose batch size is the global batch}
     *
     * @param loader the training loader
     * @throws RunRefusedException on every rank alike when the model synchronizes BatchNorm and a
     *     global batch leaves a rank without examples
     */
    public ShardPlan trainingPlan(DataLoader loader) {
        ShardPlan plan = plan(loader);
        int batches = plan.batchCount();
        if (synchronizedLayers > 0 && collectives.size() > 1 && batches > 0 && plan.size(batches - 1) < collectives.size()) {
            // A rank without examples would skip the forward pass whose statistics the others wait for.
            throw new RunRefusedException("synchronized BatchNorm needs an example on every rank in every step: the"
                    + " last global batch has " + plan.size(batches - 1) + " examples for " + collectives.size()
                    + " ranks; change the batch size or data.limit");
        }
        return plan;
    }

    /**
     * This rank's share of global batch {@code b}, augmented as one process would augment it, or
     * null when it has none.
     *
     * @param loader the loader, whose batch size is the global batch
     * @param plan its plan
     * @param epoch the epoch
     * @param order the epoch's order
     * @param b the global batch
     * @return the share, or null
     */
    public DataLoader.Batch share(DataLoader loader, ShardPlan plan, int epoch, int[] order, int b) {
        int count = plan.count(b);
        if (count == 0) {
            return null;
        }
        int from = plan.from(b);
        return loader.batchAt(epoch, Arrays.copyOfRange(order, from, from + count), 0);
    }

    /**
     * Replaces every trainable parameter's gradient with the gradient of the mean loss over all
     * ranks' examples of this step, in buckets (see the class comment).
     *
     * @param parameters the optimizer's parameters, in the same order on every rank
     * @param examples this rank's examples in the step (0: its gradients are ignored)
     */
    public void syncGradients(List<Parameter> parameters, int examples) {
        long start = System.nanoTime();
        double[] counts = collectives.allGather(new double[] {examples});
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        int bucketFloats = bucketBytes / Float.BYTES;
        List<Tensor> bucket = new ArrayList<>();
        int floats = 0;
        for (Parameter p : parameters) {
            if (!p.trainable() || p.grad() == null) {
                continue;
            }
            int n = Math.toIntExact(p.grad().size());
            if (!bucket.isEmpty() && floats + n > bucketFloats) {
                reduceBucket(bucket, floats, counts, total);
                bucket.clear();
                floats = 0;
            }
            bucket.add(p.grad());
            floats += n;
        }
        if (!bucket.isEmpty()) {
            reduceBucket(bucket, floats, counts, total);
        }
        gradientSyncNanos += System.nanoTime() - start;
        gradientSyncs++;
    }

    private void reduceBucket(List<Tensor> grads, int floats, double[] counts, double total) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = arena.allocate(ValueLayout.JAVA_FLOAT, floats);
            long at = 0;
            for (Tensor g : grads) {
                long bytes = g.size() * Float.BYTES;
                if (onHostDense(g)) {
                    MemorySegment.copy(g.segment(), g.offset() * Float.BYTES, packed, at, bytes);
                } else {
                    MemorySegment.copy(MemorySegment.ofArray(g.toFloatArray()), 0, packed, at, bytes);
                }
                at += bytes;
            }
            collectives.allReduce(packed, floats, counts, total);
            at = 0;
            for (Tensor g : grads) {
                long bytes = g.size() * Float.BYTES;
                if (onHostDense(g)) {
                    MemorySegment.copy(packed, at, g.segment(), g.offset() * Float.BYTES, bytes);
                } else {
                    float[] v = packed.asSlice(at, bytes).toArray(ValueLayout.JAVA_FLOAT);
                    g.copyFrom(Tensor.of(v, g.shape()).to(g.device()));
                }
                at += bytes;
            }
        }
    }

    /** Whether {@code t} is dense float32 in host memory, so the bucket can copy its bytes directly. */
    private static boolean onHostDense(Tensor t) {
        return t.device().isHost() && t.dtype() == DType.FLOAT32 && t.isContiguous();
    }

    /**
     * Checks that every rank holds bit-identical parameters, as combining gradients promises: gathers
     * a SHA-256 of each rank's parameters and compares them with rank 0's.
     *
     * @param model the model
     * @return the digest, hex, the same on every rank
     * @throws IllegalStateException naming the ranks whose parameters differ from rank 0's
     */
    public String requireIdenticalParameters(Module model) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
        for (Parameter p : model.parameters()) {
            float[] v = p.tensor().toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES);
            bytes.asFloatBuffer().put(v);
            sha.update(bytes.array());
        }
        byte[] mine = sha.digest();
        byte[] all = collectives.allGather(mine);
        List<Integer> differ = new ArrayList<>();
        for (int r = 1; r < collectives.size(); r++) {
            if (!Arrays.equals(all, r * mine.length, (r + 1) * mine.length, all, 0, mine.length)) {
                differ.add(r);
            }
        }
        if (!differ.isEmpty()) {
            throw new IllegalStateException("the parameters of rank(s) " + differ + " differ from rank 0's after training");
        }
        return HexFormat.of().formatHex(mine);
    }

    /**
     * Sums {@code values} over ranks in place (loss sums, correct predictions, example counts).
     *
     * @param values this rank's values, replaced by the sums
     */
    public void sum(double[] values) {
        collectives.allReduce(values, Reduction.SUM);
    }
}
