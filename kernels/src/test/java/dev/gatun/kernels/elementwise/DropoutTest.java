package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.F;
import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class DropoutTest {
    @Test
    void maskAndOutputMatchTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 3, n, n, -2f, 2f);
                for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f, 1f}) {
                    for (long seed : new long[] {0L, 42L, -7L}) {
                        MemorySegment mask = Floats.guards(arena, 5, n);
                        MemorySegment y = Floats.guards(arena, 2, n);
                        MemorySegment maskRef = Floats.guards(arena, 5, n);
                        MemorySegment yRef = Floats.guards(arena, 2, n);
                        Dropout.forward(x, 3, mask, 5, y, 2, n, p, seed);
                        Dropout.forwardScalar(x, 3, maskRef, 5, yRef, 2, n, p, seed);
                        String what = "n=" + n + " p=" + p + " seed=" + seed;
                        Floats.assertSameBits(maskRef, mask, "mask " + what);
                        Floats.assertSameBits(yRef, y, "y " + what);
                    }
                }
            }
        }
    }

    @Test
    void dropsAboutPAndScalesTheRest() {
        try (Arena arena = Arena.ofShared()) {
            long n = 200_000;
            MemorySegment x = Floats.random(arena, 0, n, 1, 1f, 2f);
            MemorySegment mask = Floats.guards(arena, 0, n);
            MemorySegment y = Floats.guards(arena, 0, n);
            for (float p : new float[] {0.1f, 0.5f, 0.8f}) {
                Dropout.forward(x, 0, mask, 0, y, 0, n, p, 1234L);
                float keep = (float) (1.0 / (1.0 - p));
                long dropped = 0;
                for (long i = 0; i < n; i++) {
                    float m = mask.getAtIndex(F, i);
                    assertTrue(m == 0f || m == keep, "mask value " + m);
                    assertEquals(x.getAtIndex(F, i) * m, y.getAtIndex(F, i));
                    if (m == 0f) {
                        dropped++;
                    }
                }
                // Binomial standard deviation is at most ~224 here; allow 5 of them.
                assertEquals(p * n, dropped, 1200, "dropped count at p=" + p);
            }
        }
    }

    @Test
    void edgeProbabilities() {
        float[] x = new float[50];
        for (int i = 0; i < x.length; i++) {
            x[i] = i - 20.5f;
        }
        float[] mask = new float[50];
        float[] y = new float[50];
        Dropout.forward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(mask), 0, MemorySegment.ofArray(y), 0, 50,
                0f, 9L);
        for (int i = 0; i < 50; i++) {
            assertEquals(1f, mask[i]);
            assertEquals(x[i], y[i]);
        }
        Dropout.forward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(mask), 0, MemorySegment.ofArray(y), 0, 50,
                1f, 9L);
        for (int i = 0; i < 50; i++) {
            assertEquals(0f, mask[i]);
            assertEquals(0f, Math.abs(y[i]));
        }
    }

    @Test
    void seedDecidesTheMask() {
        int n = 1000;
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        float[] y = new float[n];
        MemorySegment xs = MemorySegment.ofArray(x);
        MemorySegment ys = MemorySegment.ofArray(y);
        Dropout.forward(xs, 0, MemorySegment.ofArray(a), 0, ys, 0, n, 0.5f, 1L);
        Dropout.forward(xs, 0, MemorySegment.ofArray(b), 0, ys, 0, n, 0.5f, 1L);
        Dropout.forward(xs, 0, MemorySegment.ofArray(c), 0, ys, 0, n, 0.5f, 2L);
        assertTrue(java.util.Arrays.equals(a, b));
        int same = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] == c[i]) {
                same++;
            }
        }
        // Independent masks agree on about half the elements.
        assertNotEquals(n, same);
        assertEquals(n / 2.0, same, 100);
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        for (float p : new float[] {-0.1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dropout.forward(s, 0, s, 0, s, 0, 5, p, 1L));
            assertTrue(e.getMessage().contains("p must be in [0, 1]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Dropout.forward(s, 0, s, 5, s, 0, 6, 0.5f, 1L));
        assertThrows(IllegalArgumentException.class, () -> Dropout.forwardScalar(s, 0, s, 0, s, 0, -3, 0.5f, 1L));
    }
}
