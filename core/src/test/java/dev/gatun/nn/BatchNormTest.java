package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BatchNorm1d/2d layers: running statistics, train/eval, parameter and buffer names, bad input. */
class BatchNormTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void runningStatisticsFollowMomentumAndTheUnbiasedVariance() {
        BatchNorm2d bn = new BatchNorm2d(2, DType.FLOAT64);
        double[] expectedMean = {0, 0};
        double[] expectedVar = {1, 1};
        SplittableRandom rng = new SplittableRandom(5);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.uniform(rng, -1, 3, DType.FLOAT64, 3, 2, 2, 2);
            Tensor y = bn.forward(x);
            for (int c = 0; c < 2; c++) {
                double sum = 0;
                for (int n = 0; n < 3; n++) {
                    for (int k = 0; k < 4; k++) {
                        sum += x.get(n, c, k / 2, k % 2);
                    }
                }
                double mean = sum / 12;
                double sq = 0;
                for (int n = 0; n < 3; n++) {
                    for (int k = 0; k < 4; k++) {
                        double d = x.get(n, c, k / 2, k % 2) - mean;
                        sq += d * d;
                    }
                }
                expectedMean[c] = 0.9 * expectedMean[c] + 0.1 * mean;
                expectedVar[c] = 0.9 * expectedVar[c] + 0.1 * sq / 11;
                // Training output uses the biased batch variance.
                double want = (x.get(1, c, 1, 0) - mean) / Math.sqrt(sq / 12 + 1e-5);
                assertEquals(want, y.get(1, c, 1, 0), 1e-12);
            }
            assertArrayEquals(expectedMean, bn.runningMean().toDoubleArray(), 1e-12, "step " + step);
            assertArrayEquals(expectedVar, bn.runningVar().toDoubleArray(), 1e-12, "step " + step);
        }
    }

    @Test
    void evalModeUsesRunningStatisticsAndLeavesThemAlone() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.runningMean().copyFrom(Tensor.of(new float[] {1, 2, 3}, 3));
        bn.runningVar().copyFrom(Tensor.of(new float[] {4, 9, 16}, 3));
        bn.weight().tensor().copyFrom(Tensor.of(new float[] {2, 1, 1}, 3));
        bn.bias().tensor().copyFrom(Tensor.of(new float[] {0, 0, 1}, 3));
        bn.train(false);
        Tensor y = bn.forward(Tensor.of(new float[] {3, 2, 7}, 1, 3)); // batch of 1 is fine in eval
        assertArrayEquals(new float[] {2, 0, 2}, y.toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {1, 2, 3}, bn.runningMean().toFloatArray());
        Tensor seq = bn.forward(Tensor.uniform(1, -1, 1, DType.FLOAT32, 4, 3, 5));
        assertArrayEquals(new int[] {4, 3, 5}, seq.shape());
    }

    @Test
    void parametersBuffersAndStateUsePyTorchNames() {
        Sequential net = new Sequential(new Linear(4, 3, new SplittableRandom(1)), new BatchNorm1d(3));
        List<String> params = net.parameters().stream().map(Parameter::name).toList();
        List<String> buffers = net.buffers().stream().map(Parameter::name).toList();
        List<String> state = net.state().stream().map(Parameter::name).toList();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), params);
        assertEquals(List.of("1.running_mean", "1.running_var"), buffers);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"), state);
        for (Parameter b : net.buffers()) {
            assertFalse(b.tensor().requiresGrad(), b.name() + " must not require gradients");
        }
        assertEquals(4 * 3 + 3 + 3 + 3, net.parameterCount());
        Tensor x = Tensor.uniform(2, -1, 1, DType.FLOAT32, 5, 4);
        net.forward(x).sum().backward();
        assertTrue(net.parameters().get(2).grad() != null, "gamma gets a gradient");
        for (Parameter b : net.buffers()) {
            assertEquals(null, b.tensor().grad(), b.name());
        }
    }

    @Test
    void badInputNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(4).forward(Tensor.zeros(8, 4)));
        assertTrue(e.getMessage().contains("BatchNorm2d(4): input must be 4-D [N, 4, H, W], got float32[8, 4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).forward(Tensor.zeros(2, 3, 5, 5)));
        assertTrue(e.getMessage().contains("has 3 channels (axis 1), expected 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(1, 3)));
        assertTrue(e.getMessage().contains("expected more than 1 value per channel when training"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(2, 3, 4, 4)));
        assertTrue(e.getMessage().contains("BatchNorm1d(3): input must be 2-D"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0));
        assertTrue(e.getMessage().contains("channels must be > 0"), e.getMessage());
    }
}
