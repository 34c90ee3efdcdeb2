package dev.gatun.kernels.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Random segments and comparisons for the recurrent cell tests. */
final class CellData {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Batch and hidden sizes: 1, primes, tails that no vector width divides, one big enough to split over threads. */
    static final int[][] BATCH_HIDDEN = {{1, 1}, {1, 8}, {3, 7}, {5, 13}, {2, 33}, {7, 67}, {4, 128}, {67, 1031}};

    private CellData() {}

    /** n uniform floats in [lo, hi) after {@code off} unused leading elements. */
    static MemorySegment random(Arena arena, long seed, long off, long n, float lo, float hi) {
        MemorySegment s = arena.allocate((off + n) * Float.BYTES);
        SplittableRandom rng = new SplittableRandom(seed);
        for (long i = 0; i < off + n; i++) {
            s.setAtIndex(F, i, (float) rng.nextDouble(lo, hi));
        }
        return s;
    }

    static MemorySegment copyOf(Arena arena, MemorySegment s) {
        return arena.allocate(s.byteSize()).copyFrom(s);
    }

    /** Asserts two segments hold the same floats bit for bit (any NaN equals any NaN). */
    static void assertSameBits(MemorySegment expected, MemorySegment actual, String what) {
        long n = expected.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
                assertEquals(e, a, what + " at " + i);
                assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(a), what + " at " + i + " (sign of zero)");
            }
        }
    }
}
