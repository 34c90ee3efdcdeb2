package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** 2-D max and average pooling, NCHW (see {@link Pool2dGeometry}): core ops of every {@link Backend}. */
public interface PoolingOps {
    /**
     * Max pooling. argmax (int32, y's shape) receives the index h·inW + w, within its input plane,
     * of the first maximum of each window; padding never wins. NaN propagates.
     *
     * @param g the pooling's geometry
     * @param x the input [batch, channels, inH, inW]
     * @param y the output [batch, channels, outH, outW], overwritten
     * @param argmax receives each window's first maximum as h·inW + w, int32 of y's shape
     */
    default void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        PoolingChecks.maxPool2d(g, x, y, argmax);
        maxPool2dUnchecked(g, x, y, argmax);
    }

    /**
     * {@link #maxPool2d} on arguments it has checked.
     *
     * @param g the pooling's geometry
     * @param x the input [batch, channels, inH, inW]
     * @param y the output [batch, channels, outH, outW], overwritten
     * @param argmax receives each window's first maximum as h·inW + w, int32 of y's shape
     */
    void maxPool2dUnchecked(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax);

    /**
     * dx = dy scattered to the argmax positions (overlapping windows add); dx is overwritten.
     *
     * @param g the pooling's geometry
     * @param dy the gradient with respect to y
     * @param argmax the indices from {@link #maxPool2d}
     * @param dx receives the gradient with respect to x
     */
    default void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        PoolingChecks.maxPool2dBackward(g, dy, argmax, dx);
        maxPool2dBackwardUnchecked(g, dy, argmax, dx);
    }

    /**
     * {@link #maxPool2dBackward} on arguments it has checked but the indices' range.
     *
     * @param g the pooling's geometry
     * @param dy the gradient with respect to y
     * @param argmax the indices from {@link #maxPool2d}
     * @param dx receives the gradient with respect to x
     */
    void maxPool2dBackwardUnchecked(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx);

    /**
     * Average pooling; the divisor counts padded positions when countIncludePad (PyTorch's default).
     *
     * @param g the pooling's geometry
     * @param countIncludePad whether padded zeros count in the divisor
     * @param x the input [batch, channels, inH, inW]
     * @param y the output [batch, channels, outH, outW], overwritten
     */
    default void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        PoolingChecks.avgPool2d(g, x, y);
        avgPool2dUnchecked(g, countIncludePad, x, y);
    }

    /**
     * {@link #avgPool2d} on arguments it has checked.
     *
     * @param g the pooling's geometry
     * @param countIncludePad whether padded zeros count in the divisor
     * @param x the input [batch, channels, inH, inW]
     * @param y the output [batch, channels, outH, outW], overwritten
     */
    void avgPool2dUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y);

    /**
     * Gradient of {@link #avgPool2d}; dx is overwritten.
     *
     * @param g the pooling's geometry
     * @param countIncludePad whether padded zeros count in the divisor
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x
     */
    default void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        PoolingChecks.avgPool2dBackward(g, dy, dx);
        avgPool2dBackwardUnchecked(g, countIncludePad, dy, dx);
    }

    /**
     * {@link #avgPool2dBackward} on arguments it has checked.
     *
     * @param g the pooling's geometry
     * @param countIncludePad whether padded zeros count in the divisor
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x
     */
    void avgPool2dBackwardUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx);
}
