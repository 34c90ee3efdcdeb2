package dev.gatun.train.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DataParallel#syncGradients} over three in-process ranks ({@link ThreadRanks}), one of them
 * without examples, with a host gradient (copied into the bucket directly) and a gradient on the
 * fake device (copied through the host): each element must be the example-weighted rank-order
 * float64 sum, written out here, on every rank.
 */
class GradientBucketsTest {
    private static final int[] EXAMPLES = {4, 0, 3};
    private static final int[][] SHAPES = {{5}, {2, 3}, {1}, {4}};

    static float[] gradient(int rank, int parameter, int n) {
        return RankOrderSumTest.wide(n, 31L * rank + parameter);
    }

    @Test
    void everyRankGetsTheExampleWeightedRankOrderSum() throws Exception {
        List<float[][]> results = new ThreadRanks(3).run(c -> {
            try (Scope scope = Scope.open("rank " + c.rank())) {
                List<Parameter> parameters = new ArrayList<>();
                for (int p = 0; p < SHAPES.length; p++) {
                    int n = Math.toIntExact(Shape.checkedSize(SHAPES[p]));
                    Device device = p == 1 ? Device.fake() : Device.CPU;
                    Tensor w = Tensor.of(new float[n], SHAPES[p]).to(device);
                    Parameter param = new Parameter("p" + p, w);
                    w.setGrad(Tensor.of(gradient(c.rank(), p, n), SHAPES[p]).to(device));
                    parameters.add(param);
                }
                // 48-byte buckets: the first three gradients (12 floats) share one, the last has its own.
                new DataParallel(c, 48).syncGradients(parameters, EXAMPLES[c.rank()]);
                float[][] grads = new float[SHAPES.length][];
                for (int p = 0; p < SHAPES.length; p++) {
                    grads[p] = parameters.get(p).grad().toFloatArray();
                }
                return grads;
            }
        });
        double total = EXAMPLES[0] + EXAMPLES[1] + EXAMPLES[2];
        for (int p = 0; p < SHAPES.length; p++) {
            int n = results.get(0)[p].length;
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int r = 0; r < 3; r++) {
                    acc += EXAMPLES[r] * (double) gradient(r, p, n)[i];
                }
                int want = Float.floatToRawIntBits((float) (acc / total));
                for (int r = 0; r < 3; r++) {
                    assertEquals(want, Float.floatToRawIntBits(results.get(r)[p][i]), "parameter " + p + " element " + i
                            + " on rank " + r);
                }
            }
        }
    }
}
