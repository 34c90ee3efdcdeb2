package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.ReduceOp;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/** Sum, mean and max along an axis (or over everything), and argmax. */
public final class Reductions {
    private Reductions() {}

    private static int[] reducedShape(int[] shape, int axis, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[axis] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    /** Repeats g (x reduced along axis) back over x's shape. */
    private static Tensor expand(Tensor g, int[] xShape, int axis) {
        Tensor gk = g.reshape(reducedShape(xShape, axis, true));
        Tensor out = g.newZeros(xShape);
        BackendRegistry.of(g).binary(BinaryOp.ADD, out, gk, out);
        return out;
    }

    /**
     * Σ along an axis.
     *
     * @param x the input
     * @param axis the axis; negative counts from the end
     * @param keepDim whether to keep the axis with size 1 rather than remove it
     * @return the sums
     */
    public static Tensor sum(Tensor x, int axis, boolean keepDim) {
        int a = Shape.axis(axis, x.rank());
        int[] xs = x.shape();
        Tensor y = x.newZeros(reducedShape(xs, a, keepDim));
        BackendRegistry.of(x).reduce(ReduceOp.SUM, x, a, y, null);
        return Autograd.record(y, "sum", g -> new Tensor[] {expand(g.contiguous(), xs, a)}, x);
    }

    /**
     * Mean along an axis.
     *
     * @param x the input
     * @param axis the axis; negative counts from the end
     * @param keepDim whether to keep the axis with size 1 rather than remove it
     * @return the means
     */
    public static Tensor mean(Tensor x, int axis, boolean keepDim) {
        int a = Shape.axis(axis, x.rank());
        if (x.dim(a) == 0) {
            throw new IllegalArgumentException("mean over an empty axis " + a + " of " + x.describe());
        }
        return sum(x, a, keepDim).mul(1.0 / x.dim(a));
    }

    /**
     * Σ of every element, as a rank-0 tensor.
     *
     * @param x the input
     * @return the sum, a rank-0 tensor
     */
    public static Tensor sumAll(Tensor x) {
        return sum(x.contiguous().reshape((int) x.size()), 0, false);
    }

    /**
     * Mean of every element, as a rank-0 tensor.
     *
     * @param x the input
     * @return the mean, a rank-0 tensor
     */
    public static Tensor meanAll(Tensor x) {
        if (x.size() == 0) {
            throw new IllegalArgumentException("mean of an empty tensor " + x.describe());
        }
        return sumAll(x).mul(1.0 / x.size());
    }

    /**
     * Max along an axis; the gradient flows to the first maximum.
     *
     * @param x the input
     * @param axis the axis; negative counts from the end
     * @param keepDim whether to keep the axis with size 1 rather than remove it
     * @return the maxima
     */
    public static Tensor max(Tensor x, int axis, boolean keepDim) {
        int a = Shape.axis(axis, x.rank());
        int[] xs = x.shape();
        if (xs[a] == 0) {
            throw new IllegalArgumentException("max over an empty axis " + a + " of " + x.describe());
        }
        int[] ys = reducedShape(xs, a, keepDim);
        Tensor y = x.newZeros(ys);
        Tensor arg = x.newZeros(DType.INT32, ys);
        Backend be = BackendRegistry.of(x);
        be.reduce(ReduceOp.MAX, x, a, y, arg);
        return Autograd.record(y, "max", g -> {
            // Scatter g to the arg positions; element access is fine here, max is not a hot op.
            Tensor dx = x.newZeros(xs);
            Tensor gc = g.contiguous();
            int len = xs[a];
            long inner = 1;
            for (int i = a + 1; i < xs.length; i++) {
                inner *= xs[i];
            }
            for (long r = 0, n = arg.size(); r < n; r++) {
                long o = r / inner;
                long in = r % inner;
                long pos = (o * len + (long) arg.getFlat(r)) * inner + in;
                dx.setFlat(pos, gc.getFlat(r));
            }
            return new Tensor[] {dx};
        }, x);
    }

    /**
     * Row-wise index of the maximum of a 2-D tensor, as int32 [rows].
     *
     * @param x the 2-D input [rows, cols]
     * @return the indices, int32 [rows]
     */
    public static Tensor argmax(Tensor x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("argmax: needs [rows, cols], got " + x.describe());
        }
        Tensor out = x.newZeros(DType.INT32, x.dim(0));
        BackendRegistry.of(x).argmax(x, out);
        return out;
    }
}
