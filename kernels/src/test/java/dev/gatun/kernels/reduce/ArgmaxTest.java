package dev.gatun.kernels.reduce;

import static dev.gatun.kernels.reduce.Data.F;
import static dev.gatun.kernels.reduce.Data.I;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArgmaxTest {
    @Test
    void matchesTwinAndAxisMax() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : Data.ROWS_COLS) {
                int rows = s[0];
                int cols = s[1];
                if (cols == 0 && rows > 0) {
                    continue;
                }
                long n = (long) rows * cols;
                for (int variant = 0; variant < 3; variant++) {
                    MemorySegment x = switch (variant) {
                        case 0 -> Data.random(arena, 1, n, n, -5f, 5f);
                        case 1 -> Data.ties(arena, 1, n, n, 4);
                        default -> AxisMaxTest.withSpecials(Data.ties(arena, 1, n, n, 2), 1, n, n + 3);
                    };
                    MemorySegment out = Data.intGuards(arena, 6, rows);
                    MemorySegment ref = Data.intGuards(arena, 6, rows);
                    Argmax.run(x, 1, rows, cols, out, 6);
                    Argmax.runScalar(x, 1, rows, cols, ref, 6);
                    String what = Arrays.toString(s) + " variant " + variant;
                    Data.assertSameInts(ref, out, what);
                    // The same reduction through AxisMax (outer = rows, inner = 1) must agree.
                    MemorySegment y = Data.guards(arena, 0, rows);
                    MemorySegment arg = Data.intGuards(arena, 6, rows);
                    AxisMax.runScalar(x, 1, rows, cols, 1, y, 0, arg, 6);
                    Data.assertSameInts(ref, arg, "axis max " + what);
                }
            }
        }
    }

    @Test
    void firstMaximumAndNaN() {
        float[] x = {1, 3, 3, 2, /* */ Float.NaN, 7, Float.NaN, 1, /* */ -0f, 0f, -1, -2, /* */ -1, -1, -1, -1};
        int[] out = new int[4];
        Argmax.run(MemorySegment.ofArray(x), 0, 4, 4, MemorySegment.ofArray(out), 0);
        assertEquals(1, out[0]);
        assertEquals(0, out[1]);
        assertEquals(0, out[2]);
        assertEquals(0, out[3]);
        // A long row whose maximum sits in the scalar tail, and one with a late NaN.
        float[] row = new float[1001];
        Arrays.fill(row, -3f);
        row[1000] = 2f;
        int[] one = new int[1];
        Argmax.run(MemorySegment.ofArray(row), 0, 1, 1001, MemorySegment.ofArray(one), 0);
        assertEquals(1000, one[0]);
        row[517] = Float.NaN;
        Argmax.run(MemorySegment.ofArray(row), 0, 1, 1001, MemorySegment.ofArray(one), 0);
        assertEquals(517, one[0]);
        row[517] = 2f;
        Argmax.run(MemorySegment.ofArray(row), 0, 1, 1001, MemorySegment.ofArray(one), 0);
        assertEquals(517, one[0]);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[12]);
        MemorySegment out = MemorySegment.ofArray(new int[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Argmax.run(s, 0, 4, 3, out, 0));
        assertTrue(e.getMessage().startsWith("out "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Argmax.run(s, 1, 3, 4, out, 0));
        assertThrows(IllegalArgumentException.class, () -> Argmax.run(s, 0, 3, 0, out, 0));
        assertThrows(IllegalArgumentException.class, () -> Argmax.runScalar(s, 0, -1, 4, out, 0));
        assertEquals(0f, s.getAtIndex(F, 0));
        assertEquals(0, out.getAtIndex(I, 0));
    }
}
