package dev.gatun.backend;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** The argument checks of the GEMM family, run by {@link GemmOps}'s entry point for every backend. */
final class GemmChecks {
    private GemmChecks() {}

    /**
     * C = alpha·op(A)·op(B) + beta·C: 2-D operands whose sizes agree, C contiguous; all of one
     * float dtype, or A and B of one half dtype with a float32 C.
     */
    static void gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("gemm: operands must be 2-D, got A " + a.describe() + ", B "
                    + b.describe() + ", C " + c.describe());
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ: op(A) is " + m + "×" + k + " (A "
                    + a.describe() + (transA ? " transposed" : "") + ") but op(B) is " + kb + "×" + n + " (B "
                    + b.describe() + (transB ? " transposed" : "") + ")");
        }
        if (c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("gemm: C is " + c.describe() + " but op(A)·op(B) is [" + m + ", " + n + "]");
        }
        if (a.dtype().isHalf() || b.dtype().isHalf()) {
            if (a.dtype() != b.dtype() || c.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException("gemm: half-precision A and B must share one dtype and C must be"
                        + " float32, got A " + a.describe() + ", B " + b.describe() + ", C " + c.describe());
            }
        } else {
            Elements.requireFloatDType("gemm", c, a, b);
        }
        Elements.requireContiguous("gemm", c);
    }

    /** {@link #gemm}'s checks, and a row vector of C's columns and dtype. */
    static void gemmAddRow(boolean transA, boolean transB, Tensor a, Tensor b, Tensor row, Tensor c) {
        gemm(transA, transB, a, b, c);
        if (row.rank() != 1 || row.dim(0) != c.dim(1) || row.dtype() != c.dtype()) {
            throw new IllegalArgumentException("gemmAddRow: the row must be [" + c.dim(1) + "] of C's dtype, got "
                    + row.describe() + " for C " + c.describe());
        }
    }

    /**
     * A half A or B widened to a float32 temporary in the current scope (exactly: every half has one
     * float32), for the backends that multiply float32 only; any other operand as it is.
     */
    static Tensor widened(Backend be, Tensor t) {
        if (!t.dtype().isHalf()) {
            return t;
        }
        Tensor wide = Tensor.empty(t.device(), DType.FLOAT32, t.shape());
        be.cast(t, wide);
        return wide;
    }

    /** The inner dimension k of op(A)·op(B), for arguments {@link #gemm} accepted. */
    static int inner(boolean transA, Tensor a) {
        return transA ? a.dim(0) : a.dim(1);
    }
}
