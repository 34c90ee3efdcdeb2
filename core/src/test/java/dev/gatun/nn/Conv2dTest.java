package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Conv2d layer: parameters, PyTorch's initialization bounds, output shapes, errors, toString. */
class Conv2dTest {
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
    void parametersAreNamedAndShapedLikePyTorch() {
        Conv2d conv = new Conv2d(6, 8, new int[] {3, 5}, new int[] {1, 1}, new int[] {1, 2}, new int[] {1, 1}, 2,
                true, DType.FLOAT64, new SplittableRandom(1));
        assertEquals(2, conv.parameters().size());
        assertEquals("weight", conv.parameters().get(0).name());
        assertEquals("bias", conv.parameters().get(1).name());
        assertArrayEquals(new int[] {8, 3, 3, 5}, conv.weight().tensor().shape());
        assertArrayEquals(new int[] {8}, conv.bias().tensor().shape());
        assertEquals(DType.FLOAT64, conv.weight().tensor().dtype());
        assertEquals(8 * 3 * 3 * 5 + 8, conv.parameterCount());
        Conv2d noBias = new Conv2d(2, 4, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1,
                false, DType.FLOAT32, new SplittableRandom(1));
        assertNull(noBias.bias());
        assertEquals(1, noBias.parameters().size());
    }

    @Test
    void initializationBoundsFollowFanIn() {
        Conv2d conv = new Conv2d(32, 64, 5, 1, 2, new SplittableRandom(3));
        double fanIn = 32 * 5 * 5;
        // Kaiming-uniform with a = √5: gain √(2/6), bound gain·√(3/fanIn) = 1/√fanIn, the same as the bias.
        double bound = 1 / Math.sqrt(fanIn);
        for (Tensor t : new Tensor[] {conv.weight().tensor(), conv.bias().tensor()}) {
            double max = 0;
            for (float v : t.toFloatArray()) {
                assertTrue(Math.abs(v) <= bound, v + " outside ±" + bound);
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max > 0.8 * bound, "values spread over the range: max " + max + " of " + bound);
        }
    }

    @Test
    void forwardShapes() {
        SplittableRandom rng = new SplittableRandom(4);
        Conv2d same = new Conv2d(1, 32, 5, 1, 2, rng);
        assertArrayEquals(new int[] {3, 32, 28, 28}, same.forward(Tensor.zeros(3, 1, 28, 28)).shape());
        Conv2d strided = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 3}, new int[] {1, 0}, new int[] {2, 1}, 2,
                true, DType.FLOAT32, rng);
        // outH = (9 + 2 − 2·2 − 1)/2 + 1 = 4, outW = (10 − 1 − 1)/3 + 1 = 3
        assertArrayEquals(new int[] {2, 6, 4, 3}, strided.forward(Tensor.zeros(2, 4, 9, 10)).shape());
    }

    @Test
    void forwardOfConstantInputIsBiasPlusWeightSum() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 0, new SplittableRandom(5));
        Tensor y = conv.forward(Tensor.ones(DType.FLOAT32, 1, 2, 4, 4));
        float[] w = conv.weight().tensor().toFloatArray();
        float[] b = conv.bias().tensor().toFloatArray();
        for (int o = 0; o < 3; o++) {
            double expected = b[o];
            for (int k = 0; k < 18; k++) {
                expected += w[o * 18 + k];
            }
            assertEquals(expected, y.get(0, o, 1, 1), 1e-5);
        }
    }

    @Test
    void badInputAndOptionsAreNamed() {
        Conv2d conv = new Conv2d(3, 4, 3, 1, 1, new SplittableRandom(6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(3, 8, 8)));
        assertTrue(e.getMessage().contains("input must be [batch, 3, height, width]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 2, 8, 8)));
        assertTrue(e.getMessage().contains("[1, 2, 8, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, new int[] {3, 3}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 2, true, DType.FLOAT32, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("groups=2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 0, 1, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("stride"), e.getMessage());
    }

    @Test
    void readableToString() {
        assertEquals("Conv2d(1 → 32, 5x5, stride 1, pad 2)", new Conv2d(1, 32, 5, 1, 2, new SplittableRandom(1)).toString());
        assertEquals("Conv2d(4 → 4, 3x1, stride 2, pad 1x0, dilation 2, groups 4, no bias)",
                new Conv2d(4, 4, new int[] {3, 1}, new int[] {2, 2}, new int[] {1, 0}, new int[] {2, 2}, 4, false,
                        DType.FLOAT32, new SplittableRandom(1)).toString());
    }
}
