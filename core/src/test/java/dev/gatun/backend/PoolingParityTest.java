package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The CPU backend's pooling ops against the scalar reference on the same random float32 inputs. */
class PoolingParityTest extends ParityTestBase {

    PoolingParityTest() {
        super(23);
    }

    /** {N, C, H, W, kernelH, kernelW, strideH, strideW, padH, padW}. */
    private static final int[][] CASES = {
        {2, 3, 7, 7, 3, 3, 2, 2, 1, 1}, {3, 2, 9, 11, 2, 2, 2, 2, 0, 0}, {4, 8, 28, 28, 2, 2, 2, 2, 0, 0},
        {2, 16, 14, 14, 2, 2, 2, 2, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, {2, 3, 8, 13, 2, 3, 1, 2, 1, 1},
        {1, 5, 5, 6, 3, 1, 1, 1, 1, 0}
    };

    private static Pool2dGeometry geometry(int[] c) {
        return new Pool2dGeometry(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
    }

    @Test
    void maxPoolForwardAndBackward() {
        for (int[] c : CASES) {
            Pool2dGeometry g = geometry(c);
            String what = Arrays.toString(c);
            Tensor x = Tensor.uniform(rng, -3, 3, DType.FLOAT32, c[0], c[1], c[2], c[3]);
            Tensor y0 = Tensor.zeros(DType.FLOAT32, g.outputShape());
            Tensor y1 = Tensor.zeros(DType.FLOAT32, g.outputShape());
            Tensor a0 = Tensor.zeros(DType.INT32, g.outputShape());
            Tensor a1 = Tensor.zeros(DType.INT32, g.outputShape());
            ref.maxPool2d(g, x, y0, a0);
            cpu.maxPool2d(g, x, y1, a1);
            assertArrayEquals(y0.toFloatArray(), y1.toFloatArray(), "max " + what);
            assertArrayEquals(a0.toIntArray(), a1.toIntArray(), "argmax " + what);
            Tensor dy = Tensor.uniform(rng, -1, 1, DType.FLOAT32, g.outputShape());
            Tensor dx0 = Tensor.zeros(DType.FLOAT32, x.shape());
            Tensor dx1 = Tensor.uniform(rng, -1, 1, DType.FLOAT32, x.shape()); // overwritten
            ref.maxPool2dBackward(g, dy, a0, dx0);
            cpu.maxPool2dBackward(g, dy, a0, dx1);
            assertClose(dx0, dx1, 1e-6, "max backward " + what);
        }
    }

    @Test
    void avgPoolForwardAndBackwardBothDivisors() {
        for (int[] c : CASES) {
            for (boolean includePad : new boolean[] {true, false}) {
                Pool2dGeometry g = geometry(c);
                String what = Arrays.toString(c) + " countIncludePad " + includePad;
                Tensor x = Tensor.uniform(rng, -3, 3, DType.FLOAT32, c[0], c[1], c[2], c[3]);
                Tensor y0 = Tensor.zeros(DType.FLOAT32, g.outputShape());
                Tensor y1 = Tensor.zeros(DType.FLOAT32, g.outputShape());
                ref.avgPool2d(g, includePad, x, y0);
                cpu.avgPool2d(g, includePad, x, y1);
                assertClose(y0, y1, 1e-6, "avg " + what);
                Tensor dy = Tensor.uniform(rng, -1, 1, DType.FLOAT32, g.outputShape());
                Tensor dx0 = Tensor.zeros(DType.FLOAT32, x.shape());
                Tensor dx1 = Tensor.uniform(rng, -1, 1, DType.FLOAT32, x.shape());
                ref.avgPool2dBackward(g, includePad, dy, dx0);
                cpu.avgPool2dBackward(g, includePad, dy, dx1);
                assertClose(dx0, dx1, 1e-6, "avg backward " + what);
            }
        }
    }

    @Test
    void stridedInputsAndFloat64FallBackToTheReference() {
        Tensor base = Tensor.uniform(rng, -3, 3, DType.FLOAT32, 2, 3, 9, 8);
        Tensor x = base.transpose(2, 3); // [2, 3, 8, 9], not contiguous
        Pool2dGeometry g = new Pool2dGeometry(2, 3, 8, 9, 2, 2, 2, 2, 0, 0);
        Tensor y0 = Tensor.zeros(DType.FLOAT32, g.outputShape());
        Tensor y1 = Tensor.zeros(DType.FLOAT32, g.outputShape());
        Tensor a0 = Tensor.zeros(DType.INT32, g.outputShape());
        Tensor a1 = Tensor.zeros(DType.INT32, g.outputShape());
        ref.maxPool2d(g, x, y0, a0);
        cpu.maxPool2d(g, x.contiguous(), y1, a1);
        assertArrayEquals(y0.toFloatArray(), y1.toFloatArray());
        assertArrayEquals(a0.toIntArray(), a1.toIntArray());
        Tensor x64 = x.to(DType.FLOAT64);
        Tensor y64 = Tensor.zeros(DType.FLOAT64, g.outputShape());
        cpu.avgPool2d(g, true, x64, y64);
        cpu.avgPool2d(g, true, x, y1);
        assertClose(y64, y1, 1e-6, "float64 avg");
    }

    @Test
    void rejectsMismatchedTensors() {
        Pool2dGeometry g = new Pool2dGeometry(1, 2, 4, 4, 2, 2, 2, 2, 0, 0);
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 2, 4, 4);
        for (Backend be : new Backend[] {cpu, ref}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.maxPool2d(g, x, Tensor.zeros(DType.FLOAT32, 1, 2, 3, 2), Tensor.zeros(DType.INT32, 1, 2, 2, 2)));
            assertTrue(e.getMessage().contains("y float32[1, 2, 3, 2] must have shape [1, 2, 2, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.maxPool2d(g, x, Tensor.zeros(DType.FLOAT32, 1, 2, 2, 2), Tensor.zeros(DType.FLOAT32, 1, 2, 2, 2)));
            assertTrue(e.getMessage().contains("argmax must be int32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.avgPool2dBackward(g, true, Tensor.zeros(DType.FLOAT32, 1, 2, 2, 2), Tensor.zeros(DType.FLOAT32, 1, 2, 4, 5)));
            assertTrue(e.getMessage().contains("dx"), e.getMessage());
        }
    }
}
