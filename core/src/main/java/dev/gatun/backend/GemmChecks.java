package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The argument checks of the GEMM family, run by {@link GemmOps}'s entry point for every backend. */
final class GemmChecks {
    private GemmChecks() {}

    /** C = alpha·op(A)·op(B) + beta·C: 2-D operands of one float dtype whose sizes agree, C contiguous. */
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
        Elements.requireFloatDType("gemm", c, a, b);
        Elements.requireContiguous("gemm", c);
    }

    /** The inner dimension k of op(A)·op(B), for arguments {@link #gemm} accepted. */
    static int inner(boolean transA, Tensor a) {
        return transA ? a.dim(0) : a.dim(1);
    }
}
