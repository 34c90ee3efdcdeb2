package dev.gatun.kernels.pool;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Test inputs and comparisons for the pooling kernels. */
final class Planes {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    /** Written around every range; a kernel that writes outside it is caught. */
    static final float GUARD = -12345.5f;
    static final long PAD = 19;

    /**
     * {planes, inH, inW, kernelH, kernelW, strideH, strideW, padH, padW}: overlapping 3×3 stride-2
     * pad-1 windows, 2×2 stride 2 on odd and even sizes (narrower and wider than a vector, and the
     * CNN sample's 28 and 14), non-square kernels and strides, 1×1, and sizes large enough for
     * the threaded paths.
     */
    static final int[][] SHAPES = {
        {3, 7, 7, 3, 3, 2, 2, 1, 1}, {5, 9, 11, 2, 2, 2, 2, 0, 0}, {2, 28, 28, 2, 2, 2, 2, 0, 0},
        {4, 14, 14, 2, 2, 2, 2, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 0, 0}, {3, 8, 13, 2, 3, 1, 2, 1, 1},
        {2, 5, 6, 3, 1, 1, 1, 1, 0}, {7, 13, 37, 2, 2, 2, 2, 0, 0}, {2, 3, 3, 1, 1, 2, 2, 0, 0},
        {64, 12, 12, 2, 2, 2, 2, 0, 0}, {67, 17, 19, 3, 3, 2, 2, 1, 1}, {1, 2, 67, 2, 2, 2, 2, 0, 0},
        {3, 3, 2, 2, 2, 2, 2, 0, 0}, {2, 11, 5, 4, 2, 3, 1, 2, 0}
    };

    private Planes() {}

    static PoolShape shape(int[] s) {
        return new PoolShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
    }

    /** {@code off + n + PAD} floats, uniform in [lo, hi) at [off, off + n), guards around. */
    static MemorySegment random(Arena arena, long off, long n, long seed, float lo, float hi) {
        MemorySegment s = guards(arena, off, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = off; i < off + n; i++) {
            s.setAtIndex(F, i, lo + (hi - lo) * (float) rnd.nextDouble());
        }
        return s;
    }

    /** Small integers in [0, distinct), so window maxima tie often. */
    static MemorySegment ties(Arena arena, long off, long n, long seed, int distinct) {
        MemorySegment s = guards(arena, off, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = off; i < off + n; i++) {
            s.setAtIndex(F, i, rnd.nextInt(distinct));
        }
        return s;
    }

    static MemorySegment guards(Arena arena, long off, long n) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(F, i, GUARD);
        }
        return s;
    }

    static void assertSameBits(MemorySegment expected, MemorySegment actual, String what) {
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            int e = expected.getAtIndex(I, i);
            int a = actual.getAtIndex(I, i);
            if (e != a) {
                fail(what + ": element " + i + " expected " + expected.getAtIndex(F, i) + " (int " + e + ") but was "
                        + actual.getAtIndex(F, i) + " (int " + a + ")");
            }
        }
    }

    /** |e − a| ≤ tol·(1 + |e|) everywhere; guards must match exactly. */
    static void assertClose(MemorySegment expected, MemorySegment actual, double tol, String what) {
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            boolean ok = e == GUARD || !Float.isFinite(e) ? Float.compare(e, a) == 0
                    : Math.abs((double) e - a) <= tol * (1 + Math.abs(e));
            if (!ok) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }
}
