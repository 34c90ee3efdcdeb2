package dev.gatun.kernels.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * AvgPool against its twin. The 2×2 fast path sums four floats in float (the twin in double),
 * so forward may differ by a couple of float roundings of the sum: 1e-6 relative to the window's
 * magnitude (inputs lie in [-5, 5), outputs are at most 5). Backward is bit-identical.
 */
class AvgPoolTest {
    @Test
    void forwardAndBackwardMatchTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] sz : Planes.SHAPES) {
                PoolShape s = Planes.shape(sz);
                long in = s.planes() * s.inPlane();
                long out = s.planes() * s.outPlane();
                for (boolean includePad : new boolean[] {true, false}) {
                    String what = Arrays.toString(sz) + " countIncludePad " + includePad;
                    MemorySegment x = Planes.random(arena, 3, in, in, -5f, 5f);
                    MemorySegment y = Planes.guards(arena, 2, out);
                    MemorySegment yRef = Planes.guards(arena, 2, out);
                    AvgPool.forward(s, includePad, x, 3, y, 2);
                    AvgPool.forwardScalar(s, includePad, x, 3, yRef, 2);
                    Planes.assertClose(yRef, y, 5e-6, "forward " + what);

                    MemorySegment dy = Planes.random(arena, 4, out, out + 7, -1f, 1f);
                    MemorySegment dx = Planes.random(arena, 1, in, 9, -3f, 3f); // stale values must go
                    MemorySegment dxRef = Planes.guards(arena, 1, in);
                    AvgPool.backward(s, includePad, dy, 4, dx, 1);
                    AvgPool.backwardScalar(s, includePad, dy, 4, dxRef, 1);
                    Planes.assertSameBits(dxRef, dx, "backward " + what);
                }
            }
        }
    }

    @Test
    void divisorCountsPaddingOnlyWhenAsked() {
        PoolShape s = new PoolShape(1, 2, 2, 3, 3, 1, 1, 1, 1); // each window sees the whole 2x2 plane
        float[] x = {1, 2, 3, 6};
        for (boolean vector : new boolean[] {true, false}) {
            float[] y = new float[4];
            float[] dx = new float[4];
            for (boolean includePad : new boolean[] {true, false}) {
                if (vector) {
                    AvgPool.forward(s, includePad, MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0);
                    AvgPool.backward(s, includePad, MemorySegment.ofArray(new float[] {9, 9, 9, 9}), 0,
                            MemorySegment.ofArray(dx), 0);
                } else {
                    AvgPool.forwardScalar(s, includePad, MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0);
                    AvgPool.backwardScalar(s, includePad, MemorySegment.ofArray(new float[] {9, 9, 9, 9}), 0,
                            MemorySegment.ofArray(dx), 0);
                }
                float avg = includePad ? 12f / 9 : 3f;
                assertArrayEquals(new float[] {avg, avg, avg, avg}, y);
                float g = includePad ? 4f : 9f;
                assertArrayEquals(new float[] {g, g, g, g}, dx);
            }
        }
    }

    @Test
    void rejectsSmallSegments() {
        PoolShape s = PoolShape.of(2, 4, 4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AvgPool.forward(s, true,
                MemorySegment.ofArray(new float[31]), 0, MemorySegment.ofArray(new float[8]), 0));
        assertTrue(e.getMessage().startsWith("x "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AvgPool.backwardScalar(s, false,
                MemorySegment.ofArray(new float[8]), 1, MemorySegment.ofArray(new float[32]), 0));
        assertTrue(e.getMessage().startsWith("dy "), e.getMessage());
    }
}
