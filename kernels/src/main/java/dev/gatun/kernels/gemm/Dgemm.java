package dev.gatun.kernels.gemm;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Double-precision GEMM for float64 gradient checks: correct first, fast enough second.
 *
 * <p>Shapes: C (m×n) = alpha·op(A) (m×k) · op(B) (k×n) + beta·C, row-major, float64 data,
 * offsets and leading dimensions in doubles. Loop order i-p-j: C's row i is scaled by beta, then
 * gets alpha·A[i][p] times row p of op(B) added for every p; with B not transposed that inner
 * loop runs along contiguous memory in {@link Simd#DOUBLES} vectors. One thread.
 */
public final class Dgemm {
    private static final VectorSpecies<Double> S = Simd.DOUBLES;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Dgemm() {}

    /**
     * Same contract as {@link Sgemm#sgemm}, on doubles.
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
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             double beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.check("dgemm", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Double.BYTES);
        if (m == 0 || n == 0) {
            return;
        }
        long aRow = transA ? 1 : lda;
        long aCol = transA ? lda : 1;
        long bRow = transB ? 1 : ldb;
        long bCol = transB ? ldb : 1;
        boolean vector = Simd.ENABLED && !transB;
        int upper = vector ? S.loopBound(n) : 0;
        for (int i = 0; i < m; i++) {
            long ci = cOffset + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                // beta == 0 overwrites: NaNs already in C must not survive 0 * NaN.
                c.setAtIndex(D, ci + j, beta == 0.0 ? 0.0 : beta * c.getAtIndex(D, ci + j));
            }
            if (alpha == 0.0) {
                continue;
            }
            for (int p = 0; p < k; p++) {
                double aip = alpha * a.getAtIndex(D, aOffset + i * aRow + p * aCol);
                long bp = bOffset + p * bRow;
                int j = 0;
                if (vector) {
                    DoubleVector av = DoubleVector.broadcast(S, aip);
                    for (; j < upper; j += S.length()) {
                        long cj = (ci + j) * Double.BYTES;
                        DoubleVector.fromMemorySegment(S, b, (bp + j) * Double.BYTES, ORDER)
                                .fma(av, DoubleVector.fromMemorySegment(S, c, cj, ORDER))
                                .intoMemorySegment(c, cj, ORDER);
                    }
                }
                for (; j < n; j++) {
                    c.setAtIndex(D, ci + j, Math.fma(aip, b.getAtIndex(D, bp + j * bCol), c.getAtIndex(D, ci + j)));
                }
            }
        }
    }
}
