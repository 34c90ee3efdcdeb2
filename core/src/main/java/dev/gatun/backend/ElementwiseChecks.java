package dev.gatun.backend;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * The argument checks of the element-wise family, run by {@link ElementwiseOps}'s entry points for
 * every backend. They allocate nothing unless they throw: they run on every op of a training step.
 */
final class ElementwiseChecks {
    private ElementwiseChecks() {}

    /** out = a op b: one float dtype, out contiguous, a and b broadcasting to exactly out's shape. */
    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (!out.dtype().isFloating() || out.dtype().isHalf() || a.dtype() != out.dtype() || b.dtype() != out.dtype()) {
            Elements.requireFloatDType("binary " + op, out, a, b);
        }
        if (!out.isContiguous()) {
            Elements.requireContiguous("binary " + op, out);
        }
        if (!broadcastsTo(a, b, out)) {
            int[] shape = Shape.broadcast(a.shape(), b.shape()); // throws when a and b do not broadcast at all
            throw new IllegalArgumentException("binary " + op + ": " + a.describe() + " and " + b.describe()
                    + " broadcast to " + Shape.str(shape) + ", not to the output " + out.describe());
        }
    }

    /** Whether NumPy broadcasting of a and b gives exactly out's shape. */
    private static boolean broadcastsTo(Tensor a, Tensor b, Tensor out) {
        int rank = out.rank();
        if (Math.max(a.rank(), b.rank()) != rank) {
            return false;
        }
        for (int i = 1; i <= rank; i++) {
            int o = out.dim(rank - i);
            int da = i <= a.rank() ? a.dim(a.rank() - i) : 1;
            int db = i <= b.rank() ? b.dim(b.rank() - i) : 1;
            if ((da != o && da != 1) || (db != o && db != 1) || (da != o && db != o)) {
                return false;
            }
        }
        return true;
    }

    /** y = f(x): x and y of one float dtype and shape, y contiguous. */
    static void unary(UnaryFn f, Tensor x, Tensor y) {
        if (!Elements.sameShape(x, y) || !y.dtype().isFloating() || y.dtype().isHalf() || x.dtype() != y.dtype()
                || !y.isContiguous()) {
            sameFloatShape("unary " + f.op(), x, y);
        }
    }

    /**
     * dx = dy·f'(x or y): the tensor the derivative reads ({@link UnaryOp#backwardUsesOutput() y
     * or x}) present, and it, dy and dx of one float dtype and shape, dx contiguous.
     */
    static void unaryBackward(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        Tensor kept = f.op().backwardUsesOutput() ? y : x;
        if (kept == null) {
            throw new IllegalArgumentException("unary backward " + f.op() + ": needs "
                    + (f.op().backwardUsesOutput() ? "the output y" : "the input x") + ", got null");
        }
        if (!Elements.sameShape(kept, dx) || !Elements.sameShape(dy, dx) || !dx.dtype().isFloating() || dx.dtype().isHalf()
                || dy.dtype() != dx.dtype() || kept.dtype() != dx.dtype() || !dx.isContiguous()) {
            String op = "unary backward " + f.op();
            sameFloatShape(op, dy, dx);
            sameFloatShape(op, kept, dx);
        }
    }

    /** y = alpha·x + beta·y: one float dtype, the same shape, y contiguous. */
    static void axpby(Tensor x, Tensor y) {
        sameFloatShape("axpby", x, y);
    }

    /** y = clamp(x, lo, hi): one float dtype, the same shape, y contiguous, lo ≤ hi. */
    static void clamp(Tensor x, double lo, double hi, Tensor y) {
        sameFloatShape("clamp", x, y);
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp needs lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
    }

    /** dst ← src: the same shape; any dtypes and strides. */
    static void copy(Tensor src, Tensor dst) {
        Elements.requireSameShape("copy", src, dst);
    }

    /** dst ← src converted: the same shape, both of a float dtype (halves included), dst contiguous. */
    static void cast(Tensor src, Tensor dst) {
        Elements.requireSameShape("cast", src, dst);
        if (!src.dtype().isFloating() || !dst.dtype().isFloating()) {
            throw new IllegalArgumentException("cast: converts between float dtypes, got " + src.describe() + " to "
                    + dst.describe() + "; copy converts to and from int32");
        }
        Elements.requireContiguous("cast", dst);
    }

    /** Dropout: x, mask and y of one float dtype and shape, mask and y contiguous, p in [0, 1). */
    static void dropout(Tensor x, Tensor mask, Tensor y, double p) {
        sameFloatShape("dropout", x, y);
        Elements.requireSameShape("dropout", x, mask);
        Elements.requireFloatDType("dropout", y, mask);
        Elements.requireContiguous("dropout", mask);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    /** Rounding to a half format: float32 x and y of one shape, y contiguous, a 16-bit precision. */
    static void roundToHalf(Precision precision, Tensor x, Tensor y) {
        if (precision == null || !precision.isHalf()) {
            throw new IllegalArgumentException("roundToHalf: precision " + precision
                    + " has no 16-bit format; use bf16 or fp16");
        }
        Elements.requireSameShape("roundToHalf", x, y);
        if (x.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("roundToHalf: x " + x.describe() + " and y " + y.describe()
                    + " must be float32");
        }
        Elements.requireContiguous("roundToHalf", y);
    }

    /** x and y of one float dtype and shape, y (the output) contiguous. */
    private static void sameFloatShape(String op, Tensor x, Tensor y) {
        Elements.requireSameShape(op, x, y);
        if (!y.dtype().isFloating() || y.dtype().isHalf() || x.dtype() != y.dtype()) {
            Elements.requireFloatDType(op, y, x);
        }
        Elements.requireContiguous(op, y);
    }
}
