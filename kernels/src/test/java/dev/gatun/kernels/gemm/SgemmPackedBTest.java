package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SgemmPackedB against SgemmReference: every transpose pair, tails on every side, k and n across
 * the KC and NC blocks, offsets and padded leading dimensions, one packing reused for several A.
 */
class SgemmPackedBTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    private static MemorySegment random(long n, Random r) {
        MemorySegment s = ARENA.allocate(Math.max(n, 1) * Float.BYTES);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(F, i, r.nextFloat() * 2 - 1);
        }
        return s;
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, Random r) {
        int pad = r.nextInt(3);
        int off = r.nextInt(4);
        int lda = (transA ? m : k) + pad;
        int ldb = (transB ? k : n) + pad;
        int ldc = n + pad;
        MemorySegment a = random(off + (long) (transA ? k : m) * lda, r);
        MemorySegment b = random(off + (long) (transB ? n : k) * ldb, r);
        SgemmPackedB packed = SgemmPackedB.pack(transB, k, n, b, off, ldb);
        assertEquals(k, packed.k());
        assertEquals(n, packed.n());
        for (int rep = 0; rep < 2; rep++) {
            MemorySegment c = random(off + (long) m * ldc, r);
            MemorySegment expected = ARENA.allocate(c.byteSize()).copyFrom(c);
            packed.multiply(transA, m, alpha, a, off, lda, beta, c, off, ldc);
            SgemmReference.sgemm(transA, transB, m, n, k, alpha, a, off, lda, b, off, ldb, beta, expected, off, ldc);
            String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB;
            for (long i = 0; i < c.byteSize() / Float.BYTES; i++) {
                float e = expected.getAtIndex(F, i);
                assertEquals(e, c.getAtIndex(F, i), 1e-5f * (k + 1) + 1e-5f * Math.abs(e), what + " at " + i);
            }
            // The next product reuses the packing with another A.
            a = random(a.byteSize() / Float.BYTES, r);
        }
    }

    @Test
    void matchesReference() {
        int[][] mnk = {{1, 1, 1}, {3, 17, 5}, {17, 3, 31}, {32, 512, 128}, {32, 128, 512}, {5, 33, 257},
                       {64, 129, 300}, {2, Sgemm.NC + 3 * SgemmMicroKernel.NR + 5, 40}, {7, 2, 600}};
        Random r = new Random(7);
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                float alpha = new float[] {1f, -0.5f, 2f}[r.nextInt(3)];
                float beta = new float[] {0f, 1f, -0.5f}[r.nextInt(3)];
                check((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], alpha, beta, r);
            }
        }
    }

    @Test
    void zeroSizesAndAlpha() {
        Random r = new Random(8);
        check(false, false, 0, 5, 3, 1f, 0f, r);
        check(false, true, 4, 5, 0, 1f, -0.5f, r);
        check(true, false, 4, 5, 3, 0f, 2f, r);
    }

    @Test
    void betaZeroOverwritesNaN() {
        Random r = new Random(9);
        MemorySegment a = random(6 * 7, r);
        MemorySegment b = random(7 * 9, r);
        MemorySegment c = ARENA.allocate(6 * 9 * Float.BYTES);
        for (int i = 0; i < 54; i++) {
            c.setAtIndex(F, i, Float.NaN);
        }
        SgemmPackedB.pack(false, 7, 9, b, 0, 9).multiply(false, 6, 1f, a, 0, 7, 0f, c, 0, 9);
        for (int i = 0; i < 54; i++) {
            assertTrue(Float.isFinite(c.getAtIndex(F, i)), "NaN leaked at " + i);
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        MemorySegment small = MemorySegment.ofArray(new float[10]);
        MemorySegment big = MemorySegment.ofArray(new float[100]);
        var e = assertThrows(IllegalArgumentException.class, () -> SgemmPackedB.pack(false, 4, 5, small, 0, 5));
        assertTrue(e.getMessage().contains("B"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SgemmPackedB.pack(false, 4, 5, big, 0, 3));
        assertTrue(e.getMessage().contains("ldb"), e.getMessage());
        SgemmPackedB p = SgemmPackedB.pack(false, 4, 5, big, 0, 5);
        e = assertThrows(IllegalArgumentException.class, () -> p.multiply(false, 3, 1f, big, 0, 4, 0f, small, 0, 5));
        assertTrue(e.getMessage().contains("C"), e.getMessage());
    }
}
