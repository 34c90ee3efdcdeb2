package dev.gatun.backend;

import dev.gatun.kernels.pool.AvgPool;
import dev.gatun.kernels.pool.MaxPool;
import dev.gatun.kernels.pool.PoolShape;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** The CPU backend's Pooling ops: Vector API kernels for contiguous float32, the scalar reference otherwise. */
final class CpuPooling {
    private CpuPooling() {}

    static void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        ScalarPooling.checkForward("maxPool2d", g, x, y);
        ScalarPooling.checkIndices("maxPool2d", g, argmax);
        if (!fast(x, y) || !argmax.isContiguous()) {
            ScalarPooling.maxPool2d(g, x, y, argmax);
            return;
        }
        MaxPool.forward(shape(g), x.segment(), x.offset(), y.segment(), y.offset(), argmax.segment(), argmax.offset());
    }

    static void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        ScalarPooling.checkBackward("maxPool2dBackward", g, dy, dx);
        ScalarPooling.checkIndices("maxPool2dBackward", g, argmax);
        if (!fast(dy, dx) || !argmax.isContiguous()) {
            ScalarPooling.maxPool2dBackward(g, dy, argmax, dx);
            return;
        }
        MaxPool.backward(shape(g), dy.segment(), dy.offset(), argmax.segment(), argmax.offset(), dx.segment(),
                dx.offset());
    }

    static void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        ScalarPooling.checkForward("avgPool2d", g, x, y);
        if (!fast(x, y)) {
            ScalarPooling.avgPool2d(g, countIncludePad, x, y);
            return;
        }
        AvgPool.forward(shape(g), countIncludePad, x.segment(), x.offset(), y.segment(), y.offset());
    }

    static void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        ScalarPooling.checkBackward("avgPool2dBackward", g, dy, dx);
        if (!fast(dy, dx)) {
            ScalarPooling.avgPool2dBackward(g, countIncludePad, dy, dx);
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
