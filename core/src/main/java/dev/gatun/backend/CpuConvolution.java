package dev.gatun.backend;

import dev.gatun.kernels.conv.Conv2d;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * The CPU backend's convolution ops, as it inherits them: float32 on contiguous tensors runs the
 * im2col + SGEMM kernels of {@link Conv2d}; float64 and strided views run the scalar reference
 * (float64 is only used by gradient checks, on tiny shapes).
 */
interface CpuConvolution extends ScalarConvolution {
    @Override
    default void conv2dUnchecked(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        if (!fast(x, w, biasOrNull, y)) {
            ScalarConvolution.super.conv2dUnchecked(g, x, w, biasOrNull, y);
            return;
        }
        Conv2d.forward(g.kernelShape(), x.segment(), x.offset(), w.segment(), w.offset(),
                biasOrNull == null ? null : biasOrNull.segment(), biasOrNull == null ? 0 : biasOrNull.offset(),
                y.segment(), y.offset());
    }

    @Override
    default void conv2dBackwardDataUnchecked(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        if (!fast(dy, w, dx)) {
            ScalarConvolution.super.conv2dBackwardDataUnchecked(g, dy, w, dx);
            return;
        }
        Conv2d.backwardData(g.kernelShape(), dy.segment(), dy.offset(), w.segment(), w.offset(), dx.segment(), dx.offset());
    }

    @Override
    default void conv2dBackwardWeightUnchecked(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        if (!fast(x, dy, dw, dbiasOrNull)) {
            ScalarConvolution.super.conv2dBackwardWeightUnchecked(g, x, dy, dw, dbiasOrNull);
            return;
        }
        Conv2d.backwardWeight(g.kernelShape(), x.segment(), x.offset(), dy.segment(), dy.offset(), dw.segment(), dw.offset(),
                dbiasOrNull == null ? null : dbiasOrNull.segment(), dbiasOrNull == null ? 0 : dbiasOrNull.offset());
    }

    private static boolean fast(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) {
                return false;
            }
        }
        return true;
    }
}
