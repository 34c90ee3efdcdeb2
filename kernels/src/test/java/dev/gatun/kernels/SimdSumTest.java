package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Simd.sum adds lanes in one fixed tree order, whatever the width and JIT tier. */
class SimdSumTest {
    /** The tree Simd.sum spells out: halves added lane-wise, then quarters, ... lane 0 is the sum. */
    private static float tree(float[] a) {
        float[] v = a.clone();
        for (int by = v.length / 2; by >= 1; by /= 2) {
            float[] next = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                next[i] = v[i] + v[(i + by) % v.length];
            }
            v = next;
        }
        return v[0];
    }

    private static double tree(double[] a) {
        double[] v = a.clone();
        for (int by = v.length / 2; by >= 1; by /= 2) {
            double[] next = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                next[i] = v[i] + v[(i + by) % v.length];
            }
            v = next;
        }
        return v[0];
    }

    @Test
    void floatsSumInTheTreeOrderBitForBitInEveryJitTier() {
        SplittableRandom rng = new SplittableRandom(7);
        float[] a = new float[Simd.FLOAT_LANES];
        // Magnitudes far apart make every order round differently; the loop runs long enough for
        // C2 to compile sum(), which is where reduceLanes(ADD) changed its order.
        for (int round = 0; round < 200_000; round++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(9)));
            }
            float got = Simd.sum(FloatVector.fromArray(Simd.FLOATS, a, 0));
            if (Float.floatToIntBits(got) != Float.floatToIntBits(tree(a))) {
                assertEquals(tree(a), got, "round " + round + ", lanes " + java.util.Arrays.toString(a));
            }
        }
    }

    @Test
    void aStoredVectorSumsToTheSameBits() {
        SplittableRandom rng = new SplittableRandom(9);
        int lanes = Simd.FLOAT_LANES;
        float[] a = new float[lanes + 3];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(9)));
            }
            float expected = Simd.sum(FloatVector.fromArray(Simd.FLOATS, a, 3));
            float got = Simd.sumStored(a, 3);
            if (Float.floatToIntBits(got) != Float.floatToIntBits(expected)) {
                assertEquals(expected, got, "round " + round);
            }
        }
    }

    @Test
    void doublesSumInTheTreeOrderBitForBit() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] a = new double[Simd.DOUBLES.length()];
        for (int round = 0; round < 200_000; round++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(17));
            }
            double got = Simd.sum(DoubleVector.fromArray(Simd.DOUBLES, a, 0));
            if (Double.doubleToLongBits(got) != Double.doubleToLongBits(tree(a))) {
                assertEquals(tree(a), got, "round " + round);
            }
        }
    }
}
