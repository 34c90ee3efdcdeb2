package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** 2-D max and average pooling, NCHW (see {@link Pool2dGeometry}): core ops of every {@link Backend}. */
public interface PoolingOps {
    /**
     * Max pooling. argmax (int32, y's shape) receives the index h·inW + w, within its input plane,
     * of the first maximum of each window; padding never wins. NaN propagates.
     */
    default void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        PoolingChecks.maxPool2d(g, x, y, argmax);
        maxPool2dUnchecked(g, x, y, argmax);
    }

    /** {@link #maxPool2d} on arguments it has checked. */
    void maxPool2dUnchecked(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax);

    /** dx = dy scattered to the argmax positions (overlapping windows add); dx is overwritten. */
    default void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        PoolingChecks.maxPool2dBackward(g, dy, argmax, dx);
        maxPool2dBackwardUnchecked(g, dy, argmax, dx);
    }

    /** {@link #maxPool2dBackward} on arguments it has checked but the indices' range. */
    void maxPool2dBackwardUnchecked(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx);

    /** Average pooling; the divisor counts padded positions when countIncludePad (PyTorch's default). */
    default void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        PoolingChecks.avgPool2d(g, x, y);
        avgPool2dUnchecked(g, countIncludePad, x, y);
    }

    /** {@link #avgPool2d} on arguments it has checked. */
    void avgPool2dUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y);

    /** Gradient of {@link #avgPool2d}; dx is overwritten. */
    default void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        PoolingChecks.avgPool2dBackward(g, dy, dx);
        avgPool2dBackwardUnchecked(g, countIncludePad, dy, dx);
    }

    /** {@link #avgPool2dBackward} on arguments it has checked. */
    void avgPool2dBackwardUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx);
}
