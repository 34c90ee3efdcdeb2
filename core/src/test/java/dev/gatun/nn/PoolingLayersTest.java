package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MaxPool2d, AvgPool2d, GlobalAvgPool2d and Flatten as layers: shapes, values, gradients, bad input. */
class PoolingLayersTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** [1, 1, 4, 4] holding 0..15 row-major. */
    private static Tensor ramp() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        return Tensor.of(v, 1, 1, 4, 4);
    }

    @Test
    void maxPoolHalvesAndRoutesGradientToTheMaximum() {
        Tensor x = ramp().requiresGrad(true);
        Tensor y = new MaxPool2d(2).forward(x);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {5, 7, 13, 15}, y.toFloatArray());
        y.sum().backward();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < 16; i++) {
            assertEquals(i == 5 || i == 7 || i == 13 || i == 15 ? 1f : 0f, g[i], "grad at " + i);
        }
        Tensor overlapping = new MaxPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}).forward(ramp());
        assertArrayEquals(new float[] {5, 7, 13, 15}, overlapping.toFloatArray());
    }

    @Test
    void avgPoolBothDivisors() {
        Tensor y = new AvgPool2d(2).forward(ramp());
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, y.toFloatArray());
        int[] k = {3, 3};
        int[] s = {2, 2};
        int[] p = {1, 1};
        // Top-left window sees 0, 1, 4, 5 plus five padded zeros.
        assertEquals(10f / 9, new AvgPool2d(k, s, p).forward(ramp()).toFloatArray()[0], 1e-6);
        assertEquals(2.5f, new AvgPool2d(k, s, p, false).forward(ramp()).toFloatArray()[0], 1e-6);
    }

    @Test
    void globalAvgPoolGivesOneValuePerChannel() {
        Tensor x = Tensor.uniform(3, -1, 1, DType.FLOAT32, 2, 3, 5, 4).requiresGrad(true);
        Tensor y = new GlobalAvgPool2d().forward(x);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        double sum = 0;
        for (int i = 0; i < 20; i++) {
            sum += x.getFlat(20 + i); // sample 0, channel 1
        }
        assertEquals(sum / 20, y.get(0, 1), 1e-6);
        y.sum().backward();
        assertEquals(1f / 20, x.grad().toFloatArray()[7], 1e-7);
    }

    @Test
    void flattenIsAViewWhenContiguousAndCopiesOtherwise() {
        Tensor x = Tensor.uniform(4, -1, 1, DType.FLOAT32, 2, 3, 4, 5).requiresGrad(true);
        Tensor y = new Flatten().forward(x);
        assertArrayEquals(new int[] {2, 60}, y.shape());
        assertSame(x.segment(), y.segment(), "a view shares storage");
        y.mul(2).sum().backward();
        assertEquals(2f, x.grad().toFloatArray()[59]);
        Tensor t = x.detach().transpose(2, 3);
        Tensor flat = new Flatten().forward(t);
        assertArrayEquals(new int[] {2, 60}, flat.shape());
        assertEquals(t.get(1, 2, 4, 3), flat.get(1, 2 * 20 + 4 * 4 + 3));
        Tensor matrix = Tensor.zeros(3, 7);
        assertSame(matrix, new Flatten().forward(matrix));
    }

    @Test
    void badInputNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaxPool2d(5).forward(Tensor.zeros(1, 1, 4, 4)));
        assertTrue(e.getMessage().contains("kernel 5x5 is larger than the padded input 4x4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AvgPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 1}));
        assertTrue(e.getMessage().contains("padding [2, 1] must be at most half the kernel [3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(4, 4)));
        assertTrue(e.getMessage().contains("input must be 4-D"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(new int[] {2}, new int[] {2, 2},
                new int[] {0, 0}));
        assertTrue(e.getMessage().contains("kernel must be {height, width}"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GlobalAvgPool2d().forward(Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("globalAvgPool2d: input must be 4-D"), e.getMessage());
    }
}
