package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.F;
import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ReluTest {
    @Test
    void forwardMatchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 3, n, n, -2f, 2f);
                MemorySegment y = Floats.guards(arena, 5, n);
                MemorySegment yRef = Floats.guards(arena, 5, n);
                Relu.forward(x, 3, y, 5, n);
                Relu.forwardScalar(x, 3, yRef, 5, n);
                Floats.assertSameBits(yRef, y, "relu forward n=" + n);
            }
        }
    }

    @Test
    void backwardMatchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 1, n, n, -2f, 2f);
                MemorySegment dy = Floats.random(arena, 2, n, n + 1, -2f, 2f);
                MemorySegment dx = Floats.guards(arena, 7, n);
                MemorySegment dxRef = Floats.guards(arena, 7, n);
                Relu.backward(x, 1, dy, 2, dx, 7, n);
                Relu.backwardScalar(x, 1, dy, 2, dxRef, 7, n);
                Floats.assertSameBits(dxRef, dx, "relu backward n=" + n);
            }
        }
    }

    @Test
    void specialValuesFollowMathMax() {
        float[] in = {Float.NaN, -0f, 0f, -1f, 1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 3e-45f,
            -3e-45f, 5f, -5f, 6f, -6f, 7f, -7f, 8f, -8f, Float.NaN};
        float[] out = new float[in.length];
        Relu.forward(MemorySegment.ofArray(in), 0, MemorySegment.ofArray(out), 0, in.length);
        for (int i = 0; i < in.length; i++) {
            assertEquals(Float.floatToIntBits(Math.max(in[i], 0f)), Float.floatToIntBits(out[i]), "element " + i);
        }
        float[] dy = new float[in.length];
        java.util.Arrays.fill(dy, Float.NaN);
        float[] dx = new float[in.length];
        Relu.backward(MemorySegment.ofArray(in), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(dx), 0,
                in.length);
        for (int i = 0; i < in.length; i++) {
            assertTrue(in[i] > 0 ? Float.isNaN(dx[i]) : dx[i] == 0f, "element " + i + ": " + dx[i]);
        }
    }

    @Test
    void worksInPlace() {
        try (Arena arena = Arena.ofShared()) {
            long n = 1000;
            MemorySegment x = Floats.random(arena, 4, n, 9, -1f, 1f);
            MemorySegment ref = Floats.guards(arena, 4, n);
            Relu.forwardScalar(x, 4, ref, 4, n);
            Relu.forward(x, 4, x, 4, n);
            for (long i = 4; i < 4 + n; i++) {
                assertEquals(ref.getAtIndex(F, i), x.getAtIndex(F, i));
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment small = MemorySegment.ofArray(new float[10]);
        MemorySegment big = MemorySegment.ofArray(new float[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Relu.forward(big, 0, small, 0, 11));
        assertTrue(e.getMessage().contains("y"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Relu.forward(big, 95, big, 0, 6));
        e = assertThrows(IllegalArgumentException.class, () -> Relu.forward(big, 0, big, 0, -1));
        assertTrue(e.getMessage().contains("n must be >= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Relu.forwardScalar(big, 0, big, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Relu.backward(big, 0, small, 0, big, 0, 20));
        assertThrows(IllegalArgumentException.class, () -> Relu.forward(big, -1, big, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Relu.forward(big, Long.MAX_VALUE, big, 0, 1));
    }
}
