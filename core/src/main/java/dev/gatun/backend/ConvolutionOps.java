package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** 2-D convolution, NCHW (see {@link Conv2dGeometry} for the shapes): core ops of every {@link Backend}. */
public interface ConvolutionOps {
    /** y = conv2d(x, w) + b; biasOrNull may be null. y is overwritten. */
    default void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        ConvolutionChecks.conv2d(g, x, w, biasOrNull, y);
        conv2dUnchecked(g, x, w, biasOrNull, y);
    }

    /** {@link #conv2d} on arguments it has checked. */
    void conv2dUnchecked(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y);

    /** dx = the gradient of conv2d with respect to x, given dy; dx is overwritten. */
    default void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        ConvolutionChecks.conv2dBackwardData(g, dy, w, dx);
        conv2dBackwardDataUnchecked(g, dy, w, dx);
    }

    /** {@link #conv2dBackwardData} on arguments it has checked. */
    void conv2dBackwardDataUnchecked(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx);

    /** dw (and dbias = Σ dy over batch and pixels, when not null) given x and dy; both overwritten. */
    default void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        ConvolutionChecks.conv2dBackwardWeight(g, x, dy, dw, dbiasOrNull);
        conv2dBackwardWeightUnchecked(g, x, dy, dw, dbiasOrNull);
    }

    /** {@link #conv2dBackwardWeight} on arguments it has checked. */
    void conv2dBackwardWeightUnchecked(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull);
}
