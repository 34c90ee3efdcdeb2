package dev.gatun.autograd;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.ops.Normalization;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch norm gradients wrt x, γ and β against central finite differences, in float64, on both
 * backends: training mode on [N, C], [N, C, L] and [N, C, H, W], and evaluation mode. The
 * running statistics are captured by the lambdas, not checked inputs: they are buffers.
 */
class BatchNormGradientTest extends GradientTestBase {
    BatchNormGradientTest() {
        super(17);
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
                    uniform(-2, 3, shape), uniform(0.5, 2, c), uniform(-1, 1, c));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "cpu"})
    void evaluation(String backend) {
        BackendRegistry.use(backend);
        int[][] shapes = {{4, 3}, {2, 3, 2, 3}};
        for (int[] shape : shapes) {
            int c = shape[1];
            Tensor rm = uniform(-1, 1, c);
            Tensor rv = uniform(0.5, 2, c);
            GradCheck.check("batchNorm eval " + java.util.Arrays.toString(shape),
                    in -> Normalization.batchNorm(in.get(0), in.get(1), in.get(2), rm, rv, false, 0.1, 1e-5),
                    uniform(-2, 3, shape), uniform(0.5, 2, c), uniform(-1, 1, c));
        }
    }
}
