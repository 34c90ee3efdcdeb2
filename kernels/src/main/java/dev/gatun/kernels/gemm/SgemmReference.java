package dev.gatun.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link Sgemm}: a plain loop nest, no SIMD, one thread.
 *
 * <p>Shapes: C (m×n) = alpha·op(A) (m×k) · op(B) (k×n) + beta·C, row-major. Each row of C is
 * accumulated in double over i-p-j order (B read along its rows), then rounded once to float, so
 * it is also the accuracy yardstick the tests hold {@link Sgemm} to.
 */
public final class SgemmReference {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private SgemmReference() {}

    /**
     * Same contract as {@link Sgemm#sgemm}.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     * @param transB whether B is stored n×k (op(B) = Bᵀ) rather than k×n
     * @param m the rows of op(A) and C
     * @param n the number of elements
     * @param k the columns of op(A), the rows of op(B)
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param aOffset offset of A's first element, in elements
     * @param lda the distance between A's rows, in elements
     * @param b the matrix B
     * @param bOffset offset of B's first element, in elements
     * @param ldb the distance between B's rows, in elements
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the matrix C, overwritten with the result
     * @param cOffset offset of C's first element, in elements
     * @param ldc the distance between C's rows, in elements
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.check("sgemm", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Float.BYTES);
        if (m == 0 || n == 0) {
            return;
        }
        // Element (i, p) of op(A) is at aOffset + i*aRow + p*aCol; likewise for op(B).
        long aRow = transA ? 1 : lda;
        long aCol = transA ? lda : 1;
        long bRow = transB ? 1 : ldb;
        long bCol = transB ? ldb : 1;
        double[] acc = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0.0);
            if (alpha != 0f) {
                for (int p = 0; p < k; p++) {
                    double aip = a.getAtIndex(F, aOffset + i * aRow + p * aCol);
                    long bp = bOffset + p * bRow;
                    for (int j = 0; j < n; j++) {
                        acc[j] += aip * b.getAtIndex(F, bp + j * bCol);
                    }
                }
            }
            long ci = cOffset + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                float ab = (float) (alpha * acc[j]);
                // beta == 0 must not read C: 0 * NaN would keep the NaN.
                c.setAtIndex(F, ci + j, beta == 0f ? ab : (float) (alpha * acc[j] + beta * (double) c.getAtIndex(F, ci + j)));
            }
        }
    }

    /**
     * Same contract as the implicit {@link Sgemm#sgemm(boolean, int, int, int, float, MemorySegment, long, int,
     * BPanels, float, MemorySegment, long, int)}: op(B) is packed whole as one panel, unpacked into a
     * k×n matrix and multiplied as above.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     * @param m the rows of op(A) and C
     * @param n the number of elements
     * @param k the columns of op(A), the rows of op(B)
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param aOffset offset of A's first element, in elements
     * @param lda the distance between A's rows, in elements
     * @param b packs op(B), as one panel
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the matrix C, overwritten with the result
     * @param cOffset offset of C's first element, in elements
     * @param ldc the distance between C's rows, in elements
     */
    public static void sgemm(boolean transA, int m, int n, int k, float alpha, MemorySegment a, long aOffset, int lda,
                             BPanels b, float beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.checkWithoutB("sgemm", transA, m, n, k, a, aOffset, lda, c, cOffset, ldc, Float.BYTES);
        int w = BPanels.SLIVER;
        float[] packed = new float[Math.multiplyExact(Math.ceilDiv(n, w) * w, k)];
        if (k > 0 && n > 0) {
            b.pack(0, k, 0, n, packed, 0);
        }
        float[] stored = new float[Math.multiplyExact(k, n)];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                stored[p * n + j] = packed[(j / w) * k * w + p * w + j % w];
            }
        }
        sgemm(transA, false, m, n, k, alpha, a, aOffset, lda, MemorySegment.ofArray(stored), 0, Math.max(n, 1),
                beta, c, cOffset, ldc);
    }
}
