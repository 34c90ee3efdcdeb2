package dev.gatun.kernels.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Test inputs and comparisons for the elementwise kernels. */
final class Floats {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Odd sizes around every vector width, and one large enough for the threaded path. */
    static final long[] SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 100, 1023, 4099, 70_001};
    /** Written around every output range; a kernel that writes outside it is caught. */
    static final float GUARD = -12345.5f;
    static final long PAD = 19;

    private Floats() {}

    /** A shared-arena segment of {@code off + n + PAD} floats, uniform in [lo, hi), guards included. */
    static MemorySegment random(Arena arena, long off, long n, long seed, float lo, float hi) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(F, i, i < off || i >= off + n ? GUARD : lo + (hi - lo) * (float) rnd.nextDouble());
        }
        return s;
    }

    /** A segment of {@code off + n + PAD} floats all equal to {@link #GUARD}. */
    static MemorySegment guards(Arena arena, long off, long n) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(F, i, GUARD);
        }
        return s;
    }

    /** A copy of {@code s} in {@code arena}, for running the twin on the same inputs. */
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

    /**
     * Within {@code rel * |expected| + abs} everywhere; equal infinities and NaN for NaN required,
     * and guards (outside the written range) must be untouched, so compare whole segments.
     */
    static void assertClose(MemorySegment expected, MemorySegment actual, double rel, double abs, String what) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (Float.isNaN(e) || Float.isInfinite(e) || Float.isNaN(a) || Float.isInfinite(a)) {
                if (Float.compare(e, a) != 0) {
                    fail(what + ": element " + i + " expected " + e + " but was " + a);
                }
            } else if (Math.abs((double) e - a) > rel * Math.abs(e) + abs) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (diff "
                        + Math.abs((double) e - a) + ")");
            }
        }
    }

    /** The largest |a - e| / |e| over elements where e is a normal float, for reporting accuracy. */
    static double maxRelError(MemorySegment expected, MemorySegment actual) {
        double worst = 0;
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (Float.isFinite(e) && Math.abs(e) >= Float.MIN_NORMAL) {
                worst = Math.max(worst, Math.abs((double) a - e) / Math.abs(e));
            }
        }
        return worst;
    }
}
