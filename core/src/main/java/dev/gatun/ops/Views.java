package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/** Reshape, transpose, slice (views, no copy), and contiguous copies and casts. */
public final class Views {
    private Views() {}

    /**
     * The same elements with another shape; one axis may be -1. Needs contiguous data.
     *
     * @param x the tensor
     * @param newShape the new shape; one axis may be -1, inferred from the size
     * @return a view of x's data
     */
    public static Tensor reshape(Tensor x, int... newShape) {
        int[] s = newShape.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: only one axis may be -1 in " + Shape.str(s));
                }
                inferred = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension " + s[i] + " in " + Shape.str(s));
            } else {
                known *= s[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Shape.str(s) + " for " + x.describe());
            }
            s[inferred] = (int) (x.size() / known);
        }
        if (Shape.checkedSize(s) != x.size()) {
            throw new IllegalArgumentException("reshape: " + x.describe() + " has " + x.size() + " elements, shape "
                    + Shape.str(s) + " needs " + Shape.checkedSize(s));
        }
        if (!x.isContiguous()) {
            throw new IllegalArgumentException("reshape: " + x.describe()
                    + " is not contiguous (a transposed or sliced view); call contiguous() first");
        }
        int[] original = x.shape();
        Tensor y = x.view(s, Shape.contiguousStrides(s), x.offset());
        return Autograd.record(y, "reshape", g -> new Tensor[] {g.contiguous().reshape(original)}, x);
    }

    /**
     * Swaps two axes.
     *
     * @param x the tensor
     * @param axis0 one axis
     * @param axis1 the other axis
     * @return a view of x's data
     */
    public static Tensor transpose(Tensor x, int axis0, int axis1) {
        int a = Shape.axis(axis0, x.rank());
        int b = Shape.axis(axis1, x.rank());
        int[] s = x.shape();
        long[] st = x.strides();
        int ts = s[a];
        s[a] = s[b];
        s[b] = ts;
        long tst = st[a];
        st[a] = st[b];
        st[b] = tst;
        Tensor y = x.view(s, st, x.offset());
        return Autograd.record(y, "transpose", g -> new Tensor[] {g.transpose(a, b)}, x);
    }

    /**
     * Elements [start, end) along an axis.
     *
     * @param x the tensor
     * @param axis the axis to slice; negative counts from the end
     * @param start the first index, included
     * @param end the last index, excluded
     * @return a view of x's data
     */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        int a = Shape.axis(axis, x.rank());
        int[] s = x.shape();
        if (start < 0 || end < start || end > s[a]) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is outside axis " + a + " of "
                    + x.describe());
        }
        long[] st = x.strides();
        long offset = x.offset() + (long) start * st[a];
        int[] original = s.clone();
        s[a] = end - start;
        Tensor y = x.view(s, st, offset);
        return Autograd.record(y, "slice", g -> {
            Tensor dx = g.newZeros(original);
            Tensor window = dx.view(s, dx.strides(), (long) start * dx.strides()[a]);
            BackendRegistry.of(dx).copy(g, window);
            return new Tensor[] {dx};
        }, x);
    }

    /**
     * A contiguous copy.
     *
     * @param x the tensor
     * @return a contiguous copy
     */
    public static Tensor copy(Tensor x) {
        Tensor y = x.newZeros(x.shape());
        BackendRegistry.of(x).copy(x, y);
        return Autograd.record(y, "copy", g -> new Tensor[] {g}, x);
    }

    /**
     * A contiguous copy converted to another dtype.
     *
     * @param x the tensor
     * @param target the dtype to convert to
     * @return a contiguous copy of dtype target
     */
    public static Tensor cast(Tensor x, DType target) {
        if (target == x.dtype()) {
            return copy(x);
        }
        Tensor y = x.newZeros(target, x.shape());
        if (x.dtype().isFloating() && target.isFloating()) {
            BackendRegistry.of(x).cast(x, y);
        } else {
            BackendRegistry.of(x).copy(x, y);
        }
        if (!target.isFloating()) {
            return y;
        }
        DType source = x.dtype();
        return Autograd.record(y, "cast", g -> new Tensor[] {source.isFloating() ? cast(g, source) : null}, x);
    }
}
