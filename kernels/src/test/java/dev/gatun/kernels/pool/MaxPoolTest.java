package dev.gatun.kernels.pool;

import static dev.gatun.kernels.pool.Planes.F;
import static dev.gatun.kernels.pool.Planes.I;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MaxPool against its twin (bit for bit: max is exact and the backward adds run in the same order). */
class MaxPoolTest {
    private static MemorySegment ints(Arena arena, long n) {
        MemorySegment s = arena.allocate(n * Integer.BYTES, 64);
        s.fill((byte) 0x7f);
        return s;
    }

    @Test
    void forwardAndBackwardMatchTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] sz : Planes.SHAPES) {
                PoolShape s = Planes.shape(sz);
                long in = s.planes() * s.inPlane();
                long out = s.planes() * s.outPlane();
                for (int kind = 0; kind < 3; kind++) {
                    MemorySegment x = kind == 1 ? Planes.ties(arena, 3, in, in, 3)
                            : Planes.random(arena, 3, in, in + kind, -5f, 5f);
                    if (kind == 2) {
                        SplittableRandom rnd = new SplittableRandom(5);
                        for (int k = 0; k < Math.max(1, in / 17); k++) {
                            x.setAtIndex(F, 3 + rnd.nextLong(in), Float.NaN);
                        }
                    }
                    String what = Arrays.toString(sz) + " kind " + kind;
                    MemorySegment y = Planes.guards(arena, 2, out);
                    MemorySegment yRef = Planes.guards(arena, 2, out);
                    MemorySegment arg = ints(arena, out + 5);
                    MemorySegment argRef = ints(arena, out + 5);
                    MaxPool.forward(s, x, 3, y, 2, arg, 1);
                    MaxPool.forwardScalar(s, x, 3, yRef, 2, argRef, 1);
                    Planes.assertSameBits(yRef, y, "forward " + what);
                    Planes.assertSameBits(argRef, arg, "argmax " + what);

                    MemorySegment dy = Planes.random(arena, 4, out, out + 7, -1f, 1f);
                    MemorySegment dx = Planes.random(arena, 1, in, 9, -3f, 3f); // stale values must be overwritten
                    MemorySegment dxRef = Planes.guards(arena, 1, in);
                    MaxPool.backward(s, dy, 4, argRef, 1, dx, 1);
                    MaxPool.backwardScalar(s, dy, 4, argRef, 1, dxRef, 1);
                    Planes.assertSameBits(dxRef, dx, "backward " + what);
                }
            }
        }
    }

    @Test
    void firstMaximumWinsPaddingNeverWinsNanPropagates() {
        // One 3x3 plane, 3x3 window, pad 1, stride 2: windows are clipped corners.
        PoolShape s = new PoolShape(1, 3, 3, 3, 3, 2, 2, 1, 1);
        float[] negative = {-5, -4, -3, -2, -6, -9, -7, -8, -1};
        for (boolean vector : new boolean[] {true, false}) {
            float[] y = new float[4];
            int[] arg = new int[4];
            run(vector, s, negative, y, arg);
            assertArrayEquals(new float[] {-2, -3, -2, -1}, y, "padding is not zero");
            assertArrayEquals(new int[] {3, 2, 3, 8}, arg);
            float[] ties = {1, 1, 0, 1, 1, 0, 0, 0, 0};
            run(vector, s, ties, y, arg);
            assertArrayEquals(new int[] {0, 1, 3, 4}, arg, "first maximum in window order");
            float[] nan = {1, Float.NaN, 0, Float.NaN, 9, 0, 0, 0, 0};
            run(vector, s, nan, y, arg);
            assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]) && Float.isNaN(y[2]));
            assertArrayEquals(new int[] {1, 1, 3, 4}, arg, "first NaN wins");
            assertEquals(9f, y[3]);
        }
        // 2x2 stride-2 fast path: ties and NaN in every window position.
        PoolShape p = PoolShape.of(1, 2, 8, 2);
        float[] x = {3, 3, 1, 2, 1, 1, Float.NaN, 5,
                     3, 3, 2, 2, 7, 6, Float.NaN, Float.NaN};
        for (boolean vector : new boolean[] {true, false}) {
            float[] y = new float[4];
            int[] arg = new int[4];
            run(vector, p, x, y, arg);
            assertArrayEquals(new int[] {0, 3, 12, 6}, arg, "vector " + vector);
            assertEquals(7f, y[2]);
        }
    }

    private static void run(boolean vector, PoolShape s, float[] x, float[] y, int[] arg) {
        if (vector) {
            MaxPool.forward(s, MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, MemorySegment.ofArray(arg), 0);
        } else {
            MaxPool.forwardScalar(s, MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0,
                    MemorySegment.ofArray(arg), 0);
        }
    }

    @Test
    void overlappingWindowsAddInBackward() {
        PoolShape s = new PoolShape(1, 1, 3, 1, 2, 1, 1, 0, 0); // windows (0,1), (1,2)
        float[] dx = new float[3];
        MaxPool.backward(s, MemorySegment.ofArray(new float[] {2f, 5f}), 0, MemorySegment.ofArray(new int[] {1, 1}), 0,
                MemorySegment.ofArray(dx), 0);
        assertArrayEquals(new float[] {0f, 7f, 0f}, dx);
    }

    @Test
    void rejectsBadShapesAndSegments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PoolShape(1, 2, 2, 5, 5, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("larger than the padded input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PoolShape(1, 8, 8, 3, 3, 1, 1, 2, 2));
        assertTrue(e.getMessage().contains("at most half the kernel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PoolShape(1, 8, 8, 2, 2, 0, 2, 0, 0));
        assertTrue(e.getMessage().contains("stride"), e.getMessage());
        PoolShape s = PoolShape.of(2, 4, 4, 2);
        MemorySegment x = MemorySegment.ofArray(new float[32]);
        e = assertThrows(IllegalArgumentException.class, () -> MaxPool.forward(s, x, 0,
                MemorySegment.ofArray(new float[7]), 0, MemorySegment.ofArray(new int[8]), 0));
        assertTrue(e.getMessage().startsWith("y "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaxPool.backwardScalar(s,
                MemorySegment.ofArray(new float[8]), 0, MemorySegment.ofArray(new int[8]), 0, x, 1));
        assertTrue(e.getMessage().startsWith("dx "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaxPool.backwardScalar(s,
                MemorySegment.ofArray(new float[8]), 0, MemorySegment.ofArray(new int[] {0, 0, 0, 0, 0, 0, 0, 99}), 0,
                x, 0));
        assertTrue(e.getMessage().contains("outside the input plane"), e.getMessage());
        assertEquals(I.byteSize(), 4);
    }
}
