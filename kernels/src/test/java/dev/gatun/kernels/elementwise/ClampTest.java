package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ClampTest {
    @Test
    void matchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 3, n, n, -2f, 2f);
                MemorySegment y = Floats.guards(arena, 5, n);
                MemorySegment yRef = Floats.guards(arena, 5, n);
                Clamp.forward(x, 3, y, 5, n, -0.75f, 1.25f);
                Clamp.forwardScalar(x, 3, yRef, 5, n, -0.75f, 1.25f);
                Floats.assertSameBits(yRef, y, "clamp n=" + n);
            }
        }
    }

    @Test
    void clampsInPlaceAndKeepsNaN() {
        float[] v = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 3f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            2f, -2f, 0.25f, -0.25f, 9f, -9f, 0.999f};
        float[] expected = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            expected[i] = Float.isNaN(v[i]) ? Float.NaN : Math.min(Math.max(v[i], -1f), 1f);
        }
        MemorySegment s = MemorySegment.ofArray(v);
        Clamp.forward(s, 0, s, 0, v.length, -1f, 1f);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(v[i]), "element " + i);
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[4]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Clamp.forward(s, 0, s, 0, 4, 1f, -1f));
        assertTrue(e.getMessage().contains("lo <= hi"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Clamp.forward(s, 2, s, 0, 4, -1f, 1f));
        assertThrows(IllegalArgumentException.class, () -> Clamp.forward(s, 0, s, 0, -1, -1f, 1f));
    }
}
