package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * Reductions and the row-wise ops built on them. Core: reduce, argmax; softmax, softmaxBackward,
 * crossEntropy and crossEntropyBackward have defaults built from reduce and the element-wise ops
 * ({@link ComposedReductions}).
 */
public interface ReductionOps extends ElementwiseOps {
    /**
     * Reduces {@code axis} of x into y (x's shape with that axis set to 1 or removed; same
     * element count either way). For MAX, {@code argOrNull} (int32, y's size) receives the index
     * of the first maximum along the axis; NaN counts as larger than everything.
     */
    default void reduce(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        ReductionChecks.reduce(op, x, axis, y, argOrNull);
        reduceUnchecked(op, x, axis, y, argOrNull);
    }

    /** {@link #reduce} on arguments it has checked. */
    void reduceUnchecked(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull);

    /** Softmax (or log-softmax) over the last axis of x, row by row. y may be x. */
    default void softmax(Tensor x, Tensor y, boolean log) {
        ReductionChecks.softmax(x, y);
        softmaxUnchecked(x, y, log);
    }

    /** {@link #softmax} on arguments it has checked; by default {@link ComposedReductions#softmax}. */
    default void softmaxUnchecked(Tensor x, Tensor y, boolean log) {
        ComposedReductions.softmax(this, x, y, log);
    }

    /** Gradient of {@link #softmax} given its output y and upstream dy. dx may be y or dy. */
    default void softmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        ReductionChecks.softmaxBackward(y, dy, dx);
        softmaxBackwardUnchecked(y, dy, dx, log);
    }

    /** {@link #softmaxBackward} on arguments it has checked; by default {@link ComposedReductions#softmaxBackward}. */
    default void softmaxBackwardUnchecked(Tensor y, Tensor dy, Tensor dx, boolean log) {
        ComposedReductions.softmaxBackward(this, y, dy, dx, log);
    }

    /**
     * Fused softmax cross-entropy: writes softmax(logits) into probs and returns the sum over rows
     * of -log p[label]. Labels are int32 [rows] in [0, classes).
     */
    default double crossEntropy(Tensor logits, Tensor labels, Tensor probs) {
        ReductionChecks.crossEntropy(logits, labels, probs);
        return crossEntropyUnchecked(logits, labels, probs);
    }

    /**
     * {@link #crossEntropy} on arguments it has checked but labels whose range it checks as it reads
     * them ({@link dev.gatun.backend.operand.ClassLabels#check}); by default {@link ComposedReductions#crossEntropy}.
     */
    default double crossEntropyUnchecked(Tensor logits, Tensor labels, Tensor probs) {
        return ComposedReductions.crossEntropy(this, logits, labels, probs);
    }

    /** dx = (probs - onehot(labels)) * scale. */
    default void crossEntropyBackward(Tensor probs, Tensor labels, double scale, Tensor dx) {
        ReductionChecks.crossEntropyBackward(probs, labels, dx);
        crossEntropyBackwardUnchecked(probs, labels, scale, dx);
    }

    /**
     * {@link #crossEntropyBackward} on arguments it has checked, labels as for
     * {@link #crossEntropyUnchecked}; by default {@link ComposedReductions#crossEntropyBackward}.
     */
    default void crossEntropyBackwardUnchecked(Tensor probs, Tensor labels, double scale, Tensor dx) {
        ComposedReductions.crossEntropyBackward(this, probs, labels, scale, dx);
    }

    /**
     * Row-wise index of the first maximum of a 2-D x, into int32 out [rows]. On rows holding NaN
     * the backends differ: the scalar reference and CUDA let no NaN after column 0 win, the CPU
     * kernel takes the first NaN as reduce MAX does. That is why argmax is core rather than reduce
     * MAX's indices.
     */
    default void argmax(Tensor x, Tensor out) {
        ReductionChecks.argmax(x, out);
        argmaxUnchecked(x, out);
    }

    /** {@link #argmax} on arguments it has checked. */
    void argmaxUnchecked(Tensor x, Tensor out);
}
