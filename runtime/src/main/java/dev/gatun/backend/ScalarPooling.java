package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The scalar reference of the Pooling ops: plain loops in double over any strides. */
final class ScalarPooling {
    private ScalarPooling() {}

    static void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        throw new UnsupportedOperationException("maxPool2d: not implemented yet");
    }

    static void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        throw new UnsupportedOperationException("maxPool2dBackward: not implemented yet");
    }

    static void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("avgPool2d: not implemented yet");
    }

    static void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("avgPool2dBackward: not implemented yet");
    }
}
