package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** 2-D convolution, NCHW (see {@link Conv2dGeometry} for the shapes): core ops of every {@link Backend}. */
public interface ConvolutionOps {
    /**
     * y = conv2d(x, w) + b; biasOrNull may be null. y is overwritten.
     *
     * @param g the convolution's geometry
     * @param x the input [batch, inChannels, inH, inW]
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param biasOrNull the bias [outChannels], or null for none
     * @param y the output [batch, outChannels, outH, outW], overwritten
     */
    default void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        ConvolutionChecks.conv2d(g, x, w, biasOrNull, y);
        conv2dUnchecked(g, x, w, biasOrNull, y);
    }

    /**
     * {@link #conv2d} on arguments it has checked.
     *
     * @param g the convolution's geometry
     * @param x the input [batch, inChannels, inH, inW]
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param biasOrNull the bias [outChannels], or null for none
     * @param y the output [batch, outChannels, outH, outW], overwritten
     */
    void conv2dUnchecked(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y);

    /**
     * dx = the gradient of conv2d with respect to x, given dy; dx is overwritten.
     *
     * @param g the convolution's geometry
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param dx receives the gradient with respect to x, [batch, inChannels, inH, inW]
     */
    default void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        ConvolutionChecks.conv2dBackwardData(g, dy, w, dx);
        conv2dBackwardDataUnchecked(g, dy, w, dx);
    }

    /**
     * {@link #conv2dBackwardData} on arguments it has checked.
     *
     * @param g the convolution's geometry
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param dx receives the gradient with respect to x, [batch, inChannels, inH, inW]
     */
    void conv2dBackwardDataUnchecked(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx);

    /**
     * dw (and dbias = Σ dy over batch and pixels, when not null) given x and dy; both overwritten.
     *
     * @param g the convolution's geometry
     * @param x the input [batch, inChannels, inH, inW]
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param dw receives the gradient with respect to w, of w's shape
     * @param dbiasOrNull receives the gradient with respect to the bias [outChannels], or null for
     *     none
     */
    default void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        ConvolutionChecks.conv2dBackwardWeight(g, x, dy, dw, dbiasOrNull);
        conv2dBackwardWeightUnchecked(g, x, dy, dw, dbiasOrNull);
    }

    /**
     * {@link #conv2dBackwardWeight} on arguments it has checked.
     *
     * @param g the convolution's geometry
     * @param x the input [batch, inChannels, inH, inW]
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param dw receives the gradient with respect to w, of w's shape
     * @param dbiasOrNull receives the gradient with respect to the bias [outChannels], or null for
     *     none
     */
    void conv2dBackwardWeightUnchecked(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull);
}
