package dev.gatun.nn;

import dev.gatun.ops.Normalization;
import dev.gatun.ops.RankSum;
import dev.gatun.ops.SyncBatchNorm;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * What BatchNorm1d and BatchNorm2d share: γ ({@code weight}, ones) and β ({@code bias}, zeros)
 * parameters, {@code running_mean} (zeros) and {@code running_var} (ones) buffers, PyTorch's
 * names and defaults; batch statistics in training mode, running ones in evaluation mode. A layer
 * marked {@link #setSynchronized synchronized} normalizes, in a data-parallel run, with the
 * statistics of every rank's batch together ({@link SyncBatchNorm}), through the {@link RankSum}
 * that data-parallel training installs; without one (a single process) it is plain BatchNorm.
 */
abstract class BatchNormLayer extends Module implements RankSynchronized {
    private final int channels;
    private final double eps;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private boolean synchronize;
    private RankSum ranks;

    BatchNormLayer(String layer, int channels, double eps, double momentum, DType dtype) {
        if (channels <= 0) {
            throw new IllegalArgumentException(layer + ": channels must be > 0, got " + channels);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException(layer + ": eps must be > 0, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(layer + ": momentum must be in [0, 1], got " + momentum);
        }
        if (dtype == null || !dtype.isFloating() || dtype.isHalf()) {
            throw new IllegalArgumentException(layer + ": dtype must be float32 or float64, got " + (dtype == null ? null : dtype.label()));
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = register("weight", Tensor.ones(dtype, channels));
        this.bias = register("bias", Tensor.zeros(dtype, channels));
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(dtype, channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(dtype, channels));
    }

    /** Throws unless x has a shape this layer takes; the message names the layer and the shape it wants. */
    abstract void checkInput(Tensor x);

    @Override
    public final Tensor forward(Tensor x) {
        checkInput(x);
        if (x.dim(1) != channels) {
            throw new IllegalArgumentException(this + ": input " + x.describe() + " has " + x.dim(1)
                    + " channels (axis 1), expected " + channels);
        }
        boolean synced = isTraining() && synchronize && ranks != null;
        // Synchronized, one value on this rank is enough: the statistics are the global batch's, checked there.
        if (isTraining() && !synced && x.size() / channels <= 1) {
            throw new IllegalArgumentException(this + ": expected more than 1 value per channel when training, got input "
                    + x.describe());
        }
        if (synced) {
            return SyncBatchNorm.apply(x, weight.tensor(), bias.tensor(), runningMean, runningVar, momentum, eps, ranks);
        }
        return Normalization.batchNorm(x, weight.tensor(), bias.tensor(), runningMean, runningVar, isTraining(),
                momentum, eps);
    }

    /**
     * Marks whether this layer, in a data-parallel run, normalizes with the statistics of the
     * global batch (every rank's) instead of this rank's.
     *
     * @param synchronize whether to synchronize the batch statistics over ranks
     */
    public final void setSynchronized(boolean synchronize) {
        this.synchronize = synchronize;
    }

    @Override
    public final boolean isSynchronized() {
        return synchronize;
    }

    @Override
    public final void setRankSum(RankSum ranks) {
        this.ranks = ranks;
    }

    /** {@return the number of channels (features) normalized} */
    public final int channels() {
        return channels;
    }

    /** {@return γ [C], the scale} */
    public final Parameter weight() {
        return weight;
    }

    /** {@return β [C], the shift} */
    public final Parameter bias() {
        return bias;
    }

    /** {@return the running mean [C], updated in place by training-mode forward passes} */
    public final Tensor runningMean() {
        return runningMean;
    }

    /** {@return the running (unbiased) variance [C]} */
    public final Tensor runningVar() {
        return runningVar;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + channels + ")";
    }
}
