package dev.gatun.kernels.gemm;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;

/**
 * A right-hand matrix op(B) packed once for many products C = alpha·op(A)·op(B) + beta·C.
 *
 * <p>Shapes as {@link Sgemm#sgemm}: op(B) is k×n, op(A) m×k, C m×n, row-major, offsets and leading
 * dimensions in floats. The packing is {@link Sgemm}'s own (KC×NC panels of NR-column slivers),
 * done for the whole of op(B) at {@link #pack}; each {@link #multiply} then packs only A. A
 * recurrent layer multiplies the same W_hh by a small h at every time step ([64, 128]·[128, 512]
 * for the LSTM sample), where packing W_hh again each time costs as much as a fifth of the product.
 *
 * <p>{@link #pack} packs its panels over the kernel threads (on the caller's alone when op(B) is one
 * panel, as W_hh is, or when called from inside a task). {@link #multiply} runs on the calling
 * thread: rows of A and C are independent, so callers
 * that want threads split them (as the recurrent layers do, over the batch, once per sequence).
 * The segment of B is kept for the scalar path ({@code gatun.simd=false}) and k = 0; it must stay
 * alive and unchanged while this object is used.
 */
public final class SgemmPackedB {
    private final boolean transB;
    private final int k;
    private final int n;
    private final MemorySegment b;
    private final long bOffset;
    private final int ldb;
    private final int[] panelAt;
    private final float[] packed;

    private SgemmPackedB(boolean transB, int k, int n, MemorySegment b, long bOffset, int ldb) {
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.bOffset = bOffset;
        this.ldb = ldb;
        this.panelAt = Sgemm.panelOffsets(k, n);
        this.packed = new float[panelAt[panelAt.length - 1]];
        if (!Simd.ENABLED || k == 0 || n == 0) {
            return;
        }
        Sgemm.packWhole(Sgemm.storedPanels(transB, b, bOffset, ldb), k, n, packed, panelAt);
    }

    /**
     * Packs op(B) (k×n; B stored n×k with ldb >= k when transB, else k×n with ldb >= n).
     *
     * @param transB whether B is stored n×k (op(B) = Bᵀ) rather than k×n
     * @param k the columns of op(A), the rows of op(B)
     * @param n the number of elements
     * @param b the matrix B
     * @param bOffset offset of B's first element, in elements
     * @param ldb the distance between B's rows, in elements
     * @return the packed op(B), reusable across products
     * @throws IllegalArgumentException on negative sizes, a short ldb, a negative offset or a
     *     segment too small for op(B)
     */
    public static SgemmPackedB pack(boolean transB, int k, int n, MemorySegment b, long bOffset, int ldb) {
        // The checks of a product with this B and an empty A and C.
        MemorySegment none = MemorySegment.ofArray(new float[0]);
        GemmArgs.check("sgemm packed B", false, transB, 0, n, k, none, 0, Math.max(k, 0), b, bOffset, ldb,
                none, 0, Math.max(n, 0), Float.BYTES);
        return new SgemmPackedB(transB, k, n, b, bOffset, ldb);
    }

    /** {@return k, the rows of op(B)} */
    public int k() {
        return k;
    }

    /** {@return n, the columns of op(B)} */
    public int n() {
        return n;
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C on the calling thread. beta == 0 overwrites C.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     * @param m the rows of op(A) and C
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param aOffset offset of A's first element, in elements
     * @param lda the distance between A's rows, in elements
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the matrix C, overwritten with the result
     * @param cOffset offset of C's first element, in elements
     * @param ldc the distance between C's rows, in elements
     * @throws IllegalArgumentException as {@link Sgemm#sgemm} does for A and C; C is then untouched
     */
    public void multiply(boolean transA, int m, float alpha, MemorySegment a, long aOffset, int lda,
                         float beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.check("sgemm packed", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc,
                Float.BYTES);
        if (m == 0 || n == 0) {
            return;
        }
        if (!Simd.ENABLED || k == 0 || alpha == 0f) {
            SgemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        Sgemm.onPackedB(transA, m, n, k, alpha, a, aOffset, lda, packed, panelAt, beta, c, cOffset, ldc);
    }
}
