package dev.gatun.autograd;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.ops.Normalization;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch norm gradients wrt x, γ and β against central finite differences, in float64, on both
 * backends: training mode on [N, C], [N, C, L] and [N, C, H, W], and evaluation mode. The
 * running statistics are captured by the lambdas, not checked inputs: they are buffers.
 */
class BatchNormGradientTest {
    private Scope scope;
    private final SplittableRandom rng = new SplittableRandom(17);

    @BeforeEach
    void open() {
        scope = Scope.open("batch norm grad test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @AfterAll
    static void restore() {
        BackendRegistry.use("cpu");
    }

    private Tensor rand(double lo, double hi, int... shape) {
        return Tensor.uniform(rng, lo, hi, DType.FLOAT64, shape);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void training(String backend) {
        BackendRegistry.use(backend);
        int[][] shapes = {{4, 3}, {3, 2, 5}, {3, 2, 3, 4}, {2, 1, 1, 2}};
        for (int[] shape : shapes) {
            int c = shape[1];
            Tensor rm = Tensor.zeros(DType.FLOAT64, c);
            Tensor rv = Tensor.ones(DType.FLOAT64, c);
            GradCheck.check("batchNorm train " + java.util.Arrays.toString(shape), 1e-6, 1e-5,
                    in -> Normalization.batchNorm(in.get(0), in.get(1), in.get(2), rm, rv, true, 0.1, 1e-5),
                    rand(-2, 3, shape), rand(0.5, 2, c), rand(-1, 1, c));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void evaluation(String backend) {
        BackendRegistry.use(backend);
        int[][] shapes = {{4, 3}, {2, 3, 2, 3}};
        for (int[] shape : shapes) {
            int c = shape[1];
            Tensor rm = rand(-1, 1, c);
            Tensor rv = rand(0.5, 2, c);
            GradCheck.check("batchNorm eval " + java.util.Arrays.toString(shape),
                    in -> Normalization.batchNorm(in.get(0), in.get(1), in.get(2), rm, rv, false, 0.1, 1e-5),
                    rand(-2, 3, shape), rand(0.5, 2, c), rand(-1, 1, c));
        }
    }
}
