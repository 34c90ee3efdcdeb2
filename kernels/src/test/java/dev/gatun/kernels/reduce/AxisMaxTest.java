package dev.gatun.kernels.reduce;

import static dev.gatun.kernels.reduce.Data.F;
import static dev.gatun.kernels.reduce.Data.I;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AxisMaxTest {
    @Test
    void matchesTwinBitForBitWithAndWithoutArg() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : AxisSumTest.SHAPES) {
                if (s[1] == 0 && (long) s[0] * s[2] > 0) {
                    continue;
                }
                long n = (long) s[0] * s[1] * s[2];
                long m = (long) s[0] * s[2];
                for (int variant = 0; variant < 3; variant++) {
                    MemorySegment x = switch (variant) {
                        case 0 -> Data.random(arena, 3, n, n, -5f, 5f);
                        case 1 -> Data.ties(arena, 3, n, n, 3);
                        default -> withSpecials(Data.ties(arena, 3, n, n + 1, 2), 3, n, n);
                    };
                    MemorySegment y = Data.guards(arena, 2, m);
                    MemorySegment arg = Data.intGuards(arena, 4, m);
                    MemorySegment yRef = Data.guards(arena, 2, m);
                    MemorySegment argRef = Data.intGuards(arena, 4, m);
                    AxisMax.run(x, 3, s[0], s[1], s[2], y, 2, arg, 4);
                    AxisMax.runScalar(x, 3, s[0], s[1], s[2], yRef, 2, argRef, 4);
                    String what = Arrays.toString(s) + " variant " + variant;
                    Data.assertSameBits(yRef, y, "max " + what);
                    Data.assertSameInts(argRef, arg, "arg " + what);
                    MemorySegment y2 = Data.guards(arena, 2, m);
                    AxisMax.run(x, 3, s[0], s[1], s[2], y2, 2, null, 0);
                    Data.assertSameBits(yRef, y2, "max without arg " + what);
                    checkAgainstDefinition(x, 3, s[0], s[1], s[2], yRef, 2, argRef, 4, what);
                }
            }
        }
    }

    /** Sprinkles NaN, -0 and +0 over a tie-heavy input. */
    static MemorySegment withSpecials(MemorySegment x, long off, long n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = off; i < off + n; i++) {
            int k = rnd.nextInt(40);
            if (k == 0) {
                x.setAtIndex(F, i, Float.NaN);
            } else if (k < 8) {
                x.setAtIndex(F, i, -0f);
            } else if (k < 12) {
                x.setAtIndex(F, i, 0f);
            } else if (k < 14) {
                x.setAtIndex(F, i, Float.NEGATIVE_INFINITY);
            }
        }
        return x;
    }

    /** arg is the first l that no element beats (NaN beats all numbers), and y is that element. */
    private static void checkAgainstDefinition(MemorySegment x, long xOff, int outer, int len, int inner,
                                               MemorySegment y, long yOff, MemorySegment arg, long argOff,
                                               String what) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int want = -1;
                boolean nan = false;
                for (int l = 0; l < len && !nan; l++) {
                    float v = x.getAtIndex(F, xOff + ((long) o * len + l) * inner + i);
                    if (Float.isNaN(v)) {
                        want = l;
                        nan = true;
                    } else if (want < 0 || v > x.getAtIndex(F, xOff + ((long) o * len + want) * inner + i)) {
                        want = l;
                    }
                }
                long at = (long) o * inner + i;
                assertEquals(want, arg.getAtIndex(I, argOff + at), what + " arg at " + o + "," + i);
                float v = x.getAtIndex(F, xOff + ((long) o * len + want) * inner + i);
                assertEquals(Float.floatToIntBits(v), Float.floatToIntBits(y.getAtIndex(F, yOff + at)),
                        what + " y at " + o + "," + i);
            }
        }
    }

    @Test
    void smallCaseByHand() {
        // x[1, 3, 4]: column 1 ties (first wins), column 2 has a NaN, column 3 has -0 then +0.
        float[] x = {1, 5, 2, -0f, 3, 5, Float.NaN, 0f, 2, 4, 9, 0f};
        float[] y = new float[4];
        int[] arg = new int[4];
        AxisMax.run(MemorySegment.ofArray(x), 0, 1, 3, 4, MemorySegment.ofArray(y), 0, MemorySegment.ofArray(arg), 0);
        assertEquals(3f, y[0]);
        assertEquals(1, arg[0]);
        assertEquals(5f, y[1]);
        assertEquals(0, arg[1]);
        assertTrue(Float.isNaN(y[2]));
        assertEquals(1, arg[2]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(y[3]));
        assertEquals(0, arg[3]);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[12]);
        MemorySegment a = MemorySegment.ofArray(new int[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AxisMax.run(s, 0, 1, 4, 3, s, 0, a, 0));
        assertTrue(e.getMessage().startsWith("arg "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AxisMax.run(s, 0, 2, 0, 3, s, 0, null, 0));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AxisMax.runScalar(s, 0, 1, 13, 1, s, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> AxisMax.run(s, 0, 1, 2, -3, s, 0, null, 0));
    }
}
