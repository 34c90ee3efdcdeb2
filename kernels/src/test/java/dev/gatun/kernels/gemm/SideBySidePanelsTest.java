package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One product with op(B) = [L | R | 1] from {@link SideBySidePanels} against the same B stored
 * whole: bit for bit against Sgemm (the same kernel and k blocks), and within rounding against
 * SgemmReference, on odd shapes, both layouts of A, and sizes that split over threads and panels.
 */
class SideBySidePanelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int W = BPanels.SLIVER;

    @Test
    void matchesTheStoredConcatenationBitForBit() {
        Random r = new Random(11);
        // {m, k, leftCols, rightCols}
        int[][] cases = {{1, 1, W, 1}, {9, 31, 0, 3}, {5, 17, 2 * W, 0}, {33, 257, W, W + 5}, {300, 40, 128, 28},
            {512, 1792, 128, 28}, {7, 20, Sgemm.NC, 40}, {64, 300, 3 * W, 2 * W - 1}};
        for (int[] s : cases) {
            for (boolean ones : new boolean[] {false, true}) {
                for (boolean transA : new boolean[] {false, true}) {
                    check(transA, s[0], s[1], s[2], s[3], ones, r);
                }
            }
        }
    }

    @Test
    void leftColumnsOffTheSliverAreRefused() {
        MemorySegment m = MemorySegment.ofArray(new float[4 * (W + 1)]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SideBySidePanels.of(4, m, 0, W + 1, m, 0, 1, false));
        assertTrue(e.getMessage().contains("not a multiple of the sliver width"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SideBySidePanels.of(5, m, 0, W, m, 0, 1, true));
        assertTrue(e.getMessage().contains("left matrix of " + 5 * W + " floats"), e.getMessage());
    }

    private static void check(boolean transA, int m, int k, int leftCols, int rightCols, boolean ones, Random r) {
        int n = leftCols + rightCols + (ones ? 1 : 0);
        float[] left = random(k * leftCols, r);
        float[] right = random(k * rightCols, r);
        float[] whole = new float[k * n];
        for (int p = 0; p < k; p++) {
            System.arraycopy(left, p * leftCols, whole, p * n, leftCols);
            System.arraycopy(right, p * rightCols, whole, p * n + leftCols, rightCols);
            if (ones) {
                whole[p * n + n - 1] = 1f;
            }
        }
        // L and R at offsets inside bigger segments, so the offsets are honoured.
        MemorySegment l = MemorySegment.ofArray(concat(random(3, r), left));
        MemorySegment rr = MemorySegment.ofArray(concat(random(5, r), right));
        SideBySidePanels panels = SideBySidePanels.of(k, l, 3, leftCols, rr, 5, rightCols, ones);
        assertEquals(n, panels.columns());
        int lda = transA ? m : k;
        MemorySegment a = MemorySegment.ofArray(random(m * k, r));
        MemorySegment c = MemorySegment.ofArray(new float[m * n]);
        MemorySegment stored = MemorySegment.ofArray(new float[m * n]);
        MemorySegment reference = MemorySegment.ofArray(new float[m * n]);
        Sgemm.sgemm(transA, m, n, k, 1f, a, 0, lda, panels, 0f, c, 0, n);
        Sgemm.sgemm(transA, false, m, n, k, 1f, a, 0, lda, MemorySegment.ofArray(whole), 0, n, 0f, stored, 0, n);
        SgemmReference.sgemm(transA, false, m, n, k, 1f, a, 0, lda, MemorySegment.ofArray(whole), 0, n, 0f,
                reference, 0, n);
        String what = "m=" + m + " k=" + k + " L " + leftCols + " R " + rightCols + (ones ? " +1" : "") + " transA="
                + transA;
        for (int i = 0; i < m * n; i++) {
            float got = c.getAtIndex(F, i);
            assertEquals(Float.floatToRawIntBits(stored.getAtIndex(F, i)), Float.floatToRawIntBits(got),
                    what + " at (" + i / n + ", " + i % n + ")");
            assertEquals(reference.getAtIndex(F, i), got, 2e-6f * k + 1e-5f, what + " against the reference");
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] random(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }
}
