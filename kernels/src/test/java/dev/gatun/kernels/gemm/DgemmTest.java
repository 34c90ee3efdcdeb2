package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Dgemm against the definition, a plain double triple loop, with transposes, padding and offsets. */
class DgemmTest {
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    @Test
    void matchesTripleLoop() {
        int[][] shapes = {{1, 1, 1}, {3, 17, 5}, {17, 3, 33}, {31, 65, 7}, {64, 9, 128}, {5, 130, 2}};
        double[] alphas = {1, -0.5, 2, 0};
        double[] betas = {0, 1, -0.5, 2};
        Random r = new Random(7);
        int count = 0;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], alphas[count % 4], betas[(count / 4 + t) % 4],
                        count % 3, count % 5, r);
                count++;
            }
        }
    }

    @Test
    void betaZeroOverwritesNaN() {
        MemorySegment a = random(6, new Random(8));
        MemorySegment b = random(6, new Random(9));
        MemorySegment c = ARENA.allocate(4 * Double.BYTES);
        for (int i = 0; i < 4; i++) {
            c.setAtIndex(D, i, Double.NaN);
        }
        Dgemm.dgemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2);
        for (int i = 0; i < 4; i++) {
            assertTrue(Double.isFinite(c.getAtIndex(D, i)));
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k, double alpha, double beta,
                              int pad, int offset, Random r) {
        int lda = (transA ? m : k) + pad;
        int ldb = (transB ? k : n) + pad;
        int ldc = n + pad;
        MemorySegment a = random(offset + (transA ? k : m) * lda, r);
        MemorySegment b = random(offset + (transB ? n : k) * ldb, r);
        MemorySegment c = random(offset + m * ldc, r);
        MemorySegment old = ARENA.allocate(c.byteSize()).copyFrom(c);
        Dgemm.dgemm(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, c, offset, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = a.getAtIndex(D, offset + (transA ? (long) p * lda + i : (long) i * lda + p));
                    double bv = b.getAtIndex(D, offset + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                    s += av * bv;
                }
                long at = offset + (long) i * ldc + j;
                double want = alpha * s + beta * old.getAtIndex(D, at);
                assertEquals(want, c.getAtIndex(D, at), 1e-12 * (1 + k), "m=" + m + " n=" + n + " k=" + k
                        + " transA=" + transA + " transB=" + transB + " at (" + i + "," + j + ")");
            }
        }
        // Padding between rows and before the offset is left alone.
        for (long e = 0; e < c.byteSize() / Double.BYTES; e++) {
            long rel = e - offset;
            if (rel < 0 || rel / ldc >= m || rel % ldc >= n) {
                assertEquals(old.getAtIndex(D, e), c.getAtIndex(D, e), 0.0, "wrote outside C at " + e);
            }
        }
    }

    private static MemorySegment random(int doubles, Random r) {
        MemorySegment s = ARENA.allocate(Math.max(1, (long) doubles) * Double.BYTES);
        for (long i = 0; i < doubles; i++) {
            s.setAtIndex(D, i, r.nextDouble() * 2 - 1);
        }
        return s;
    }
}
