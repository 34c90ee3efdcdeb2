package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.F;
import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ScaleTest {
    @Test
    void axpbyMatchesTwinBitForBit() {
        float[][] coefficients = {{0.5f, 1f}, {-1.25f, 0.9f}, {2f, 0f}, {0f, 3f}};
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 3, n, n, -3f, 3f);
                for (float[] c : coefficients) {
                    MemorySegment y = Floats.random(arena, 8, n, n + 3, -3f, 3f);
                    MemorySegment ref = Floats.copy(arena, y);
                    Scale.axpby(c[0], x, 3, c[1], y, 8, n);
                    Scale.axpbyScalar(c[0], x, 3, c[1], ref, 8, n);
                    Floats.assertSameBits(ref, y, "axpby " + c[0] + "," + c[1] + " n=" + n);
                }
            }
        }
    }

    @Test
    void betaZeroOverwritesNaN() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 0, n, n, -3f, 3f);
                MemorySegment y = Floats.guards(arena, 0, n);
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(F, i, Float.NaN);
                }
                Scale.axpby(2f, x, 0, 0f, y, 0, n);
                for (long i = 0; i < n; i++) {
                    assertEquals(2f * x.getAtIndex(F, i), y.getAtIndex(F, i), "n=" + n + " i=" + i);
                }
                for (long i = 0; i < n; i++) {
                    y.setAtIndex(F, i, Float.POSITIVE_INFINITY);
                }
                Scale.axpbyScalar(2f, x, 0, 0f, y, 0, n);
                for (long i = 0; i < n; i++) {
                    assertEquals(2f * x.getAtIndex(F, i), y.getAtIndex(F, i), "scalar n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void axpbyInPlace() {
        float[] y = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f};
        MemorySegment s = MemorySegment.ofArray(y);
        Scale.axpby(2f, s, 0, 3f, s, 0, y.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(5f * (i + 1), y[i]);
        }
    }

    @Test
    void fillMatchesTwinAndStaysInRange() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment y = Floats.guards(arena, 5, n);
                MemorySegment ref = Floats.guards(arena, 5, n);
                Scale.fill(y, 5, n, -0f);
                Scale.fillScalar(ref, 5, n, -0f);
                Floats.assertSameBits(ref, y, "fill n=" + n);
                for (long i = 5; i < 5 + n; i++) {
                    assertEquals(-0f, y.getAtIndex(F, i));
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        assertThrows(IllegalArgumentException.class, () -> Scale.axpby(1f, s, 0, 1f, s, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> Scale.axpby(1f, s, 0, 1f, s, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Scale.fill(s, 0, 11, 1f));
        assertThrows(IllegalArgumentException.class, () -> Scale.fillScalar(s, -1, 1, 1f));
    }
}
