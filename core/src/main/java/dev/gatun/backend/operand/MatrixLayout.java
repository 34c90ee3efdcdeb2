package dev.gatun.backend.operand;

import dev.gatun.tensor.Tensor;

/**
 * How a 2-D tensor sits in memory as a BLAS operand: row-major with leading dimension {@code ld},
 * or, for a transposed view (unit stride along rows), as the transpose of a row-major matrix.
 * Lets GEMM consume {@code x.t()} without a copy.
 *
 * @param transposed whether the tensor is the transpose of a row-major matrix
 * @param ld the leading dimension, in elements
 * @param offset the offset of the first element in the storage, in elements
 */
public record MatrixLayout(boolean transposed, int ld, long offset) {
    /**
     * The layout of a 2-D tensor, or null when neither axis has unit stride (the caller copies).
     *
     * @param t the 2-D tensor
     * @return the layout, or null
     */
    public static MatrixLayout of(Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("gemm: operands must be 2-D, got " + t.describe());
        }
        long[] s = t.strides();
        int rows = t.dim(0);
        int cols = t.dim(1);
        if (s[1] == 1 || cols == 1) {
            long ld = rows == 1 ? Math.max(cols, 1) : s[0];
            if (ld >= Math.max(cols, 1) && ld <= Integer.MAX_VALUE) {
                return new MatrixLayout(false, (int) ld, t.offset());
            }
        }
        if (s[0] == 1 || rows == 1) {
            long ld = cols == 1 ? Math.max(rows, 1) : s[1];
            if (ld >= Math.max(rows, 1) && ld <= Integer.MAX_VALUE) {
                return new MatrixLayout(true, (int) ld, t.offset());
            }
        }
        return null;
    }
}
