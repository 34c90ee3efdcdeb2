package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** Matrix multiplication: a core op of every {@link Backend}. */
public interface GemmOps {
    /**
     * C = alpha * op(A) * op(B) + beta * C for 2-D tensors; op transposes when asked. A and B may
     * be row-major or transposed views with unit stride in one axis; C is contiguous.
     *
     * @param transA whether op(A) is Aᵀ
     * @param transB whether op(B) is Bᵀ
     * @param alpha the factor of the product
     * @param a the 2-D matrix A
     * @param b the 2-D matrix B
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the contiguous 2-D result C
     */
    default void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        GemmChecks.gemm(transA, transB, a, b, c);
        gemmUnchecked(transA, transB, alpha, a, b, beta, c);
    }

    /**
     * {@link #gemm} on arguments it has checked: m and n are C's sizes, k op(A)'s columns.
     *
     * @param transA whether op(A) is Aᵀ
     * @param transB whether op(B) is Bᵀ
     * @param alpha the factor of the product
     * @param a the 2-D matrix A
     * @param b the 2-D matrix B
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the contiguous 2-D result C
     */
    void gemmUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);
}
