package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.F;
import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Exp, Log, Tanh and Sigmoid forward against their scalar twins: both are VectorMath's functions
 * (vector and scalar), so they agree bit for bit, in the vector body, the tail and on special
 * values. VectorMathTest holds the functions to Math's values.
 */
class UnaryMathTest {
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
        88.72f, 88.73f, -87.33f, -103.9f, -104f, -110f, 1e-20f, -1e-20f, 20f, -20f, 9.5f, -9.5f, 0.5f, 1e30f};

    interface Kernel {
        void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long n);
    }

    private static void compare(String name, Kernel fast, Kernel twin, float lo, float hi) {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 3, n, n * 31 + 1, lo, hi);
                MemorySegment y = Floats.guards(arena, 1, n);
                MemorySegment ref = Floats.guards(arena, 1, n);
                fast.run(x, 3, y, 1, n);
                twin.run(x, 3, ref, 1, n);
                Floats.assertSameBits(ref, y, name + " n=" + n);
            }
            // Special values, placed so some land in the vector body and some in the tail.
            int n = SPECIAL.length * 3 + 5;
            MemorySegment x = Floats.guards(arena, 0, n);
            for (int i = 0; i < n; i++) {
                x.setAtIndex(F, i, SPECIAL[i % SPECIAL.length]);
            }
            MemorySegment y = Floats.guards(arena, 0, n);
            MemorySegment ref = Floats.guards(arena, 0, n);
            fast.run(x, 0, y, 0, n);
            twin.run(x, 0, ref, 0, n);
            Floats.assertSameBits(ref, y, name + " special values");
        }
    }

    @Test
    void expMatchesTwin() {
        compare("exp", Exp::forward, Exp::forwardScalar, -110f, 95f);
        compare("exp near 0", Exp::forward, Exp::forwardScalar, -1e-3f, 1e-3f);
    }

    @Test
    void logMatchesTwin() {
        compare("log", Log::forward, Log::forwardScalar, 1e-6f, 1e6f);
        compare("log near 1", Log::forward, Log::forwardScalar, 0.999f, 1.001f);
        compare("log of negatives", Log::forward, Log::forwardScalar, -5f, 0f);
    }

    @Test
    void tanhMatchesTwin() {
        compare("tanh", Tanh::forward, Tanh::forwardScalar, -12f, 12f);
        compare("tanh near 0", Tanh::forward, Tanh::forwardScalar, -1e-3f, 1e-3f);
    }

    @Test
    void sigmoidMatchesTwin() {
        compare("sigmoid", Sigmoid::forward, Sigmoid::forwardScalar, -120f, 120f);
        compare("sigmoid near 0", Sigmoid::forward, Sigmoid::forwardScalar, -6f, 6f);
    }

    @Test
    void twinsMatchIndependentValues() {
        float[] x = {0f, 1f, -1f, 2.5f, -100f, 100f, 1000f, -1000f};
        float[] y = new float[x.length];
        MemorySegment xs = MemorySegment.ofArray(x);
        MemorySegment ys = MemorySegment.ofArray(y);
        Sigmoid.forward(xs, 0, ys, 0, x.length);
        assertEquals(0.5f, y[0]);
        assertEquals(0.7310586f, y[1], 1e-7f);
        assertEquals(0.26894143f, y[2], 1e-7f);
        assertEquals(3.7200760e-44f, y[4], 1e-45f); // tiny but not flushed: e^-|x| form
        assertEquals(1f, y[5]);
        assertEquals(1f, y[6]);
        assertEquals(0f, y[7]);
        for (float v : y) {
            assertTrue(!Float.isNaN(v));
        }
        Tanh.forward(xs, 0, ys, 0, x.length);
        assertEquals(0f, y[0]);
        assertEquals(0.7615942f, y[1], 1e-7f);
        assertEquals(-1f, y[7]);
        Exp.forward(xs, 0, ys, 0, x.length);
        assertEquals(1f, y[0]);
        assertEquals((float) Math.E, y[1], 1e-6f);
        assertEquals(Float.POSITIVE_INFINITY, y[6]);
        assertEquals(0f, y[7]);
        float[] l = {1f, (float) Math.E, 0f, -1f};
        float[] ly = new float[4];
        Log.forward(MemorySegment.ofArray(l), 0, MemorySegment.ofArray(ly), 0, 4);
        assertEquals(0f, ly[0]);
        assertEquals(1f, ly[1], 1e-7f);
        assertEquals(Float.NEGATIVE_INFINITY, ly[2]);
        assertTrue(Float.isNaN(ly[3]));
    }

    @Test
    void backwardsMatchTwinsBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment y = Floats.random(arena, 2, n, n, -1f, 1f);
                MemorySegment dy = Floats.random(arena, 4, n, n + 5, -3f, 3f);
                MemorySegment dx = Floats.guards(arena, 6, n);
                MemorySegment ref = Floats.guards(arena, 6, n);
                Tanh.backward(y, 2, dy, 4, dx, 6, n);
                Tanh.backwardScalar(y, 2, dy, 4, ref, 6, n);
                Floats.assertSameBits(ref, dx, "tanh backward n=" + n);
                Sigmoid.backward(y, 2, dy, 4, dx, 6, n);
                Sigmoid.backwardScalar(y, 2, dy, 4, ref, 6, n);
                Floats.assertSameBits(ref, dx, "sigmoid backward n=" + n);
            }
        }
        float[] y = {0.25f};
        float[] dy = {2f};
        float[] dx = new float[1];
        Sigmoid.backward(MemorySegment.ofArray(y), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(dx), 0, 1);
        assertEquals(2f * 0.25f * 0.75f, dx[0]);
        Tanh.backward(MemorySegment.ofArray(y), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(dx), 0, 1);
        assertEquals(2f * (1f - 0.0625f), dx[0]);
    }

    @Test
    void worksInPlace() {
        try (Arena arena = Arena.ofShared()) {
            long n = 4099;
            MemorySegment x = Floats.random(arena, 2, n, 77, -5f, 5f);
            MemorySegment ref = Floats.guards(arena, 2, n);
            Exp.forward(x, 2, ref, 2, n);
            Exp.forward(x, 2, x, 2, n);
            Floats.assertSameBits(ref, x, "exp in place");
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[8]);
        assertThrows(IllegalArgumentException.class, () -> Exp.forward(s, 0, s, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Log.forward(s, 0, s, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> Tanh.forward(s, 9, s, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Sigmoid.forwardScalar(s, 0, s, 0, 9));
        assertThrows(IllegalArgumentException.class, () -> Tanh.backward(s, 0, s, 0, s, 4, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sigmoid.backward(s, 0, s, 1, s, 0, 8));
        assertTrue(e.getMessage().startsWith("dy "), e.getMessage());
    }
}
