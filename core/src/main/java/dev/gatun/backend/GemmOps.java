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

    /**
     * C = alpha * op(A) * op(B) + row, the row added to every row of C: a linear layer's bias, a
     * recurrent layer's input projection. The default ({@link Backend}) writes the row into every
     * row of C and calls gemm with beta = 1; a backend may do both in one pass over C, with the same
     * sums. A and B as for {@link #gemm}.
     *
     * @param transA whether op(A) is Aᵀ
     * @param transB whether op(B) is Bᵀ
     * @param alpha the factor of the product
     * @param a the 2-D matrix A
     * @param b the 2-D matrix B
     * @param row the vector added to every row of C: 1-D, C's columns long, of C's dtype
     * @param c the contiguous 2-D result C, overwritten
     */
    default void gemmAddRow(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, Tensor row, Tensor c) {
        GemmChecks.gemmAddRow(transA, transB, a, b, row, c);
        gemmAddRowUnchecked(transA, transB, alpha, a, b, row, c);
    }

    /**
     * {@link #gemmAddRow} on arguments it has checked.
     *
     * @param transA whether op(A) is Aᵀ
     * @param transB whether op(B) is Bᵀ
     * @param alpha the factor of the product
     * @param a the 2-D matrix A
     * @param b the 2-D matrix B
     * @param row the vector added to every row of C
     * @param c the contiguous 2-D result C, overwritten
     */
    void gemmAddRowUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, Tensor row, Tensor c);

    /**
     * Whether {@link #gemm} multiplies bfloat16 and float16 A and B in 16-bit hardware with float32
     * accumulation (CUDA's tensor cores), so that autocast casts its GEMM operands to real 16-bit
     * tensors, half the bytes, rather than rounding float32 copies. The default, false, keeps the
     * rounding: on a backend that widens halves before a float32 GEMM (the CPU) the two are the
     * same arithmetic, the rounding without the casts.
     *
     * @return true where autocast should hand gemm real 16-bit operands
     */
    default boolean hasNativeHalfGemm() {
        return false;
    }
}
