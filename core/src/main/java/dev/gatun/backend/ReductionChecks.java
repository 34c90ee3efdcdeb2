package dev.gatun.backend;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/** The argument checks of the reduction family, run by {@link ReductionOps}'s entry points for every backend. */
final class ReductionChecks {
    private ReductionChecks() {}

    /**
     * Reducing {@code axis} of x into y: one float dtype, y contiguous with x's size over that axis's
     * length; indices only for MAX, int32 with y's size and contiguous.
     */
    static void reduce(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        String name = switch (op) { // constants: this runs on every reduction
            case SUM -> "reduce SUM";
            case MAX -> "reduce MAX";
        };
        Elements.requireFloatDType(name, y, x);
        Elements.requireContiguous(name, y);
        int a = Shape.axis(axis, x.rank());
        if (y.size() != sizeWithout(x, a)) {
            throw new IllegalArgumentException("reduce: output " + y.describe() + " does not match " + x.describe()
                    + " reduced along axis " + a);
        }
        if (argOrNull != null) {
            if (op != ReduceOp.MAX) {
                throw new IllegalArgumentException(name + ": indices are for MAX only, got " + argOrNull.describe());
            }
            if (argOrNull.dtype() != DType.INT32 || argOrNull.size() != y.size()) {
                throw new IllegalArgumentException("reduce MAX: argmax must be int32 with y's " + y.size()
                        + " elements, got " + argOrNull.describe());
            }
            Elements.requireContiguous(name, argOrNull);
        }
    }

    /** x's element count without axis a: the outer × inner elements of the reduction. */
    private static long sizeWithout(Tensor x, int a) {
        long n = 1;
        for (int i = 0; i < x.rank(); i++) {
            n *= i == a ? 1 : x.dim(i);
        }
        return n;
    }

    /** Softmax over x's last axis into y: one float dtype and shape, at least one axis, y contiguous. */
    static void softmax(Tensor x, Tensor y) {
        lastAxis("softmax", x);
        Elements.requireFloatDType("softmax", y, x);
        Elements.requireSameShape("softmax", x, y);
        Elements.requireContiguous("softmax", y);
    }

    /** Softmax's backward: y, dy and dx of one float dtype and shape, dx contiguous. */
    static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        String op = "softmax backward";
        lastAxis(op, y);
        Elements.requireFloatDType(op, dx, y, dy);
        Elements.requireSameShape(op, y, dx);
        Elements.requireSameShape(op, dy, dx);
        Elements.requireContiguous(op, dx);
    }

    private static void lastAxis(String op, Tensor x) {
        if (x.rank() == 0) {
            throw new IllegalArgumentException(op + ": needs at least one axis, got " + x.describe());
        }
    }

    /**
     * Fused cross-entropy: logits [batch, classes] float, labels int32 [batch], probs (logits' shape
     * and dtype) contiguous. The labels' range is checked as they are read ({@link #label}).
     */
    static void crossEntropy(Tensor logits, Tensor labels, Tensor probs) {
        crossEntropyShapes("cross-entropy", "logits", logits, labels, probs);
    }

    /** A mean loss of logits: one element of their dtype, after at least one row. */
    static void meanLoss(Tensor logits, Tensor loss) {
        if (logits.dim(0) == 0) {
            throw new IllegalArgumentException("cross-entropy of an empty batch " + logits.describe());
        }
        if (loss.size() != 1 || loss.dtype() != logits.dtype()) {
            throw new IllegalArgumentException("cross-entropy: the loss must be one " + logits.dtype() + " element, got "
                    + loss.describe());
        }
    }

    /** Cross-entropy's backward: probs [batch, classes], labels int32 [batch], dx (probs' shape and dtype) contiguous. */
    static void crossEntropyBackward(Tensor probs, Tensor labels, Tensor dx) {
        crossEntropyShapes("cross-entropy backward", "probs", probs, labels, dx);
    }

    private static void crossEntropyShapes(String op, String inputName, Tensor input, Tensor labels, Tensor out) {
        if (input.rank() != 2) {
            throw new IllegalArgumentException(op + ": " + inputName + " must be [batch, classes], got " + input.describe());
        }
        if (labels.dtype() != DType.INT32 || labels.rank() != 1 || labels.dim(0) != input.dim(0)) {
            throw new IllegalArgumentException(op + ": labels must be int32 [" + input.dim(0) + "], got "
                    + labels.describe());
        }
        Elements.requireSameShape(op, input, out);
        Elements.requireContiguous(op, out);
        Elements.requireFloatDType(op, out, input);
    }

    /** Row-wise argmax: x float [rows, cols], out int32 [rows] contiguous. */
    static void argmax(Tensor x, Tensor out) {
        if (x.rank() != 2 || out.rank() != 1 || out.dim(0) != x.dim(0) || out.dtype() != DType.INT32) {
            throw new IllegalArgumentException("argmax: needs x [rows, cols] and int32 out [rows], got "
                    + x.describe() + " and " + out.describe());
        }
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException("argmax: needs float tensors, got " + x.describe());
        }
        Elements.requireNotHalf("argmax", x);
        Elements.requireContiguous("argmax", out);
    }
}
