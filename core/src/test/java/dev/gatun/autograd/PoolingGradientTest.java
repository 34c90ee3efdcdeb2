package dev.gatun.autograd;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.ops.Pooling;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pooling gradients against central finite differences, in float64, on both backends. */
class PoolingGradientTest extends GradientTestBase {
    PoolingGradientTest() {
        super(13);
    }

    /** Distinct values 0.01 apart (shuffled), so no window has a tie a finite difference could flip. */
    private Tensor distinct(int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        int n = (int) t.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int i = 0; i < n; i++) {
            t.setFlat(i, 0.01 * order[i] - 0.005 * n);
        }
        return t;
    }

    private static int[] p(int h, int w) {
        return new int[] {h, w};
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void maxPool(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("maxPool k3 s2 p1 (overlapping)", in -> Pooling.maxPool2d(in.get(0), p(3, 3), p(2, 2), p(1, 1)),
                distinct(2, 2, 5, 5));
        GradCheck.check("maxPool k2 s2 odd sizes", in -> Pooling.maxPool2d(in.get(0), p(2, 2), p(2, 2), p(0, 0)),
                distinct(1, 3, 5, 7));
        GradCheck.check("maxPool k2x3 s1x2 p1", in -> Pooling.maxPool2d(in.get(0), p(2, 3), p(1, 2), p(1, 1)),
                distinct(2, 1, 4, 6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void avgPool(String backend) {
        BackendRegistry.use(backend);
        for (boolean includePad : new boolean[] {true, false}) {
            GradCheck.check("avgPool k3 s2 p1 " + includePad,
                    in -> Pooling.avgPool2d(in.get(0), p(3, 3), p(2, 2), p(1, 1), includePad), rand(2, 2, 5, 5));
            GradCheck.check("avgPool k2 s2 " + includePad,
                    in -> Pooling.avgPool2d(in.get(0), p(2, 2), p(2, 2), p(0, 0), includePad), rand(1, 2, 5, 4));
            GradCheck.check("avgPool k3x2 s1 p1x0 " + includePad,
                    in -> Pooling.avgPool2d(in.get(0), p(3, 2), p(1, 1), p(1, 0), includePad), rand(1, 2, 4, 3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void globalAvgPool(String backend) {
        BackendRegistry.use(backend);
        GradCheck.check("globalAvgPool", in -> Pooling.globalAvgPool2d(in.get(0)), rand(2, 3, 3, 4));
        GradCheck.check("globalAvgPool of a transposed view",
                in -> Pooling.globalAvgPool2d(in.get(0).transpose(2, 3)), rand(2, 2, 3, 5));
    }
}
