package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The scalar reference of the Convolution ops: plain loops in double over any strides. */
final class ScalarConvolution {
    private ScalarConvolution() {}

    static void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        throw new UnsupportedOperationException("conv2d: not implemented yet");
    }

    static void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        throw new UnsupportedOperationException("conv2dBackwardData: not implemented yet");
    }

    static void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        throw new UnsupportedOperationException("conv2dBackwardWeight: not implemented yet");
    }
}
