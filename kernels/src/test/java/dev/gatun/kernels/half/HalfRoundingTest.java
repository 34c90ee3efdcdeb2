package dev.gatun.kernels.half;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The build runs this once per vector width (gatun.simd.bits), so every width meets these sizes. */
class HalfRoundingTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Odd sizes around every vector width, and one large enough for the threaded path. */
    private static final long[] SIZES = {0, 1, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4099, 70_001};
    private static final float GUARD = -12345.5f;
    private static final long PAD = 19;
    /** Values at every edge of both formats: ties, overflow, float16's subnormals, zeros, NaN, infinities. */
    private static final float[] EDGES = {0f, -0f, 1f, -1f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 1f + 0x1p-11f,
        1f + 3 * 0x1p-11f, 65504f, 65519.99f, 65520f, -65520f, 65536f, 0x1.fffffep127f, -0x1.fffffep127f,
        0x1p-14f, 0x1.ffcp-15f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1.8p-24f, 3 * 0x1p-25f, 5 * 0x1p-25f, 0x1p-26f,
        -0x1p-25f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.NaN, -Float.NaN, Float.intBitsToFloat(0x7f80_0001),
        Float.intBitsToFloat(0xff80_8001), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    private interface Rounding {
        void apply(MemorySegment x, long xOff, MemorySegment y, long yOff, long n);
    }

    /** Random float bits (every exponent), values near 1 and float16's range, and the edges, guards around. */
    private static MemorySegment inputs(Arena arena, long off, long n, long seed) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < off + n + PAD; i++) {
            float v;
            if (i < off || i >= off + n) {
                v = GUARD;
            } else {
                v = switch ((int) (i % 4)) {
                    case 0 -> Float.intBitsToFloat(r.nextInt());
                    case 1 -> (float) (r.nextDouble(-4, 4));
                    case 2 -> (float) (r.nextDouble(-1, 1) * Math.pow(2, r.nextInt(-30, 18)));
                    default -> EDGES[r.nextInt(EDGES.length)];
                };
            }
            s.setAtIndex(F, i, v);
        }
        return s;
    }

    private static MemorySegment guards(Arena arena, long off, long n) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(F, i, GUARD);
        }
        return s;
    }

    /** Same bits everywhere, guards included; NaNs compare equal whatever their payload. */
    private static void assertSameBits(MemorySegment expected, MemorySegment actual, String what) {
        for (long i = 0; i < expected.byteSize() / Float.BYTES; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    private static void matchesTwin(Rounding fast, Rounding twin, String name) {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = inputs(arena, 5, n, n * 31 + 7);
                MemorySegment y = guards(arena, 2, n);
                MemorySegment ref = guards(arena, 2, n);
                fast.apply(x, 5, y, 2, n);
                twin.apply(x, 5, ref, 2, n);
                assertSameBits(ref, y, name + " n=" + n);
                // In place.
                MemorySegment inPlace = inputs(arena, 5, n, n * 31 + 7);
                fast.apply(inPlace, 5, inPlace, 5, n);
                MemorySegment shifted = guards(arena, 5, n);
                twin.apply(x, 5, shifted, 5, n);
                for (long i = 0; i < 5; i++) {
                    shifted.setAtIndex(F, i, GUARD);
                }
                assertSameBits(shifted, inPlace, name + " in place n=" + n);
            }
        }
    }

    @Test
    void bf16MatchesTwinAtOddSizes() {
        matchesTwin(HalfRounding::bf16, HalfRounding::bf16Scalar, "bf16");
    }

    @Test
    void fp16MatchesTwinAtOddSizes() {
        matchesTwin(HalfRounding::fp16, HalfRounding::fp16Scalar, "fp16");
    }

    @Test
    void vectorsAgreeWithTheScalarDefinitionsOnEveryEdge() {
        int lanes = 64;
        float[] x = new float[EDGES.length * lanes];
        for (int i = 0; i < x.length; i++) {
            x[i] = EDGES[i % EDGES.length];
        }
        float[] bf = new float[x.length];
        float[] fp = new float[x.length];
        HalfRounding.bf16(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(bf), 0, x.length);
        HalfRounding.fp16(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(fp), 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(HalfBits.roundToBf16(x[i]), bf[i], "bf16 of " + x[i]);
            assertEquals(HalfBits.roundToFp16(x[i]), fp[i], "fp16 of " + x[i]);
        }
    }

    @Test
    void fp16RoundsToItsRangeAndSubnormalQuantum() {
        float[] x = {65519.99f, 65520f, 0x1p-25f, 3 * 0x1p-25f, 0x1.8p-24f, 0x1p-26f, -0x1p-26f, 1e-3f, Float.NaN};
        float[] y = new float[x.length * 3];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[i % x.length];
        }
        HalfRounding.fp16(MemorySegment.ofArray(y), 0, MemorySegment.ofArray(y), 0, y.length);
        for (int k = 0; k < y.length; k += x.length) {
            assertEquals(65504f, y[k], "65519.99 rounds down to the largest finite");
            assertEquals(Float.POSITIVE_INFINITY, y[k + 1], "65520 is the tie that overflows");
            assertEquals(0f, y[k + 2], "2^-25 ties to the even 0");
            assertEquals(0x1p-23f, y[k + 3], "3·2^-25 ties to the even 2·2^-24");
            assertEquals(0x1p-23f, y[k + 4], "1.5·2^-24 ties to the even 2·2^-24");
            assertEquals(0f, y[k + 5]);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[k + 6]), "the sign of a zero is kept");
            assertEquals((float) Math.scalb((double) Math.round(Math.scalb(1e-3, 20)), -20), y[k + 7], "10 mantissa bits below 2^-9");
            assertTrue(Float.isNaN(y[k + 8]));
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        assertThrows(IllegalArgumentException.class, () -> HalfRounding.bf16(s, 0, s, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> HalfRounding.fp16(s, 0, s, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> HalfRounding.fp16Scalar(s, -1, s, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> HalfRounding.bf16Scalar(s, 0, s, 0, 11));
    }
}
