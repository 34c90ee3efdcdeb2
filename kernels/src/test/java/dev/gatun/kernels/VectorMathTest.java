package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * VectorMath: the vector functions give the scalar twins' bits in every JIT tier, and both are
 * within a stated number of ulps of {@code Math} over a dense sweep of the float range.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-39f, -1e-39f,
        Float.MAX_VALUE, -Float.MAX_VALUE, 88.72283f, 88.72284f, 88.73f, -87.33655f, -87.34f, -103.97f, -103.98f,
        -104f, -110f, 1e-20f, -1e-20f, 0.625f, -0.625f, 0.62499994f, 9.01f, -9.02f, 0.5f, 2f, 0.70710677f,
        0.7071068f, 1.4142135f, 1.4142137f, 0.99999994f, 1.0000001f};

    interface Scalar {
        float apply(float x);
    }

    interface ArrayFn {
        void apply(float[] buf, int from, int n);
    }

    /** Lanes from a mix of special values, arbitrary bit patterns and the ranges kernels use. */
    private static float input(SplittableRandom rng) {
        return switch (rng.nextInt(4)) {
            case 0 -> SPECIAL[rng.nextInt(SPECIAL.length)];
            case 1 -> Float.intBitsToFloat(rng.nextInt());
            case 2 -> (float) (rng.nextDouble(-1, 1) * Math.pow(2, rng.nextInt(-20, 8)));
            default -> (float) rng.nextDouble(-110, 95);
        };
    }

    /**
     * Long enough (200 000 vectors) that C2 compiles the vector code partway through: with
     * lanewise(EXP) against a Math.exp twin this fails at the CPU's own widths (checked at 256
     * and 128 bits on AVX2: rounds 50 750 and 76 757), because the compiled SVML exp and the
     * interpreter's per-lane Math.exp round differently. (An emulated width never reaches SVML.)
     */
    private static void sameBitsInEveryTier(String name, UnaryOperator<FloatVector> vector, Scalar scalar, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] in = new float[F.length()];
        float[] out = new float[F.length()];
        for (int round = 0; round < 200_000; round++) {
            // Half the rounds stay in every function's fast range (log's only when positive).
            for (int i = 0; i < in.length; i++) {
                in[i] = switch (round % 4) {
                    case 0 -> (float) rng.nextDouble(0, 30);
                    case 2 -> (float) rng.nextDouble(-30, 30);
                    default -> input(rng);
                };
            }
            vector.apply(FloatVector.fromArray(F, in, 0)).intoArray(out, 0);
            for (int i = 0; i < in.length; i++) {
                float want = scalar.apply(in[i]);
                if (Float.floatToIntBits(out[i]) != Float.floatToIntBits(want)) {
                    fail(name + "(" + in[i] + ") in round " + round + ": vector " + out[i] + ", scalar " + want);
                }
            }
        }
    }

    @Test
    void expGivesTheScalarBitsInEveryTier() {
        sameBitsInEveryTier("exp", VectorMath::exp, VectorMath::exp, 1);
    }

    @Test
    void logGivesTheScalarBitsInEveryTier() {
        sameBitsInEveryTier("log", VectorMath::log, VectorMath::log, 2);
    }

    @Test
    void tanhGivesTheScalarBitsInEveryTier() {
        sameBitsInEveryTier("tanh", VectorMath::tanh, VectorMath::tanh, 3);
    }

    @Test
    void sigmoidGivesTheScalarBitsInEveryTier() {
        sameBitsInEveryTier("sigmoid", VectorMath::sigmoid, VectorMath::sigmoid, 4);
    }

    /**
     * The array loops (what kernels call) take a fast path when every lane is in range and the
     * vector functions otherwise; both must give the scalar bits, in every tier. Runs of
     * in-range values between special ones exercise both paths and the scalar tail.
     */
    private static void arrayLoopSameBits(String name, ArrayFn array, Scalar scalar, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] in = new float[203];
        float[] out = new float[in.length];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < in.length; i++) {
                in[i] = rng.nextInt(16) == 0 ? input(rng) : (float) rng.nextDouble(-30, 30);
            }
            System.arraycopy(in, 0, out, 0, in.length);
            int from = round % 3;
            array.apply(out, from, in.length - from);
            for (int i = from; i < in.length; i++) {
                float want = scalar.apply(in[i]);
                if (Float.floatToIntBits(out[i]) != Float.floatToIntBits(want)) {
                    fail(name + "(" + in[i] + ") in round " + round + ": array " + out[i] + ", scalar " + want);
                }
            }
        }
    }

    @Test
    void arrayLoopsGiveTheScalarBitsInEveryTier() {
        arrayLoopSameBits("exp", VectorMath::exp, VectorMath::exp, 5);
        arrayLoopSameBits("expShifted", (b, from, n) -> VectorMath.expShifted(b, from, n, 3.5f),
                x -> VectorMath.exp(x - 3.5f), 9);
        arrayLoopSameBits("log", VectorMath::log, VectorMath::log, 6);
        arrayLoopSameBits("tanh", VectorMath::tanh, VectorMath::tanh, 7);
        arrayLoopSameBits("sigmoid", VectorMath::sigmoid, VectorMath::sigmoid, 8);
    }

    /** Distance in ulps between two floats (0 when both are NaN). */
    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits >= 0 ? bits : (long) Integer.MIN_VALUE - bits;
    }

    /**
     * Every {@code stride}-th float from lo to hi (in bit order), through the array function,
     * against {@code (float) exact(x)}; also checks it equals the scalar twin.
     */
    private static void sweep(float lo, float hi, int stride, DoubleUnaryOperator exact, ArrayFn array, Scalar scalar,
                              long maxUlps) {
        float[] in = new float[1000];
        float[] out = new float[1000];
        long from = ordered(lo);
        long to = ordered(hi);
        for (long k = from; k <= to; ) {
            for (int i = 0; i < in.length; i++, k += stride) {
                long o = Math.min(k, to);
                in[i] = Float.intBitsToFloat((int) (o >= 0 ? o : Integer.MIN_VALUE - o));
            }
            System.arraycopy(in, 0, out, 0, in.length);
            array.apply(out, 0, out.length);
            for (int i = 0; i < in.length; i++) {
                assertEquals(Float.floatToIntBits(scalar.apply(in[i])), Float.floatToIntBits(out[i]), "x = " + in[i]);
                float want = (float) exact.applyAsDouble(in[i]);
                if (ulps(out[i], want) > maxUlps) {
                    fail("x = " + in[i] + ": " + out[i] + ", expected " + want + " within " + maxUlps + " ulp");
                }
            }
        }
    }

    @Test
    void expIsWithinOneUlpOverItsRange() {
        // Covers overflow to inf above 88.72 and the subnormal results below -87.34.
        sweep(-104f, 89f, 1009, Math::exp, VectorMath::exp, VectorMath::exp, 1);
        sweep(-1e-3f, 1e-3f, 97, Math::exp, VectorMath::exp, VectorMath::exp, 1);
    }

    @Test
    void logIsWithinOneUlpOnEveryPositiveFloat() {
        // From the smallest subnormal to Float.MAX_VALUE, and densely around 1 where log cancels.
        sweep(Float.MIN_VALUE, Float.MAX_VALUE, 1009, Math::log, VectorMath::log, VectorMath::log, 1);
        sweep(0.9f, 1.1f, 97, Math::log, VectorMath::log, VectorMath::log, 1);
    }

    @Test
    void tanhIsWithinOneUlp() {
        sweep(-12f, 12f, 1009, Math::tanh, VectorMath::tanh, VectorMath::tanh, 1);
        sweep(0.6f, 0.65f, 7, Math::tanh, VectorMath::tanh, VectorMath::tanh, 1);
    }

    @Test
    void sigmoidIsWithinThreeUlps() {
        sweep(-105f, 105f, 1009, x -> 1 / (1 + Math.exp(-x)), VectorMath::sigmoid, VectorMath::sigmoid, 3);
    }

    @Test
    void specialValuesFollowMath() {
        float inf = Float.POSITIVE_INFINITY;
        assertEquals(1f, VectorMath.exp(-0f));
        assertEquals(inf, VectorMath.exp(inf));
        assertEquals(inf, VectorMath.exp(88.73f));
        assertEquals(inf, VectorMath.exp(Float.MAX_VALUE));
        assertEquals(0f, VectorMath.exp(-inf));
        assertEquals(0f, VectorMath.exp(-104f));
        assertEquals(Float.MIN_VALUE, VectorMath.exp(-103.9f));
        assertEquals((float) Math.exp(-100), VectorMath.exp(-100f), "subnormal result");
        assertTrue(Float.isNaN(VectorMath.exp(Float.NaN)));
        assertEquals(-inf, VectorMath.log(0f));
        assertEquals(-inf, VectorMath.log(-0f));
        assertEquals(inf, VectorMath.log(inf));
        assertEquals(0f, VectorMath.log(1f));
        assertEquals((float) Math.log(Float.MIN_VALUE), VectorMath.log(Float.MIN_VALUE));
        assertTrue(Float.isNaN(VectorMath.log(-1e-30f)));
        assertTrue(Float.isNaN(VectorMath.log(-inf)));
        assertTrue(Float.isNaN(VectorMath.log(Float.NaN)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(VectorMath.tanh(-0f)), "tanh(-0) = -0");
        assertEquals(1f, VectorMath.tanh(inf));
        assertEquals(-1f, VectorMath.tanh(-inf));
        assertEquals(-1f, VectorMath.tanh(-20f));
        assertTrue(Float.isNaN(VectorMath.tanh(Float.NaN)));
        assertEquals(0.5f, VectorMath.sigmoid(-0f));
        assertEquals(1f, VectorMath.sigmoid(inf));
        assertEquals(0f, VectorMath.sigmoid(-inf));
        assertEquals(3.7200760e-44f, VectorMath.sigmoid(-100f), 1e-45f, "tiny but not flushed");
        assertTrue(Float.isNaN(VectorMath.sigmoid(Float.NaN)));

        // The vector functions agree lane for lane on the same specials.
        float[] in = new float[F.length()];
        float[] out = new float[F.length()];
        for (int start = 0; start < SPECIAL.length; start += in.length) {
            for (int i = 0; i < in.length; i++) {
                in[i] = SPECIAL[(start + i) % SPECIAL.length];
            }
            VectorMath.tanh(FloatVector.fromArray(F, in, 0)).intoArray(out, 0);
            for (int i = 0; i < in.length; i++) {
                assertEquals(Float.floatToIntBits(VectorMath.tanh(in[i])), Float.floatToIntBits(out[i]), "tanh " + in[i]);
            }
            VectorMath.log(FloatVector.fromArray(F, in, 0)).intoArray(out, 0);
            for (int i = 0; i < in.length; i++) {
                assertEquals(Float.floatToIntBits(VectorMath.log(in[i])), Float.floatToIntBits(out[i]), "log " + in[i]);
            }
        }
    }
}
