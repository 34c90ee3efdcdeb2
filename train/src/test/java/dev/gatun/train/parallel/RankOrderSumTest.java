package dev.gatun.train.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The deterministic reduction against the sum written out in rank order, bit for bit. */
class RankOrderSumTest {
    static float[] wide(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-7, 8)));
        }
        return x;
    }

    @Test
    void weightedSumIsRankOrderFloat64RoundedOnce() {
        int ranks = 5;
        int n = 777;
        float[] gathered = wide(ranks * n, 3);
        double[] weights = {16, 16, 15, 0, 16};
        float[] out = new float[n];
        RankOrderSum.weighted(gathered, ranks, weights, 63, out);
        int orderMatters = 0;
        for (int i = 0; i < n; i++) {
            double acc = 0;
            double reverse = 0;
            for (int r = 0; r < ranks; r++) {
                acc += weights[r] * gathered[r * n + i];
                reverse += weights[ranks - 1 - r] * gathered[(ranks - 1 - r) * n + i];
            }
            assertEquals(Float.floatToRawIntBits((float) (acc / 63)), Float.floatToRawIntBits(out[i]), "element " + i);
            if (acc != reverse) {
                orderMatters++;
            }
        }
        // The data are wide enough that another order would give other bits: the order is what makes it exact.
        assertTrue(orderMatters > 0);
    }

    @Test
    void meanIsTheSumDividedByTheRanks() {
        float[] gathered = wide(3 * 10, 5);
        float[] sum = new float[10];
        float[] mean = new float[10];
        RankOrderSum.reduce(gathered, 3, Reduction.SUM, sum);
        RankOrderSum.reduce(gathered, 3, Reduction.MEAN, mean);
        for (int i = 0; i < 10; i++) {
            double acc = ((double) gathered[i] + gathered[10 + i]) + gathered[20 + i];
            assertEquals((float) acc, sum[i]);
            assertEquals((float) (acc / 3), mean[i]);
        }
        double[] d = {1, 2, 3, 4};
        double[] out = new double[2];
        RankOrderSum.reduce(d, 2, Reduction.MEAN, out);
        assertArrayEquals(new double[] {2, 3}, out);
    }

    @Test
    void oneRankIsTheIdentity() {
        float[] x = wide(100, 9);
        float[] out = new float[100];
        RankOrderSum.weighted(x, 1, new double[] {37}, 37, out);
        assertArrayEquals(x, out);
        new SingleProcess().allReduce(out, Reduction.MEAN);
        assertArrayEquals(x, out);
    }

    @Test
    void aWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RankOrderSum.reduce(new float[7], 2, Reduction.SUM, new float[3]));
    }
}
