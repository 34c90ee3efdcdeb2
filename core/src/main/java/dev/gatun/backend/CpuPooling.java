package dev.gatun.backend;

import dev.gatun.kernels.pool.AvgPool;
import dev.gatun.kernels.pool.MaxPool;
import dev.gatun.kernels.pool.PoolShape;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * The CPU backend's pooling ops, as it inherits them: Vector API kernels for contiguous float32,
 * the scalar reference otherwise.
 */
interface CpuPooling extends ScalarPooling {
    @Override
    default void maxPool2dUnchecked(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        if (!fast(x, y)) {
            ScalarPooling.super.maxPool2dUnchecked(g, x, y, argmax);
            return;
        }
        MaxPool.forward(shape(g), x.segment(), x.offset(), y.segment(), y.offset(), argmax.segment(), argmax.offset());
    }

    @Override
    default void maxPool2dBackwardUnchecked(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        if (!fast(dy, dx) || !argmax.isContiguous()) {
            ScalarPooling.super.maxPool2dBackwardUnchecked(g, dy, argmax, dx);
            return;
        }
        MaxPool.backward(shape(g), dy.segment(), dy.offset(), argmax.segment(), argmax.offset(), dx.segment(),
                dx.offset());
    }

    @Override
    default void avgPool2dUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        if (!fast(x, y)) {
            ScalarPooling.super.avgPool2dUnchecked(g, countIncludePad, x, y);
            return;
        }
        AvgPool.forward(shape(g), countIncludePad, x.segment(), x.offset(), y.segment(), y.offset());
    }

    @Override
    default void avgPool2dBackwardUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        if (!fast(dy, dx)) {
            ScalarPooling.super.avgPool2dBackwardUnchecked(g, countIncludePad, dy, dx);
            return;
        }
        AvgPool.backward(shape(g), countIncludePad, dy.segment(), dy.offset(), dx.segment(), dx.offset());
    }

    private static boolean fast(Tensor a, Tensor b) {
        return a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && a.isContiguous() && b.isContiguous();
    }

    private static PoolShape shape(Pool2dGeometry g) {
        return new PoolShape(Math.multiplyExact(g.batch(), g.channels()), g.inH(), g.inW(), g.kernelH(), g.kernelW(),
                g.strideH(), g.strideW(), g.padH(), g.padW());
    }
}
