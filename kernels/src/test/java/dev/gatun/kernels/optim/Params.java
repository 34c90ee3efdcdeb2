package dev.gatun.kernels.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Test inputs and comparisons for the optimizer kernels. */
final class Params {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    static final long[] SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 100, 1023, 4099, 70_001};
    static final float GUARD = -12345.5f;
    static final long PAD = 13;

    private Params() {}

    /** {@code off + n + PAD} floats, uniform in [lo, hi) inside, {@link #GUARD} around. */
    static MemorySegment random(Arena arena, long off, long n, long seed, float lo, float hi) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(F, i, i < off || i >= off + n ? GUARD : lo + (hi - lo) * (float) rnd.nextDouble());
        }
        return s;
    }

    static MemorySegment copy(Arena arena, MemorySegment s) {
        MemorySegment c = arena.allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }

    /** Same bits everywhere, guards included. */
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
}
