package dev.gatun.kernels.half;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector conversions against {@link HalfBits} element by element, and against their scalar
 * twins, at the width this JVM was started with (the build runs 128, 256 and 512 bits).
 */
class HalfConversionTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT;
    /** Odd sizes around every vector width, and one large enough for the threaded path. */
    private static final int[] SIZES = {0, 1, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 70_001};
    private static final short GUARD = (short) 0x5a5a;
    private static final int X_OFF = 3;
    private static final int H_OFF = 5;
    private static final int PAD = 11;

    /** Float32 values at every edge of both formats, repeated so that each lands in every lane. */
    private static float[] edges() {
        float[] special = {
            0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7f80_0001), Float.intBitsToFloat(0xff80_0001), Float.intBitsToFloat(0x7fc0_0000),
            Float.intBitsToFloat(0x7fa0_1234), Float.intBitsToFloat(0xffbf_ffff), Float.intBitsToFloat(0x7f80_2000),
            // bfloat16 ties: halfway below and above an even and an odd kept mantissa.
            1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -(1f + 0x1p-8f), Float.intBitsToFloat(0x3f80_8000), Float.intBitsToFloat(0x3f81_8000),
            Float.intBitsToFloat(0x7f7f_8000), Float.intBitsToFloat(0x7f7f_7fff), Float.intBitsToFloat(0x0000_8000),
            // float16: its largest finite, the overflow tie and just below it, and its subnormal range.
            65504f, 65519.99f, 65520f, 65536f, -65520f, 1e10f, 0x1p-14f, 0x1.ffcp-15f, 0x1p-24f, 0x1p-25f,
            0x1.000002p-25f, 0x1.8p-24f, 0x1.4p-23f, 0x1.8p-23f, 3 * 0x1p-25f, 0x1p-26f, -0x1p-24f, 0x1.ffep-15f,
            1f + 0x1p-11f, 1f + 3 * 0x1p-11f, 2048f + 1f, 2048f + 3f, 0.1f, 1e-7f, -1e-6f, 3.14159f,
        };
        float[] out = new float[special.length * 17];
        for (int i = 0; i < out.length; i++) {
            out[i] = special[i % special.length];
        }
        return out;
    }

    /** Random bits: every exponent, NaNs and infinities included. */
    private static float[] randomBits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = Float.intBitsToFloat(r.nextInt());
        }
        return out;
    }

    /** Random values in float16's range, from its subnormals to past its overflow. */
    private static float[] fp16Range(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (float) Math.scalb(1 + r.nextDouble(), r.nextInt(-27, 17));
            out[i] = r.nextBoolean() ? v : -v;
        }
        return out;
    }

    private static MemorySegment floats(Arena arena, float[] values) {
        MemorySegment s = arena.allocate((long) (X_OFF + values.length + PAD) * Float.BYTES, 64);
        for (int i = 0; i < X_OFF + values.length + PAD; i++) {
            int j = i - X_OFF;
            s.setAtIndex(F, i, j >= 0 && j < values.length ? values[j] : -12345.5f);
        }
        return s;
    }

    private static MemorySegment shorts(Arena arena, int n) {
        MemorySegment s = arena.allocate((long) (H_OFF + n + PAD) * Short.BYTES, 64);
        for (int i = 0; i < H_OFF + n + PAD; i++) {
            s.setAtIndex(S, i, GUARD);
        }
        return s;
    }

    @Test
    void toBf16MatchesHalfBitsAndItsTwin() {
        narrowing(true);
    }

    @Test
    void toFp16MatchesHalfBitsAndItsTwin() {
        narrowing(false);
    }

    private static void narrowing(boolean bf16) {
        try (Arena arena = Arena.ofShared()) {
            for (float[] source : new float[][] {edges(), randomBits(70_001, 7), fp16Range(70_001, 8)}) {
                for (int n : SIZES) {
                    int len = Math.min(n, source.length);
                    float[] values = java.util.Arrays.copyOf(source, len);
                    MemorySegment x = floats(arena, values);
                    MemorySegment h = shorts(arena, len);
                    MemorySegment twin = shorts(arena, len);
                    if (bf16) {
                        HalfConversion.toBf16(x, X_OFF, h, H_OFF, len);
                        HalfConversion.toBf16Scalar(x, X_OFF, twin, H_OFF, len);
                    } else {
                        HalfConversion.toFp16(x, X_OFF, h, H_OFF, len);
                        HalfConversion.toFp16Scalar(x, X_OFF, twin, H_OFF, len);
                    }
                    for (int i = 0; i < H_OFF + len + PAD; i++) {
                        int j = i - H_OFF;
                        short expected = j < 0 || j >= len ? GUARD
                                : bf16 ? HalfBits.toBf16(values[j]) : HalfBits.toFp16(values[j]);
                        short got = h.getAtIndex(S, i);
                        if (got != expected || twin.getAtIndex(S, i) != expected) {
                            String what = j < 0 || j >= len ? "guard" : Float.toHexString(values[j]) + " (bits "
                                    + Integer.toHexString(Float.floatToRawIntBits(values[j])) + ")";
                            fail((bf16 ? "bf16" : "fp16") + " n=" + len + " index " + j + " of " + what + ": expected "
                                    + hex(expected) + ", vector " + hex(got) + ", scalar " + hex(twin.getAtIndex(S, i)));
                        }
                    }
                }
            }
        }
    }

    @Test
    void fromBf16IsExactForEveryBitPattern() {
        widening(true);
    }

    @Test
    void fromFp16IsExactForEveryBitPattern() {
        widening(false);
    }

    private static void widening(boolean bf16) {
        try (Arena arena = Arena.ofShared()) {
            int all = 1 << 16;
            for (int n : new int[] {all, 1, 7, 17, 33, all - 3}) {
                MemorySegment h = shorts(arena, n);
                for (int i = 0; i < n; i++) {
                    h.setAtIndex(S, H_OFF + i, (short) (i * 40503 + (n == all ? 0 : 12345)));
                }
                MemorySegment x = floats(arena, new float[n]);
                MemorySegment twin = floats(arena, new float[n]);
                if (bf16) {
                    HalfConversion.fromBf16(h, H_OFF, x, X_OFF, n);
                    HalfConversion.fromBf16Scalar(h, H_OFF, twin, X_OFF, n);
                } else {
                    HalfConversion.fromFp16(h, H_OFF, x, X_OFF, n);
                    HalfConversion.fromFp16Scalar(h, H_OFF, twin, X_OFF, n);
                }
                for (int i = 0; i < X_OFF + n + PAD; i++) {
                    int j = i - X_OFF;
                    int expected = j < 0 || j >= n ? Float.floatToRawIntBits(-12345.5f)
                            : Float.floatToRawIntBits(bf16 ? HalfBits.fromBf16(h.getAtIndex(S, H_OFF + j))
                                    : HalfBits.fromFp16(h.getAtIndex(S, H_OFF + j)));
                    int got = Float.floatToRawIntBits(x.getAtIndex(F, i));
                    int gotTwin = Float.floatToRawIntBits(twin.getAtIndex(F, i));
                    if (got != expected || gotTwin != expected) {
                        fail((bf16 ? "bf16" : "fp16") + " n=" + n + " index " + j + ": expected bits "
                                + Integer.toHexString(expected) + ", vector " + Integer.toHexString(got) + ", scalar "
                                + Integer.toHexString(gotTwin));
                    }
                }
            }
        }
    }

    @Test
    void roundTripsEveryHalfValueThroughFloat32() {
        try (Arena arena = Arena.ofShared()) {
            int n = 1 << 16;
            MemorySegment h = shorts(arena, n);
            for (int i = 0; i < n; i++) {
                h.setAtIndex(S, H_OFF + i, (short) i);
            }
            MemorySegment x = floats(arena, new float[n]);
            MemorySegment back = shorts(arena, n);
            HalfConversion.fromFp16(h, H_OFF, x, X_OFF, n);
            HalfConversion.toFp16(x, X_OFF, back, H_OFF, n);
            for (int i = 0; i < n; i++) {
                float v = x.getAtIndex(F, X_OFF + i);
                if (!Float.isNaN(v)) {
                    assertEquals(hex((short) i), hex(back.getAtIndex(S, H_OFF + i)), "fp16 " + v);
                }
            }
            HalfConversion.fromBf16(h, H_OFF, x, X_OFF, n);
            HalfConversion.toBf16(x, X_OFF, back, H_OFF, n);
            for (int i = 0; i < n; i++) {
                float v = x.getAtIndex(F, X_OFF + i);
                if (!Float.isNaN(v)) {
                    assertEquals(hex((short) i), hex(back.getAtIndex(S, H_OFF + i)), "bf16 " + v);
                }
            }
        }
    }

    @Test
    void rejectsSegmentsTooSmall() {
        MemorySegment x = MemorySegment.ofArray(new float[8]);
        MemorySegment h = MemorySegment.ofArray(new short[8]);
        assertThrows(IllegalArgumentException.class, () -> HalfConversion.toBf16(x, 1, h, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> HalfConversion.toFp16(x, 0, h, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> HalfConversion.fromBf16(h, 0, x, 0, 9));
        assertThrows(IllegalArgumentException.class, () -> HalfConversion.fromFp16(h, 0, x, 0, -1));
    }

    private static String hex(short h) {
        return String.format("0x%04x", h & 0xffff);
    }
}
