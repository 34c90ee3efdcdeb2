package dev.gatun.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensors and ops: validation, element counts, strides, broadcasting. */
public final class Shape {
    private Shape() {}

    /**
     * Checks every dimension is >= 0 and returns the element count, guarding overflow.
     *
     * @param shape the dimensions
     * @return the product of the dimensions
     */
    public static long checkedSize(int[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("negative dimension " + shape[i] + " at axis " + i + " in shape "
                        + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, (long) shape[i]);
        }
        return n;
    }

    /**
     * Row-major (C order) strides in elements.
     *
     * @param shape the dimensions
     * @return the strides, in elements
     */
    public static long[] contiguousStrides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /**
     * The NumPy broadcast of two shapes, or an error naming both.
     *
     * @param a one shape
     * @param b the other shape
     * @return the broadcast shape
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast: axis " + i + " has " + da + " vs " + db);
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides that read a tensor of {@code shape}/{@code strides} as if it had shape {@code target}
     * (stride 0 on broadcast axes).
     *
     * @param shape the tensor's shape
     * @param strides the tensor's strides, in elements
     * @param target the shape to read it as
     * @return one stride per dimension of target
     */
    public static long[] broadcastStrides(int[] shape, long[] strides, int[] target) {
        long[] out = new long[target.length];
        int shift = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            int j = i - shift;
            out[i] = j < 0 || shape[j] == 1 ? 0 : strides[j];
        }
        return out;
    }

    /**
     * Storage index of row-major position {@code flat} in a view with this shape, strides and offset.
     *
     * @param shape the view's shape
     * @param strides the tensor's strides, in elements
     * @param offset the view's offset in the storage, in elements
     * @param flat the row-major position, in [0, size)
     * @return the storage index, in elements
     */
    public static long physicalIndex(int[] shape, long[] strides, long offset, long flat) {
        long p = offset;
        for (int i = shape.length - 1; i >= 0; i--) {
            int d = shape[i];
            p += (flat % d) * strides[i];
            flat /= d;
        }
        return p;
    }

    /**
     * Normalizes a possibly negative axis against a rank.
     *
     * @param axis the axis; negative counts from the end
     * @param rank the number of dimensions
     * @return the axis, in [0, rank)
     */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    /**
     * Formats a shape as {@code [2, 3]}.
     *
     * @param shape the dimensions
     * @return the formatted shape
     */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
