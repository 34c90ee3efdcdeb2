package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.ReduceOp;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * Batch normalization over axis 1 of x [N, C] or [N, C, ...], with gradients.
 *
 * <pre>
 * training: y = (x − μ_B)·invStd_B·γ + β, μ_B and the biased variance σ²_B of the batch per channel,
 *           invStd_B = 1/√(σ²_B + eps); running stats r ← (1 − momentum)·r + momentum·(μ_B, unbiased σ²_B)
 *           dx = γ·invStd/M·(M·dy − Σdy − x̂·Σdy·x̂), dγ = Σdy·x̂, dβ = Σdy   (M = N·spatial)
 * eval:     y = (x − running_mean)/√(running_var + eps)·γ + β
 *           dx = dy·γ/√(running_var + eps), dγ = Σdy·x̂, dβ = Σdy
 * </pre>
 * Running statistics are buffers: updated in place, never differentiated.
 */
public final class Normalization {
    private Normalization() {}

    /**
     * Batch norm of x with per-channel gamma and beta [C]. In training the batch's statistics are
     * used and runningMean/runningVar (either may be null) are updated; in evaluation the running
     * statistics are used and must be given.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param beta the per-channel shift [C]
     * @param runningMean the running mean [C], updated in training; may be null in training
     * @param runningVar the running variance [C], updated in training; may be null in training
     * @param training whether to use (and update with) the batch's statistics
     * @param momentum the weight of the batch statistics in the running ones
     * @param eps added to the variance before the square root
     * @return the normalized tensor, of x's shape
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   boolean training, double momentum, double eps) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("batchNorm: input must be [N, C] or [N, C, ...], got " + x.describe());
        }
        if (gamma == null || beta == null) {
            throw new IllegalArgumentException("batchNorm: gamma and beta are required");
        }
        Autocast.keepsFloat32("batch_norm");
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newZeros(x.shape());
        if (training) {
            int c = x.dim(1);
            Tensor saveMean = x.newZeros(c);
            Tensor saveInvStd = x.newZeros(c);
            be.batchNormTrain(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
            return Autograd.record(y, "batchNorm", dy -> {
                Tensor dx = x.newZeros(x.shape());
                Tensor dgamma = gamma.newZeros(gamma.shape());
                Tensor dbeta = beta.newZeros(beta.shape());
                be.batchNormBackward(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
                return new Tensor[] {dx, dgamma, dbeta};
            }, x, gamma, beta);
        }
        if (runningMean == null || runningVar == null) {
            throw new IllegalArgumentException("batchNorm: evaluation mode needs runningMean and runningVar");
        }
        be.batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
        return Autograd.record(y, "batchNorm(eval)", dy -> {
            Tensor zeros = x.newZeros(x.dim(1));
            Tensor ones = x.newFull(1, x.dim(1));
            Tensor dx = null;
            if (x.requiresGrad()) {
                // dy·γ/√(rv + eps) is the same per-channel affine map with mean 0 and β = 0.
                dx = x.newZeros(x.shape());
                be.batchNormInference(dy, gamma, zeros, zeros, runningVar, eps, dx);
            }
            Tensor dgamma = null;
            if (gamma.requiresGrad()) {
                Tensor xhat = x.newZeros(x.shape());
                be.batchNormInference(x, ones, zeros, runningMean, runningVar, eps, xhat);
                be.binary(BinaryOp.MUL, xhat, dy, xhat);
                dgamma = channelSums(be, xhat);
            }
            Tensor dbeta = beta.requiresGrad() ? channelSums(be, dy) : null;
            return new Tensor[] {dx, dgamma, dbeta};
        }, x, gamma, beta);
    }

    /** Σ over every axis but 1: [N, C, ...] → [C]. */
    static Tensor channelSums(Backend be, Tensor t) {
        int n = t.dim(0);
        int c = t.dim(1);
        Tensor ct = t.contiguous();
        int[] shape = {n, c, (int) (t.size() / ((long) n * c))};
        Tensor rows = ct.view(shape, Shape.contiguousStrides(shape), ct.offset());
        Tensor perSample = t.newZeros(n, c);
        be.reduce(ReduceOp.SUM, rows, 2, perSample, null);
        Tensor out = t.newZeros(c);
        be.reduce(ReduceOp.SUM, perSample, 0, out, null);
        return out;
    }
}
