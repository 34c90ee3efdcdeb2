package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The CPU backend's convolution against the scalar reference on random float32 inputs. */
class ConvolutionParityTest extends ParityTestBase {

    ConvolutionParityTest() {
        super(21);
    }

    /** {batch, inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups}. */
    private static final int[][] GEOMETRIES = {
        {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},
        {2, 3, 9, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        {3, 4, 11, 13, 6, 3, 2, 2, 3, 1, 0, 1, 1, 2},
        {2, 5, 9, 9, 5, 3, 3, 1, 1, 2, 2, 2, 2, 5},
        {2, 3, 8, 6, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1},
        {4, 1, 28, 28, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1},
        {3, 8, 14, 14, 16, 5, 5, 1, 1, 2, 2, 1, 1, 1},
    };

    private static Conv2dGeometry geometry(int[] a) {
        return new Conv2dGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
    }

    @Test
    void forwardWithAndWithoutBias() {
        for (int[] a : GEOMETRIES) {
            Conv2dGeometry g = geometry(a);
            Tensor x = rand(g.inputShape());
            Tensor w = rand(g.weightShape());
            Tensor b = rand(g.outChannels());
            for (Tensor bias : new Tensor[] {b, null}) {
                Tensor y0 = Tensor.zeros(g.outputShape());
                Tensor y1 = rand(g.outputShape());
                ref.conv2d(g, x, w, bias, y0);
                cpu.conv2d(g, x, w, bias, y1);
                assertClose(y0, y1, 1e-5, "conv2d " + Arrays.toString(a) + " bias " + (bias != null));
            }
        }
    }

    @Test
    void backwardData() {
        for (int[] a : GEOMETRIES) {
            Conv2dGeometry g = geometry(a);
            Tensor dy = rand(g.outputShape());
            Tensor w = rand(g.weightShape());
            Tensor dx0 = Tensor.zeros(g.inputShape());
            Tensor dx1 = rand(g.inputShape());
            ref.conv2dBackwardData(g, dy, w, dx0);
            cpu.conv2dBackwardData(g, dy, w, dx1);
            assertClose(dx0, dx1, 1e-5, "conv2dBackwardData " + Arrays.toString(a));
        }
    }

    @Test
    void backwardWeightWithAndWithoutBias() {
        for (int[] a : GEOMETRIES) {
            Conv2dGeometry g = geometry(a);
            Tensor x = rand(g.inputShape());
            Tensor dy = rand(g.outputShape());
            for (boolean bias : new boolean[] {true, false}) {
                Tensor dw0 = Tensor.zeros(g.weightShape());
                Tensor dw1 = rand(g.weightShape());
                Tensor db0 = bias ? Tensor.zeros(g.outChannels()) : null;
                Tensor db1 = bias ? rand(g.outChannels()) : null;
                ref.conv2dBackwardWeight(g, x, dy, dw0, db0);
                cpu.conv2dBackwardWeight(g, x, dy, dw1, db1);
                String what = "conv2dBackwardWeight " + Arrays.toString(a) + " bias " + bias;
                assertClose(dw0, dw1, 1e-4, what + " dw");
                if (bias) {
                    assertClose(db0, db1, 1e-4, what + " db");
                }
            }
        }
    }

    @Test
    void stridedInputsMatchToo() {
        Conv2dGeometry g = geometry(GEOMETRIES[1]);
        // x as a transposed view of a [batch, inC, inW, inH] tensor: the CPU backend falls back to the reference.
        Tensor xt = rand(g.batch(), g.inChannels(), g.inW(), g.inH()).transpose(2, 3);
        Tensor w = rand(g.weightShape());
        Tensor y0 = Tensor.zeros(g.outputShape());
        Tensor y1 = Tensor.zeros(g.outputShape());
        ref.conv2d(g, xt.contiguous(), w, null, y0);
        cpu.conv2d(g, xt, w, null, y1);
        assertClose(y0, y1, 1e-5, "conv2d of a strided view");
    }

    @Test
    void mismatchedTensorsAreRejected() {
        Conv2dGeometry g = geometry(GEOMETRIES[1]);
        Tensor x = rand(g.inputShape());
        Tensor w = rand(g.weightShape());
        for (Backend be : new Backend[] {cpu, ref}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.conv2d(g, x, w, rand(g.outChannels() + 1), Tensor.zeros(g.outputShape())));
            assertTrue(e.getMessage().contains("bias"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.conv2d(g, x, w, null, Tensor.zeros(2, 2)));
            assertTrue(e.getMessage().contains("y [2, 2]") || e.getMessage().contains("y "), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.conv2dBackwardData(g, Tensor.zeros(g.outputShape()), w, Tensor.zeros(DType.FLOAT64, g.inputShape())));
            assertTrue(e.getMessage().contains("dtype"), e.getMessage());
        }
    }
}
