package dev.gatun.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.backend.Precision;
import dev.gatun.kernels.half.HalfBits;
import java.util.SplittableRandom;

/** Test inputs and bit-exact comparisons shared by the autocast tests. */
final class HalfValues {
    private HalfValues() {}

    static float[] random(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    /** v rounded to p's 16-bit format by the scalar definition. */
    static float[] rounded(float[] v, Precision p) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = p == Precision.BF16 ? HalfBits.roundToBf16(v[i]) : HalfBits.roundToFp16(v[i]);
        }
        return out;
    }

    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
        }
    }
}
