package dev.gatun.kernels.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Test inputs and comparisons for the reduce kernels. */
final class Data {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    /** Written around every output range; a kernel that writes outside it is caught. */
    static final float GUARD = -12345.5f;
    static final int INT_GUARD = -777;
    static final long PAD = 11;

    /** Row-major shapes: odd sizes, vector tails, and ones large enough for the threaded paths. */
    static final int[][] ROWS_COLS = {{0, 5}, {5, 0}, {1, 1}, {3, 17}, {33, 10}, {7, 100}, {2, 1023}, {129, 784},
        {1, 70_001}, {3, 4099}, {500, 150}};

    private Data() {}

    /** A shared-arena segment of {@code off + n + PAD} floats, uniform in [lo, hi), guards around. */
    static MemorySegment random(Arena arena, long off, long n, long seed, float lo, float hi) {
        MemorySegment s = guards(arena, off, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = off; i < off + n; i++) {
            s.setAtIndex(F, i, lo + (hi - lo) * (float) rnd.nextDouble());
        }
        return s;
    }

    /** Like {@link #random} but small integers in [0, distinct), so maxima tie often. */
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

    static MemorySegment intGuards(Arena arena, long off, long n) {
        MemorySegment s = arena.allocate((off + n + PAD) * Integer.BYTES, 64);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(I, i, INT_GUARD);
        }
        return s;
    }

    /** Labels in [0, cols) at {@code off}, guards around. */
    static MemorySegment labels(Arena arena, long off, int rows, int cols, long seed) {
        MemorySegment s = intGuards(arena, off, rows);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long r = 0; r < rows; r++) {
            s.setAtIndex(I, off + r, rnd.nextInt(cols));
        }
        return s;
    }

    static MemorySegment copy(Arena arena, MemorySegment s) {
        MemorySegment c = arena.allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }

    /** Same bits everywhere (guards included); NaNs compare equal whatever their payload. */
    static void assertSameBits(MemorySegment expected, MemorySegment actual, String what) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    static void assertSameInts(MemorySegment expected, MemorySegment actual, String what) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        long n = expected.byteSize() / Integer.BYTES;
        for (long i = 0; i < n; i++) {
            int e = expected.getAtIndex(I, i);
            int a = actual.getAtIndex(I, i);
            if (e != a) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    /** Per-element bound on |expected - actual|, for tolerances that depend on the element. */
    interface Tolerance {
        double at(long index, float expected);
    }

    /**
     * Within {@code tol} everywhere; guards (outside the written range) must match exactly, as
     * must NaN and infinities, so compare whole segments.
     */
    static void assertClose(MemorySegment expected, MemorySegment actual, Tolerance tol, String what) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (!Float.isFinite(e) || !Float.isFinite(a) || e == GUARD) {
                if (Float.compare(e, a) != 0) {
                    fail(what + ": element " + i + " expected " + e + " but was " + a);
                }
            } else if (Math.abs((double) e - a) > tol.at(i, e)) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (diff "
                        + Math.abs((double) e - a) + ", allowed " + tol.at(i, e) + ")");
            }
        }
    }
}
