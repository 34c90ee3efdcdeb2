package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.tensor.Tensor;

/**
 * Training-mode batch normalization with the statistics of every rank's batch together (PyTorch's
 * SyncBatchNorm), per channel over axis 1 of x [N, C] or [N, C, ...].
 *
 * <pre>
 * forward:  M = Σ_ranks M_r (values per channel), μ = Σ_ranks Σx / M, σ² = Σ_ranks Σ(x − μ)² / M
 *           (two sums over ranks: the mean first, then the squares around it), y = x̂·γ + β,
 *           x̂ = (x − μ)/√(σ² + eps); running stats from μ and the unbiased σ²·M/(M − 1)
 * backward: A = Σ_ranks M_r·Σdy, B = Σ_ranks M_r·Σdy·x̂ (one sum over ranks),
 *           dx = γ/√(σ² + eps)·(dy − A/(M·M_r) − x̂·B/(M·M_r)), dγ = Σdy·x̂, dβ = Σdy (this rank's)
 * </pre>
 *
 * Data-parallel training combines rank {@code r}'s parameter gradients with weight
 * {@code M_r / M} (its share of the global batch), so the {@code M_r} in A, B and the division by
 * {@code M_r} make {@code M_r / M · dx} the gradient of the global batch's mean loss with respect
 * to this rank's x: with equal batches, A/(M·M_r) is the mean of dy over the global batch.
 */
public final class SyncBatchNorm {
    private SyncBatchNorm() {}

    /**
     * Normalizes x with the statistics of every rank's batch and updates the running ones (either
     * may be null) from them. Every rank must call it, in the same order, as must every backward.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param beta the per-channel shift [C]
     * @param runningMean the running mean [C], updated in place; may be null
     * @param runningVar the running variance [C], updated in place; may be null
     * @param momentum the weight of the batch statistics in the running ones
     * @param eps added to the variance before the square root
     * @param ranks the sum over ranks
     * @return the normalized tensor, of x's shape
     */
    public static Tensor apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                               double momentum, double eps, RankSum ranks) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("syncBatchNorm: input must be [N, C] or [N, C, ...], got " + x.describe());
        }
        Backend be = BackendRegistry.of(x);
        int c = x.dim(1);
        long local = x.size() / c;
        double[] sums = new double[c + 1];
        System.arraycopy(Normalization.channelSums(be, x).toDoubleArray(), 0, sums, 0, c);
        sums[c] = local;
        ranks.sum(sums);
        double m = sums[c];
        if (m <= 1) {
            throw new IllegalArgumentException("syncBatchNorm: expected more than 1 value per channel over all ranks, got "
                    + (long) m + " (input " + x.describe() + " on this rank)");
        }
        double[] mean = new double[c];
        double[] minusMean = new double[c];
        double[] ones = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = sums[ch] / m;
            minusMean[ch] = -mean[ch];
            ones[ch] = 1;
        }
        Tensor centered = affine(be, x, ones, minusMean);
        be.binary(BinaryOp.MUL, centered, centered, centered);
        double[] squares = Normalization.channelSums(be, centered).toDoubleArray();
        ranks.sum(squares);
        double[] g = gamma.toDoubleArray();
        double[] b = beta.toDoubleArray();
        double[] var = new double[c];
        double[] invStd = new double[c];
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int ch = 0; ch < c; ch++) {
            var[ch] = squares[ch] / m;
            invStd[ch] = 1 / Math.sqrt(var[ch] + eps);
            scale[ch] = g[ch] * invStd[ch];
            shift[ch] = b[ch] - mean[ch] * scale[ch];
        }
        Tensor y = affine(be, x, scale, shift);
        updateRunning(runningMean, runningVar, momentum, mean, var, m);
        return Autograd.record(y, "syncBatchNorm", dy -> {
            double[] xhatShift = new double[c];
            for (int ch = 0; ch < c; ch++) {
                xhatShift[ch] = -mean[ch] * invStd[ch];
            }
            Tensor xhat = affine(be, x, invStd, xhatShift);
            double[] sumDy = Normalization.channelSums(be, dy).toDoubleArray();
            Tensor dyXhat = x.newZeros(x.shape());
            be.binary(BinaryOp.MUL, xhat, dy, dyXhat);
            double[] sumDyXhat = Normalization.channelSums(be, dyXhat).toDoubleArray();
            double[] both = new double[2 * c];
            for (int ch = 0; ch < c; ch++) {
                both[ch] = local * sumDy[ch];
                both[c + ch] = local * sumDyXhat[ch];
            }
            ranks.sum(both);
            double[] dyScale = new double[c];
            double[] dyShift = new double[c];
            double[] xhatScale = new double[c];
            double[] zeros = new double[c];
            for (int ch = 0; ch < c; ch++) {
                double k = g[ch] * invStd[ch];
                dyScale[ch] = k;
                dyShift[ch] = -k * both[ch] / (m * local);
                xhatScale[ch] = -k * both[c + ch] / (m * local);
            }
            Tensor dx = affine(be, dy, dyScale, dyShift);
            be.binary(BinaryOp.ADD, dx, affine(be, xhat, xhatScale, zeros), dx);
            return new Tensor[] {dx, channels(gamma, sumDyXhat), channels(beta, sumDy)};
        }, x, gamma, beta);
    }

    /** {@code t·scale[ch] + shift[ch]} per channel, through the backend's inference batch norm (mean 0, variance 1, eps 0). */
    private static Tensor affine(Backend be, Tensor t, double[] scale, double[] shift) {
        int c = scale.length;
        Tensor out = t.newZeros(t.shape());
        be.batchNormInference(t, channels(t, scale), channels(t, shift), t.newZeros(c), t.newFull(1, c), 0, out);
        return out;
    }

    /** {@code values} as a [C] tensor of {@code like}'s dtype and device. */
    private static Tensor channels(Tensor like, double[] values) {
        return Tensor.of(values, values.length).to(like.dtype()).to(like.device());
    }

    private static void updateRunning(Tensor runningMean, Tensor runningVar, double momentum, double[] mean,
                                      double[] var, double m) {
        int c = mean.length;
        if (runningMean != null) {
            double[] r = runningMean.toDoubleArray();
            for (int ch = 0; ch < c; ch++) {
                r[ch] = (1 - momentum) * r[ch] + momentum * mean[ch];
            }
            runningMean.copyFrom(channels(runningMean, r));
        }
        if (runningVar != null) {
            double[] r = runningVar.toDoubleArray();
            for (int ch = 0; ch < c; ch++) {
                r[ch] = (1 - momentum) * r[ch] + momentum * var[ch] * m / (m - 1);
            }
            runningVar.copyFrom(channels(runningVar, r));
        }
    }
}
