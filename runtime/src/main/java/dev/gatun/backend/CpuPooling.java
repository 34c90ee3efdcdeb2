package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The CPU backend's Pooling ops: Vector API kernels for float32, the scalar reference otherwise. */
final class CpuPooling {
    private CpuPooling() {}

    static void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        ScalarPooling.maxPool2d(g, x, y, argmax);
    }

    static void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        ScalarPooling.maxPool2dBackward(g, dy, argmax, dx);
    }

    static void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        ScalarPooling.avgPool2d(g, countIncludePad, x, y);
    }

    static void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        ScalarPooling.avgPool2dBackward(g, countIncludePad, dy, dx);
    }
}
