package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's batch norm against the scalar reference on the same random float32 inputs:
 * [N, C], [N, C, L] and [N, C, H, W], inputs offset from zero so cancellation matters.
 */
class BatchNormParityTest extends ParityTestBase {

    BatchNormParityTest() {
        super(31);
    }

    private static final int[][] SHAPES = {{2, 3}, {129, 5}, {4, 3, 7}, {3, 2, 17}, {5, 4, 9, 11}, {16, 8, 28, 28},
        {1, 3, 2, 2}};

    @Test
    void trainInferenceAndBackward() {
        for (int[] shape : SHAPES) {
            String what = Arrays.toString(shape);
            int c = shape[1];
            Tensor x = uniform(2, 4, shape);
            Tensor gamma = uniform(0.5, 2, c);
            Tensor beta = uniform(-1, 1, c);
            Tensor[] running0 = {uniform(-1, 1, c), uniform(0.5, 2, c)};
            Tensor[] running1 = {Tensor.zeros(c).copyFrom(running0[0]), Tensor.zeros(c).copyFrom(running0[1])};
            Tensor y0 = Tensor.zeros(DType.FLOAT32, shape);
            Tensor y1 = Tensor.zeros(DType.FLOAT32, shape);
            Tensor m0 = Tensor.zeros(c);
            Tensor m1 = Tensor.zeros(c);
            Tensor s0 = Tensor.zeros(c);
            Tensor s1 = Tensor.zeros(c);
            ref.batchNormTrain(x, gamma, beta, 1e-5, 0.1, running0[0], running0[1], y0, m0, s0);
            cpu.batchNormTrain(x, gamma, beta, 1e-5, 0.1, running1[0], running1[1], y1, m1, s1);
            assertClose(m0, m1, 1e-6, "saveMean " + what);
            assertClose(s0, s1, 2e-5, "saveInvStd " + what);
            assertClose(y0, y1, 2e-5, "y " + what);
            assertClose(running0[0], running1[0], 1e-6, "running mean " + what);
            assertClose(running0[1], running1[1], 1e-5, "running var " + what);

            Tensor e0 = Tensor.zeros(DType.FLOAT32, shape);
            Tensor e1 = Tensor.zeros(DType.FLOAT32, shape);
            ref.batchNormInference(x, gamma, beta, running0[0], running0[1], 1e-5, e0);
            cpu.batchNormInference(x, gamma, beta, running0[0], running0[1], 1e-5, e1);
            assertClose(e0, e1, 1e-6, "inference " + what);

            Tensor dy = uniform(-1, 1, shape);
            Tensor dx0 = Tensor.zeros(DType.FLOAT32, shape);
            Tensor dx1 = Tensor.zeros(DType.FLOAT32, shape);
            Tensor dg0 = Tensor.zeros(c);
            Tensor dg1 = Tensor.zeros(c);
            Tensor db0 = Tensor.zeros(c);
            Tensor db1 = Tensor.zeros(c);
            ref.batchNormBackward(x, gamma, m0, s0, dy, dx0, dg0, db0);
            cpu.batchNormBackward(x, gamma, m0, s0, dy, dx1, dg1, db1);
            double sumTol = 1e-6 * Math.sqrt(x.size() / c) * 4;
            assertClose(db0, db1, sumTol, "dbeta " + what);
            assertClose(dg0, dg1, sumTol, "dgamma " + what);
            assertClose(dx0, dx1, 2e-5, "dx " + what);
        }
    }

    @Test
    void stridedInputFallsBackToTheReference() {
        Tensor base = uniform(-2, 2, 3, 6, 4);
        Tensor x = base.transpose(1, 2); // [3, 4, 6], channels 4, not contiguous
        Tensor gamma = Tensor.ones(DType.FLOAT32, 4);
        Tensor beta = Tensor.zeros(DType.FLOAT32, 4);
        Tensor y0 = Tensor.zeros(3, 4, 6);
        Tensor y1 = Tensor.zeros(3, 4, 6);
        Tensor m = Tensor.zeros(4);
        Tensor s = Tensor.zeros(4);
        ref.batchNormTrain(x, gamma, beta, 1e-5, 0.1, null, null, y0, m, s);
        cpu.batchNormTrain(x.contiguous(), gamma, beta, 1e-5, 0.1, null, null, y1, m, s);
        assertClose(y0, y1, 2e-5, "strided");
    }

    @Test
    void rejectsBadInputsNamingTheProblem() {
        for (Backend be : new Backend[] {cpu, ref}) {
            Tensor x = uniform(-1, 1, 4, 3, 2, 2);
            Tensor c3 = Tensor.zeros(3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.batchNormTrain(x,
                    Tensor.ones(DType.FLOAT32, 4), c3, 1e-5, 0.1, null, null, Tensor.zeros(4, 3, 2, 2), c3, c3));
            assertTrue(e.getMessage().contains("gamma float32[4] must be [3]"), e.getMessage());
            Tensor single = uniform(-1, 1, 1, 3);
            e = assertThrows(IllegalArgumentException.class, () -> be.batchNormTrain(single, c3, c3, 1e-5, 0.1,
                    null, null, Tensor.zeros(1, 3), c3, c3));
            assertTrue(e.getMessage().contains("more than 1 value per channel when training"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.batchNormInference(uniform(-1, 1, 5), c3, c3, c3,
                    c3, 1e-5, Tensor.zeros(5)));
            assertTrue(e.getMessage().contains("must be [N, C] or [N, C, ...]"), e.getMessage());
        }
    }
}
