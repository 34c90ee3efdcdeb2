package dev.gatun.train.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The deterministic reduction behind {@link Collectives#allReduce} (which {@link RankOrderAllReduce}
 * applies to one chunk per rank): element {@code i} of the
 * result is {@code ((x0[i] + x1[i]) + x2[i]) + ...}, rank 0 first, added in float64 (exactly
 * the same operations on every rank, so every rank gets the same bits), optionally weighted
 * and divided, then rounded once to float32.
 */
public final class RankOrderSum {
    private RankOrderSum() {}

    /**
     * Reduces {@code ranks} gathered arrays into {@code out}.
     *
     * @param gathered the ranks' arrays, concatenated in rank order
     * @param ranks how many arrays {@code gathered} holds
     * @param reduction sum or mean
     * @param out where the result goes; its length is one rank's
     */
    public static void reduce(float[] gathered, int ranks, Reduction reduction, float[] out) {
        weighted(gathered, ranks, null, reduction == Reduction.MEAN ? ranks : 1, out);
    }

    /**
     * Reduces {@code ranks} gathered arrays into {@code out}, in float64.
     *
     * @param gathered the ranks' arrays, concatenated in rank order
     * @param ranks how many arrays {@code gathered} holds
     * @param reduction sum or mean
     * @param out where the result goes; its length is one rank's
     */
    public static void reduce(double[] gathered, int ranks, Reduction reduction, double[] out) {
        int n = out.length;
        requireLength(gathered.length, ranks, n);
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int r = 0; r < ranks; r++) {
                acc += gathered[r * n + i];
            }
            out[i] = reduction == Reduction.MEAN ? acc / ranks : acc;
        }
    }

    /**
     * {@code out[i] = (float) ((w0 * x0[i] + w1 * x1[i] + ...) / divisor)} in float64, rank 0
     * first; a null {@code weights} weighs every rank 1. What combines per-rank mean gradients
     * into the gradient of the mean over every rank's examples (weights: the ranks' example counts).
     *
     * @param gathered the ranks' arrays, concatenated in rank order
     * @param ranks how many arrays {@code gathered} holds
     * @param weights one weight per rank, or null
     * @param divisor what the weighted sum is divided by
     * @param out where the result goes; its length is one rank's
     */
    public static void weighted(float[] gathered, int ranks, double[] weights, double divisor, float[] out) {
        requireLength(gathered.length, ranks, out.length);
        weighted(MemorySegment.ofArray(gathered), ranks, weights, divisor, MemorySegment.ofArray(out), out.length);
    }

    /**
     * {@link #weighted(float[], int, double[], double, float[])} on float32 segments: {@code gathered}
     * holds {@code ranks * n} values, rank 0's first, and {@code n} results go to {@code out}.
     *
     * @param gathered the ranks' arrays, concatenated in rank order
     * @param ranks how many arrays {@code gathered} holds
     * @param weights one weight per rank, or null
     * @param divisor what the weighted sum is divided by
     * @param out where the result goes
     * @param n the length of one rank's array
     */
    public static void weighted(MemorySegment gathered, int ranks, double[] weights, double divisor, MemorySegment out,
                                int n) {
        if (gathered.byteSize() < (long) ranks * n * Float.BYTES || out.byteSize() < (long) n * Float.BYTES) {
            throw new IllegalArgumentException("segments of " + gathered.byteSize() + " and " + out.byteSize()
                    + " bytes for " + ranks + " ranks of " + n + " floats");
        }
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int r = 0; r < ranks; r++) {
                double x = gathered.getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * n + i);
                acc += weights == null ? x : weights[r] * x;
            }
            out.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (acc / divisor));
        }
    }

    private static void requireLength(int gathered, int ranks, int n) {
        if (gathered != (long) ranks * n) {
            throw new IllegalArgumentException("gathered " + gathered + " values from " + ranks + " ranks of " + n);
        }
    }
}
