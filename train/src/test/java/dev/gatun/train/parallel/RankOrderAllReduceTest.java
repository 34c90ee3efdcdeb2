package dev.gatun.train.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reduce-scatter all-reduce, on {@link ThreadRanks}, against the gather-based reduction
 * ({@link RankOrderSum#weighted} over every rank's whole array), bit for bit, on lengths
 * that do not divide by the ranks and lengths shorter than the ranks.
 */
class RankOrderAllReduceTest {
    private static final int[] LENGTHS = {0, 1, 2, 5, 7, 1001};

    @Test
    void chunksAreContiguousAndDifferByAtMostOne() {
        assertArrayEquals(new int[] {3, 2, 2}, RankOrderAllReduce.chunks(7, 3));
        assertArrayEquals(new int[] {1, 1, 0}, RankOrderAllReduce.chunks(2, 3));
        assertArrayEquals(new int[] {0, 0}, RankOrderAllReduce.chunks(0, 2));
        assertArrayEquals(new int[] {5}, RankOrderAllReduce.chunks(5, 1));
        assertThrows(IllegalArgumentException.class, () -> RankOrderAllReduce.chunks(3, 0));
    }

    @Test
    void equalsTheGatherBasedReductionOnTwoAndThreeRanks() throws Exception {
        for (int ranks : new int[] {1, 2, 3}) {
            for (int n : LENGTHS) {
                double[] weights = new double[ranks];
                double total = 0;
                for (int r = 0; r < ranks; r++) {
                    weights[r] = 16 - 3 * r;
                    total += weights[r];
                }
                for (double[] w : Arrays.asList(null, weights)) {
                    double divisor = w == null ? ranks : total;
                    List<float[][]> results = new ThreadRanks(ranks).run(c -> {
                        float[] mine = RankOrderSumTest.wide(n, 100 + c.rank());
                        float[] viaGather = new float[n];
                        RankOrderSum.weighted(c.allGather(mine), ranks, w, divisor, viaGather);
                        try (Arena arena = Arena.ofConfined()) {
                            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_FLOAT, mine);
                            c.allReduce(data, n, w, divisor);
                            return new float[][] {viaGather, data.toArray(ValueLayout.JAVA_FLOAT)};
                        }
                    });
                    for (int r = 0; r < ranks; r++) {
                        String what = ranks + " ranks, " + n + " values, weights " + Arrays.toString(w) + ", rank " + r;
                        assertArrayEquals(results.get(r)[0], results.get(r)[1], what);
                        assertArrayEquals(results.get(0)[1], results.get(r)[1], what);
                    }
                }
            }
        }
    }

    @Test
    void floatArrayMeanIsTheRankOrderSumDividedByTheRanks() throws Exception {
        int n = 13;
        List<float[]> results = new ThreadRanks(3).run(c -> {
            float[] mine = RankOrderSumTest.wide(n, 7 + c.rank());
            c.allReduce(mine, Reduction.MEAN);
            return mine;
        });
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int r = 0; r < 3; r++) {
                acc += RankOrderSumTest.wide(n, 7 + r)[i];
            }
            assertEquals(Float.floatToRawIntBits((float) (acc / 3)), Float.floatToRawIntBits(results.get(2)[i]), "element " + i);
        }
    }
}
