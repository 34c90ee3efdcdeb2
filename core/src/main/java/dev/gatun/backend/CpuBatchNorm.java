package dev.gatun.backend;

import dev.gatun.kernels.norm.BatchNorm;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The CPU backend's batch-norm ops, as it inherits them: Vector API kernels when x and the
 * outputs of its size are contiguous float32, the scalar reference otherwise. The per-channel
 * arithmetic (invStd, the folded scale and shift, running statistics) is C values, done here in
 * double.
 */
interface CpuBatchNorm extends ScalarBatchNorm {
    @Override
    default void batchNormTrainUnchecked(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum,
                                         Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                         Tensor saveInvStd) {
        if (!fast(x, y)) {
            ScalarBatchNorm.super.batchNormTrainUnchecked(x, gamma, beta, eps, momentum, runningMean, runningVar, y,
                    saveMean, saveInvStd);
            return;
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int s = spatial(x);
        // Heap segments: the kernels' worker threads may read them (a confined arena could not).
        float[] mean = new float[c];
        float[] var = new float[c];
        BatchNorm.statistics(x.segment(), x.offset(), n, c, s, MemorySegment.ofArray(mean), 0,
                MemorySegment.ofArray(var), 0);
        float[] scale = new float[c];
        float[] shift = new float[c];
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double invStd = 1 / Math.sqrt(var[ch] + eps);
            double a = gamma.getFlat(ch) * invStd;
            scale[ch] = (float) a;
            shift[ch] = (float) (beta.getFlat(ch) - mean[ch] * a);
            saveMean.setFlat(ch, mean[ch]);
            saveInvStd.setFlat(ch, invStd);
            ScalarBatchNorm.updateRunning(runningMean, runningVar, ch, momentum, mean[ch], var[ch], m);
        }
        BatchNorm.normalize(x.segment(), x.offset(), n, c, s, MemorySegment.ofArray(scale), 0,
                MemorySegment.ofArray(shift), 0, y.segment(), y.offset());
    }

    @Override
    default void batchNormInferenceUnchecked(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                             Tensor runningVar, double eps, Tensor y) {
        if (!fast(x, y)) {
            ScalarBatchNorm.super.batchNormInferenceUnchecked(x, gamma, beta, runningMean, runningVar, eps, y);
            return;
        }
        int c = x.dim(1);
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double a = gamma.getFlat(ch) / Math.sqrt(runningVar.getFlat(ch) + eps);
            scale[ch] = (float) a;
            shift[ch] = (float) (beta.getFlat(ch) - runningMean.getFlat(ch) * a);
        }
        BatchNorm.normalize(x.segment(), x.offset(), x.dim(0), c, spatial(x), MemorySegment.ofArray(scale), 0,
                MemorySegment.ofArray(shift), 0, y.segment(), y.offset());
    }

    @Override
    default void batchNormBackwardUnchecked(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy,
                                            Tensor dx, Tensor dgamma, Tensor dbeta) {
        if (!fast(x, dx) || !fast(dy, dy)) {
            ScalarBatchNorm.super.batchNormBackwardUnchecked(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
            return;
        }
        int c = x.dim(1);
        float[] dg = new float[c];
        float[] db = new float[c];
        BatchNorm.backward(x.segment(), x.offset(), dy.segment(), dy.offset(), x.dim(0), c, spatial(x),
                perChannel(saveMean), 0, perChannel(saveInvStd), 0, perChannel(gamma), 0, dx.segment(), dx.offset(),
                MemorySegment.ofArray(dg), 0, MemorySegment.ofArray(db), 0);
        for (int ch = 0; ch < c; ch++) {
            dgamma.setFlat(ch, dg[ch]);
            dbeta.setFlat(ch, db[ch]);
        }
    }

    private static boolean fast(Tensor a, Tensor b) {
        return a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && a.isContiguous() && b.isContiguous()
                && ScalarBatchNorm.spatial(a) <= Integer.MAX_VALUE && (long) a.dim(0) * a.dim(1) <= Integer.MAX_VALUE;
    }

    private static int spatial(Tensor x) {
        return (int) ScalarBatchNorm.spatial(x);
    }

    private static MemorySegment perChannel(Tensor t) {
        return MemorySegment.ofArray(t.toFloatArray());
    }
}
