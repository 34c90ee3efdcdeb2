package dev.gatun.backend;

import dev.gatun.backend.operand.ClassLabels;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;

/**
 * The default implementations of {@link ReductionOps}' composite ops, built from reduce, binary,
 * unary and fill, with temporaries in a scope of their own. In float64 softmax, its backward and
 * cross-entropy's probabilities and backward do the scalar reference's arithmetic in its order,
 * so they match it exactly; cross-entropy's loss sums log-softmax entries where the reference
 * sums log(Σ exp) + max − x, equal to a few ulps. In float32 every pass rounds to float32 where
 * the reference rounds once.
 */
final class ComposedReductions {
    private ComposedReductions() {}

    /** y = softmax(x) over the last axis: exp(x − max) / Σ exp(x − max); log: (x − max) − log Σ exp(x − max). */
    static void softmax(ReductionOps be, Tensor x, Tensor y, boolean log) {
        int last = x.rank() - 1;
        int[] rows = keptShape(x);
        try (Scope s = Scope.open("softmax")) {
            Tensor max = y.newEmpty(rows);
            be.reduce(ReduceOp.MAX, x, last, max, null);
            be.binary(BinaryOp.SUB, x, max, y);
            Tensor sum = y.newEmpty(rows);
            if (log) {
                Tensor e = y.newEmpty(y.shape());
                be.unary(UnaryFn.of(UnaryOp.EXP), y, e);
                be.reduce(ReduceOp.SUM, e, last, sum, null);
                be.unary(UnaryFn.of(UnaryOp.LOG), sum, sum);
                be.binary(BinaryOp.SUB, y, sum, y);
            } else {
                be.unary(UnaryFn.of(UnaryOp.EXP), y, y);
                be.reduce(ReduceOp.SUM, y, last, sum, null);
                be.binary(BinaryOp.DIV, y, sum, y);
            }
        }
    }

    /** dx = y·(dy − Σ dy·y); log: dx = dy − exp(y)·Σ dy. */
    static void softmaxBackward(ReductionOps be, Tensor y, Tensor dy, Tensor dx, boolean log) {
        int last = y.rank() - 1;
        try (Scope s = Scope.open("softmax backward")) {
            Tensor dot = dx.newEmpty(keptShape(y));
            Tensor t = dx.newEmpty(dx.shape());
            if (log) {
                be.reduce(ReduceOp.SUM, dy, last, dot, null);
                be.unary(UnaryFn.of(UnaryOp.EXP), y, t);
                be.binary(BinaryOp.MUL, t, dot, t);
                be.binary(BinaryOp.SUB, dy, t, dx);
            } else {
                be.binary(BinaryOp.MUL, dy, y, t);
                be.reduce(ReduceOp.SUM, t, last, dot, null);
                be.binary(BinaryOp.SUB, dy, dot, t);
                be.binary(BinaryOp.MUL, y, t, dx);
            }
        }
    }

    /** probs = softmax(logits); the loss −Σ log-softmax(logits)[row, label] is summed on the host. */
    static double crossEntropy(ReductionOps be, Tensor logits, Tensor labels, Tensor probs) {
        int rows = logits.dim(0);
        int classes = logits.dim(1);
        int[] label = labels(labels, classes);
        be.softmax(logits, probs, false);
        try (Scope s = Scope.open("cross-entropy")) {
            Tensor logp = probs.newEmpty(rows, classes);
            be.softmax(logits, logp, true);
            Tensor host = logp.to(Device.CPU);
            double total = 0;
            for (int r = 0; r < rows; r++) {
                total -= host.getFlat((long) r * classes + label[r]);
            }
            return total;
        }
    }

    /** dx = (probs − onehot(labels))·scale, the one-hot matrix made on the host. */
    static void crossEntropyBackward(ReductionOps be, Tensor probs, Tensor labels, double scale, Tensor dx) {
        int rows = probs.dim(0);
        int classes = probs.dim(1);
        int[] label = labels(labels, classes);
        try (Scope s = Scope.open("cross-entropy backward")) {
            Tensor oneHot = Tensor.zeros(probs.dtype(), rows, classes);
            for (int r = 0; r < rows; r++) {
                oneHot.setFlat((long) r * classes + label[r], 1);
            }
            be.binary(BinaryOp.SUB, probs, oneHot.to(probs.device()), dx);
            be.binary(BinaryOp.MUL, dx, ScalarOperand.of(be, dx, scale), dx);
        }
    }

    /** The labels on the host, each checked to lie in [0, classes). */
    private static int[] labels(Tensor labels, int classes) {
        int[] label = labels.toIntArray();
        for (int r = 0; r < label.length; r++) {
            ClassLabels.check(label[r], r, classes);
        }
        return label;
    }

    /** x's shape with the last axis set to 1: one value per row. */
    private static int[] keptShape(Tensor x) {
        int[] shape = x.shape();
        shape[shape.length - 1] = 1;
        return shape;
    }
}
