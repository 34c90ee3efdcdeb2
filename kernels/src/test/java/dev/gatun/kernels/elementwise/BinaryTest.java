package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.elementwise.Binary.Op;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class BinaryTest {
    private static final int[][] STEPS = {{1, 1}, {1, 0}, {0, 1}, {0, 0}};

    @Test
    void matchesTwinBitForBitForEveryOpAndStep() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment a = Floats.random(arena, 3, n, n, -3f, 3f);
                MemorySegment b = Floats.random(arena, 6, n, n + 7, -3f, 3f);
                for (Op op : Op.values()) {
                    for (int[] s : STEPS) {
                        MemorySegment out = Floats.guards(arena, 2, n);
                        MemorySegment ref = Floats.guards(arena, 2, n);
                        Binary.apply(op, a, 3, s[0], b, 6, s[1], out, 2, n);
                        Binary.applyScalar(op, a, 3, s[0], b, 6, s[1], ref, 2, n);
                        Floats.assertSameBits(ref, out, op + " steps " + s[0] + "," + s[1] + " n=" + n);
                    }
                }
            }
        }
    }

    @Test
    void twinMatchesPlainJava() {
        float[] a = {1.5f, -2f, 0f, Float.NaN, 7f};
        float[] b = {0.25f, 0f, -0f, 1f, 3f};
        float[] out = new float[5];
        Binary.applyScalar(Op.DIV, MemorySegment.ofArray(a), 0, 1, MemorySegment.ofArray(b), 0, 1,
                MemorySegment.ofArray(out), 0, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(a[i] / b[i], out[i]);
        }
        Binary.applyScalar(Op.SUB, MemorySegment.ofArray(a), 4, 0, MemorySegment.ofArray(b), 0, 1,
                MemorySegment.ofArray(out), 0, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(7f - b[i], out[i]);
        }
    }

    @Test
    void worksInPlaceOnEitherOperand() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : new long[] {33, 70_001}) {
                for (Op op : Op.values()) {
                    for (int[] s : STEPS) {
                        MemorySegment a = Floats.random(arena, 3, n, n, 1f, 3f);
                        MemorySegment b = Floats.random(arena, 3, n, n + 1, 1f, 3f);
                        MemorySegment ref = Floats.guards(arena, 3, n);
                        Binary.applyScalar(op, a, 3, s[0], b, 3, s[1], ref, 3, n);
                        // out == a exactly, even when a is the broadcast element (out[0] is a[aOff]).
                        MemorySegment a2 = Floats.copy(arena, a);
                        Binary.apply(op, a2, 3, s[0], b, 3, s[1], a2, 3, n);
                        Floats.assertSameBits(ref, a2, op + " into a, steps " + s[0] + "," + s[1] + " n=" + n);
                        MemorySegment b2 = Floats.copy(arena, b);
                        Binary.apply(op, a, 3, s[0], b2, 3, s[1], b2, 3, n);
                        Floats.assertSameBits(ref, b2, op + " into b, steps " + s[0] + "," + s[1] + " n=" + n);
                    }
                }
            }
        }
    }

    @Test
    void worksOnHeapSegments() {
        float[] a = new float[37];
        float[] b = new float[37];
        for (int i = 0; i < 37; i++) {
            a[i] = i * 0.5f;
            b[i] = 1f + i;
        }
        float[] out = new float[40];
        Binary.apply(Op.MUL, MemorySegment.ofArray(a), 1, 1, MemorySegment.ofArray(b), 0, 1, MemorySegment.ofArray(out),
                2, 36);
        for (int i = 0; i < 36; i++) {
            assertEquals(a[i + 1] * b[i], out[i + 2]);
        }
        assertEquals(0f, out[0]);
        assertEquals(0f, out[38]);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Binary.apply(Op.ADD, s, 0, 2, s, 0, 1, s, 0, 3));
        assertTrue(e.getMessage().contains("aStep"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Binary.apply(Op.ADD, s, 0, 1, s, 0, -1, s, 0, 3));
        assertTrue(e.getMessage().contains("bStep"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Binary.apply(Op.ADD, s, 5, 1, s, 0, 1, s, 0, 6));
        assertTrue(e.getMessage().startsWith("a "), e.getMessage());
        // A broadcast operand needs one element only.
        Binary.apply(Op.ADD, s, 9, 0, s, 0, 1, s, 0, 10);
        assertThrows(IllegalArgumentException.class, () -> Binary.apply(Op.ADD, s, 10, 0, s, 0, 1, s, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Binary.apply(Op.ADD, s, 0, 1, s, 0, 1, s, 0, -2));
        assertThrows(IllegalArgumentException.class, () -> Binary.applyScalar(Op.ADD, s, 0, 1, s, 0, 1, s, 5, 6));
        assertThrows(IllegalArgumentException.class, () -> Binary.apply(null, s, 0, 1, s, 0, 1, s, 0, 1));
        // n == 0 touches nothing, even with a broadcast operand at the very end.
        Binary.apply(Op.ADD, s, 10, 0, s, 10, 0, s, 10, 0);
    }
}
