package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The implicit GEMM (op(B) from a {@link BPanels}) against SgemmReference on the same B stored as
 * a matrix. The panels here are packed by a plain loop from the layout's definition, so a slip in
 * how Sgemm asks for panels (offsets, block sizes, the split over threads) shows up as a wrong C.
 */
class SgemmPanelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    /** op(B) stored row-major k×n, packed by definition. */
    private record Stored(float[] b, int k, int n) implements BPanels {
        @Override
        public void pack(int p0, int kc, int j0, int nc, float[] dst, int at) {
            assertTrue(p0 >= 0 && kc > 0 && p0 + kc <= k && j0 >= 0 && nc > 0 && j0 + nc <= n,
                    "panel [" + p0 + "+" + kc + ", " + j0 + "+" + nc + ") outside " + k + "×" + n);
            int slivers = Math.ceilDiv(nc, SLIVER);
            for (int s = 0; s < slivers; s++) {
                for (int p = 0; p < kc; p++) {
                    for (int c = 0; c < SLIVER; c++) {
                        int j = s * SLIVER + c;
                        dst[at + s * kc * SLIVER + p * SLIVER + c] = j < nc ? b[(p0 + p) * n + j0 + j] : 0f;
                    }
                }
            }
        }
    }

    @Test
    void matchesReferenceAcrossBlocksAndSplits() {
        Random r = new Random(7);
        int[][] mnk = {{1, 1, 1}, {5, 17, 3}, {64, 33, 31}, {9, 300, 257}, {64, 2548 / 4, 100}, {300, 40, 513},
            {7, Sgemm.NC + BPanels.SLIVER + 3, 20}};
        for (int[] s : mnk) {
            for (boolean transA : new boolean[] {false, true}) {
                check(transA, s[0], s[1], s[2], r.nextBoolean() ? 1f : -0.5f, r.nextBoolean() ? 0f : 1.5f, r);
            }
        }
    }

    @Test
    void referenceOfPanelsEqualsReferenceOfMatrix() {
        Random r = new Random(8);
        int m = 6;
        int n = 2 * BPanels.SLIVER + 3;
        int k = 11;
        float[] b = randomArray(k * n, r);
        MemorySegment a = MemorySegment.ofArray(randomArray(m * k, r));
        MemorySegment viaPanels = MemorySegment.ofArray(randomArray(m * n, r));
        MemorySegment viaMatrix = MemorySegment.ofArray(new float[m * n]).copyFrom(viaPanels);
        SgemmReference.sgemm(false, m, n, k, 2f, a, 0, k, new Stored(b, k, n), -1f, viaPanels, 0, n);
        SgemmReference.sgemm(false, false, m, n, k, 2f, a, 0, k, MemorySegment.ofArray(b), 0, n, -1f, viaMatrix, 0, n);
        for (int i = 0; i < m * n; i++) {
            assertEquals(viaMatrix.getAtIndex(F, i), viaPanels.getAtIndex(F, i), "at " + i);
        }
    }

    @Test
    void shortCIsRejectedBeforePacking() {
        BPanels never = (p0, kc, j0, nc, dst, at) -> {
            throw new AssertionError("packed before the checks");
        };
        MemorySegment a = MemorySegment.ofArray(new float[12]);
        MemorySegment c = MemorySegment.ofArray(new float[19]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, 4, 5, 3, 1f, a, 0, 3, never, 0f, c, 0, 5));
        assertTrue(e.getMessage().contains("C is 4×5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, 4, 5, 3, 1f, a, 0, 2, never, 0f, c, 0, 5));
        assertTrue(e.getMessage().contains("lda=2 < 3"), e.getMessage());
    }

    private static void check(boolean transA, int m, int n, int k, float alpha, float beta, Random r) {
        int lda = (transA ? m : k) + 1;
        int ldc = n + 2;
        float[] b = randomArray(k * n, r);
        MemorySegment a = MemorySegment.ofArray(randomArray((transA ? k : m) * lda, r));
        MemorySegment c = MemorySegment.ofArray(randomArray(m * ldc, r));
        MemorySegment expected = MemorySegment.ofArray(new float[m * ldc]).copyFrom(c);
        Sgemm.sgemm(transA, m, n, k, alpha, a, 0, lda, new Stored(b, k, n), beta, c, 0, ldc);
        SgemmReference.sgemm(transA, false, m, n, k, alpha, a, 0, lda, MemorySegment.ofArray(b), 0, n, beta, expected, 0, ldc);
        String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                float want = expected.getAtIndex(F, (long) i * ldc + j);
                float got = c.getAtIndex(F, (long) i * ldc + j);
                // Columns past n (the ldc padding) must be untouched, so exactly equal.
                assertEquals(want, got, j < n ? 2e-6f * k + 1e-5f : 0f, what + " at (" + i + ", " + j + ")");
            }
        }
    }

    private static float[] randomArray(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }
}
