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
     *
     * @param op the reduction
     * @param x the input
     * @param axis the axis reduced; negative counts from the end
     * @param y receives the result: x's shape with the axis set to 1 or removed
     * @param argOrNull receives the index of each first maximum (MAX only), int32 of y's size; or
     *     null
     */
    default void reduce(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        ReductionChecks.reduce(op, x, axis, y, argOrNull);
        reduceUnchecked(op, x, axis, y, argOrNull);
    }

    /**
     * {@link #reduce} on arguments it has checked.
     *
     * @param op the reduction
     * @param x the input
     * @param axis the axis reduced; negative counts from the end
     * @param y receives the result: x's shape with the axis set to 1 or removed
     * @param argOrNull receives the index of each first maximum (MAX only), int32 of y's size; or
     *     null
     */
    void reduceUnchecked(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull);

    /**
     * Softmax (or log-softmax) over the last axis of x, row by row. y may be x.
     *
     * @param x the input
     * @param y the output, of x's shape; may be x
     * @param log whether to compute the log-softmax instead
     */
    default void softmax(Tensor x, Tensor y, boolean log) {
        ReductionChecks.softmax(x, y);
        softmaxUnchecked(x, y, log);
    }

    /**
     * {@link #softmax} on arguments it has checked; by default {@link ComposedReductions#softmax}.
     *
     * @param x the input
     * @param y the output, of x's shape; may be x
     * @param log whether to compute the log-softmax instead
     */
    default void softmaxUnchecked(Tensor x, Tensor y, boolean log) {
        ComposedReductions.softmax(this, x, y, log);
    }

    /**
     * Gradient of {@link #softmax} given its output y and upstream dy. dx may be y or dy.
     *
     * @param y the forward output
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x; may be y or dy
     * @param log whether to compute the log-softmax instead
     */
    default void softmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        ReductionChecks.softmaxBackward(y, dy, dx);
        softmaxBackwardUnchecked(y, dy, dx, log);
    }

    /**
     * {@link #softmaxBackward} on arguments it has checked; by default {@link ComposedReductions#softmaxBackward}.
     *
     * @param y the forward output
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x; may be y or dy
     * @param log whether to compute the log-softmax instead
     */
    default void softmaxBackwardUnchecked(Tensor y, Tensor dy, Tensor dx, boolean log) {
        ComposedReductions.softmaxBackward(this, y, dy, dx, log);
    }

    /**
     * Fused softmax cross-entropy: writes softmax(logits) into probs and returns the sum over rows
     * of -log p[label]. Labels are int32 [rows] in [0, classes).
     *
     * @param logits the class scores [rows, classes]
     * @param labels the class of each row, int32 [rows] in [0, classes)
     * @param probs receives the softmax [rows, classes]
     * @return the summed loss over the rows
     */
    default double crossEntropy(Tensor logits, Tensor labels, Tensor probs) {
        ReductionChecks.crossEntropy(logits, labels, probs);
        return crossEntropyUnchecked(logits, labels, probs);
    }

    /**
     * {@link #crossEntropy} on arguments it has checked but labels whose range it checks as it reads
     * them ({@link dev.gatun.backend.operand.ClassLabels#check}); by default {@link ComposedReductions#crossEntropy}.
     *
     * @param logits the class scores [rows, classes]
     * @param labels the class of each row, int32 [rows] in [0, classes)
     * @param probs receives the softmax [rows, classes]
     * @return the summed loss over the rows
     */
    default double crossEntropyUnchecked(Tensor logits, Tensor labels, Tensor probs) {
        return ComposedReductions.crossEntropy(this, logits, labels, probs);
    }

    /**
     * {@link #crossEntropy} that writes the mean loss over the rows into {@code loss}, a one-element
     * tensor of logits' dtype and device, instead of returning the sum to the host: the form a
     * captured device graph can hold. By default it computes {@link #crossEntropyUnchecked} and
     * fills {@code loss} with the sum divided by the rows, which on a GPU reads the sum on the
     * host (a synchronization a capture refuses); the fake device runs it on its host memory.
     *
     * @param logits the class scores [rows, classes], at least one row
     * @param labels the class of each row, int32 [rows] in [0, classes)
     * @param probs receives the softmax [rows, classes]
     * @param loss receives the mean loss, one element
     */
    default void crossEntropyMean(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        ReductionChecks.crossEntropy(logits, labels, probs);
        ReductionChecks.meanLoss(logits, loss);
        crossEntropyMeanUnchecked(logits, labels, probs, loss);
    }

    /**
     * {@link #crossEntropyMean} on arguments it has checked.
     *
     * @param logits the class scores [rows, classes], at least one row
     * @param labels the class of each row, int32 [rows] in [0, classes)
     * @param probs receives the softmax [rows, classes]
     * @param loss receives the mean loss, one element
     */
    default void crossEntropyMeanUnchecked(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        fill(loss, crossEntropyUnchecked(logits, labels, probs) / logits.dim(0));
    }

    /**
     * dx = (probs - onehot(labels)) * scale.
     *
     * @param probs the softmax from {@link #crossEntropy}
     * @param labels the class of each row, int32 [rows] in [0, classes)
     * @param scale the factor of every gradient, e.g. 1/rows for a mean loss
     * @param dx receives the gradient with respect to x; may be y or dy
     */
    default void crossEntropyBackward(Tensor probs, Tensor labels, double scale, Tensor dx) {
        ReductionChecks.crossEntropyBackward(probs, labels, dx);
        crossEntropyBackwardUnchecked(probs, labels, scale, dx);
    }

    /**
     * {@link #crossEntropyBackward} on arguments it has checked, labels as for
     * {@link #crossEntropyUnchecked}; by default {@link ComposedReductions#crossEntropyBackward}.
     *
     * @param probs the softmax from {@link #crossEntropy}
     * @param labels the class of each row, int32 [rows] in [0, classes)
     * @param scale the factor of every gradient, e.g. 1/rows for a mean loss
     * @param dx receives the gradient with respect to x; may be y or dy
     */
    default void crossEntropyBackwardUnchecked(Tensor probs, Tensor labels, double scale, Tensor dx) {
        ComposedReductions.crossEntropyBackward(this, probs, labels, scale, dx);
    }

    /**
     * Row-wise index of the first maximum of a 2-D x, into int32 out [rows]. On rows holding NaN
     * the backends differ: the scalar reference and CUDA let no NaN after column 0 win, the CPU
     * kernel takes the first NaN as reduce MAX does. That is why argmax is core rather than reduce
     * MAX's indices.
     *
     * @param x the 2-D input [rows, cols]
     * @param out receives the indices, int32 [rows]
     */
    default void argmax(Tensor x, Tensor out) {
        ReductionChecks.argmax(x, out);
        argmaxUnchecked(x, out);
    }

    /**
     * {@link #argmax} on arguments it has checked.
     *
     * @param x the 2-D input [rows, cols]
     * @param out receives the indices, int32 [rows]
     */
    void argmaxUnchecked(Tensor x, Tensor out);
}
