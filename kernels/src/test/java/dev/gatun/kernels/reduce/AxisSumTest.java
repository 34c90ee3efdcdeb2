package dev.gatun.kernels.reduce;

import static dev.gatun.kernels.reduce.Data.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class AxisSumTest {
    /** {outer, len, inner}: empty, inner == 1 rows, inner > 1 with vector tails, and threaded shapes. */
    static final int[][] SHAPES = {{0, 5, 3}, {3, 0, 4}, {1, 1, 1}, {1, 7, 1}, {1, 17, 1}, {3, 33, 1}, {5, 1023, 1},
        {1, 70_001, 1}, {129, 784, 1}, {2, 33, 10}, {4, 5, 33}, {7, 3, 100}, {3, 17, 16}, {2, 9, 17}, {5, 2, 3},
        {1, 100, 1000}, {2, 300, 300}, {3, 5, 4099}, {70_001, 1, 1}};

    @Test
    void innerAxisMatchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : SHAPES) {
                if (s[2] == 1) {
                    continue;
                }
                long n = (long) s[0] * s[1] * s[2];
                MemorySegment x = Data.random(arena, 3, n, n, -1f, 1f);
                MemorySegment y = Data.guards(arena, 5, (long) s[0] * s[2]);
                MemorySegment ref = Data.guards(arena, 5, (long) s[0] * s[2]);
                AxisSum.run(x, 3, s[0], s[1], s[2], y, 5);
                AxisSum.runScalar(x, 3, s[0], s[1], s[2], ref, 5);
                Data.assertSameBits(ref, y, "sum " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void rowSumsAreWithinRoundingOfExactSums() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : SHAPES) {
                if (s[2] != 1) {
                    continue;
                }
                int outer = s[0];
                int len = s[1];
                MemorySegment x = Data.random(arena, 2, (long) outer * len, len, -1f, 3f);
                MemorySegment y = Data.guards(arena, 1, outer);
                MemorySegment ref = Data.guards(arena, 1, outer);
                AxisSum.run(x, 2, outer, len, 1, y, 1);
                AxisSum.runScalar(x, 2, outer, len, 1, ref, 1);
                for (int o = 0; o < outer; o++) {
                    double exact = 0;
                    double abs = 0;
                    for (int l = 0; l < len; l++) {
                        float v = x.getAtIndex(F, 2 + (long) o * len + l);
                        exact += v;
                        abs += Math.abs(v);
                    }
                    // Float summation of len terms errs by at most (len - 1) * 2^-24 * sum|x|.
                    double bound = len * 0x1p-24 * abs + 1e-30;
                    String what = java.util.Arrays.toString(s) + " row " + o;
                    assertEquals(exact, y.getAtIndex(F, 1 + o), bound, "vector " + what);
                    assertEquals(exact, ref.getAtIndex(F, 1 + o), bound, "scalar " + what);
                }
                Data.assertClose(ref, y, (i, e) -> Double.MAX_VALUE, "guards " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void smallCaseByHand() {
        // x[2, 3, 2]
        float[] x = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
        float[] y = new float[4];
        AxisSum.run(MemorySegment.ofArray(x), 0, 2, 3, 2, MemorySegment.ofArray(y), 0);
        assertEquals(9f, y[0]);
        assertEquals(12f, y[1]);
        assertEquals(90f, y[2]);
        assertEquals(120f, y[3]);
        float[] r = new float[1];
        AxisSum.run(MemorySegment.ofArray(x), 1, 1, 11, 1, MemorySegment.ofArray(r), 0);
        assertEquals(230f, r[0]);
        float[] z = {7f, 7f};
        AxisSum.run(MemorySegment.ofArray(x), 0, 2, 0, 1, MemorySegment.ofArray(z), 0);
        assertEquals(0f, z[0]);
        assertEquals(0f, z[1]);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[12]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AxisSum.run(s, 0, 2, 3, 3, s, 0));
        assertTrue(e.getMessage().startsWith("x "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AxisSum.run(s, 0, -1, 3, 3, s, 0));
        assertThrows(IllegalArgumentException.class, () -> AxisSum.runScalar(s, 0, 1, 3, 3, s, 10));
        assertThrows(IllegalArgumentException.class,
                () -> AxisSum.run(s, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, s, 0));
    }
}
