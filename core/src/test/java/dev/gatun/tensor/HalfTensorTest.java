package dev.gatun.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.kernels.half.HalfBits;
import dev.gatun.nn.BatchNorm2d;
import dev.gatun.nn.LSTM;
import dev.gatun.ops.Convolution;
import dev.gatun.ops.Pooling;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bfloat16 and float16 tensors: {@link Tensor#to(DType)} both ways with autograd, element access, and ops refusing them. */
class HalfTensorTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("half tensor test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static float round(DType half, float v) {
        return half == DType.BFLOAT16 ? HalfBits.roundToBf16(v) : HalfBits.roundToFp16(v);
    }

    @Test
    void halvesHoldTwoBytesAndRoundOnEveryWrite() {
        assertEquals(2, DType.BFLOAT16.byteSize());
        assertEquals(2, DType.FLOAT16.byteSize());
        assertEquals("bfloat16", DType.BFLOAT16.label());
        assertEquals("float16", DType.FLOAT16.label());
        assertTrue(DType.BFLOAT16.isFloating() && DType.FLOAT16.isFloating());
        for (DType half : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            Tensor t = Tensor.zeros(half, 2, 3);
            t.set(1.0 / 3, 1, 2);
            assertEquals(round(half, 1f / 3), t.get(1, 2), half.label());
            assertEquals(0.0, t.get(0, 0));
            t.setFlat(0, 1e6);
            assertEquals(half == DType.FLOAT16 ? Float.POSITIVE_INFINITY : HalfBits.roundToBf16(1e6f), t.getFlat(0));
            assertEquals(half.label() + "[2, 3]", t.describe());
        }
    }

    @Test
    void toConvertsBothWaysOnTheHostAndTheFakeDevice() {
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[37 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.scalb(r.nextDouble(-2, 2), r.nextInt(-20, 18));
        }
        for (Device device : List.of(Device.CPU, Device.fake())) {
            for (DType half : List.of(DType.BFLOAT16, DType.FLOAT16)) {
                Tensor x = Tensor.of(v, 37, 5).to(device);
                Tensor h = x.to(half);
                assertEquals(half, h.dtype());
                assertEquals(device, h.device());
                float[] expected = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    expected[i] = round(half, v[i]);
                }
                assertArrayEquals(expected, h.toFloatArray(), half + " on " + device);
                assertArrayEquals(expected, h.to(DType.FLOAT32).toFloatArray(), half + " back on " + device);
                double[] wide = h.to(DType.FLOAT64).toDoubleArray();
                for (int i = 0; i < v.length; i++) {
                    assertEquals(expected[i], wide[i], 0.0, "float64 at " + i);
                }
                // A transposed view converts by position, as a copy would.
                Tensor ht = x.t().to(half);
                assertEquals(x.t().contiguous().to(half).toFloatArray().length, ht.toFloatArray().length);
                assertArrayEquals(x.t().contiguous().to(half).toFloatArray(), ht.toFloatArray(), "transposed " + half);
            }
        }
    }

    @Test
    void gradientsFlowThroughCastsInTheInputsDtype() {
        SplittableRandom r = new SplittableRandom(2);
        float[] w = new float[12];
        float[] v = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextDouble(-3, 3);
            v[i] = (float) r.nextDouble(-3, 3);
        }
        for (DType half : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            Tensor weights = Tensor.of(w, 3, 4);
            // float32 leaf -> half -> float32: the gradient is rounded through the half and arrives as float32.
            Tensor x = Tensor.of(v, 3, 4).requiresGrad(true);
            x.to(half).to(DType.FLOAT32).mul(weights).sum().backward();
            assertEquals(DType.FLOAT32, x.grad().dtype());
            float[] expected = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = round(half, w[i]);
            }
            assertArrayEquals(expected, x.grad().toFloatArray(), half.label());
            // A half leaf gets a half gradient.
            Tensor hx = Tensor.of(v, 3, 4).to(half).detach().requiresGrad(true);
            hx.to(DType.FLOAT32).mul(weights).sum().backward();
            assertEquals(half, hx.grad().dtype());
            assertArrayEquals(expected, hx.grad().toFloatArray(), half.label() + " leaf");
        }
    }

    @Test
    void float32ToFloat64GradientMatchesFiniteDifferences() {
        Tensor x = Tensor.of(new float[] {0.5f, -1.25f, 2f}, 3).requiresGrad(true);
        Function<Tensor, Tensor> f = t -> t.to(DType.FLOAT64).mul(t.to(DType.FLOAT64)).sum();
        f.apply(x).backward();
        float[] g = x.grad().toFloatArray();
        float[] xs = x.toFloatArray();
        double h = 1e-3;
        for (int i = 0; i < xs.length; i++) {
            float[] up = xs.clone();
            float[] down = xs.clone();
            up[i] += (float) h;
            down[i] -= (float) h;
            double numeric = (f.apply(Tensor.of(up, 3)).item() - f.apply(Tensor.of(down, 3)).item()) / (up[i] - down[i]);
            assertEquals(numeric, g[i], 1e-3, "element " + i);
        }
    }

    private static void assertRefuses(String op, DType half, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, op);
        assertTrue(e.getMessage().startsWith(op) && e.getMessage().contains("is " + half.label())
                && e.getMessage().contains("cast it to float32 first (Tensor.to)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void opsThatComputeInFloat32RefuseHalvesNamingTheOpAndDtype() {
        for (Device device : List.of(Device.CPU, Device.fake())) {
            for (DType half : List.of(DType.BFLOAT16, DType.FLOAT16)) {
                Tensor a = Tensor.zeros(half, 2, 3).to(device);
                Tensor img = Tensor.zeros(half, 1, 1, 4, 4).to(device);
                Tensor kernel = Tensor.zeros(half, 1, 1, 3, 3).to(device);
                assertRefuses("binary ADD", half, () -> a.add(a));
                assertRefuses("unary RELU", half, () -> a.relu());
                assertRefuses("reduce SUM", half, () -> a.sum(0, false));
                assertRefuses("softmax", half, () -> a.softmax());
                assertRefuses("argmax", half, () -> a.argmax());
                assertRefuses("conv2d", half, () -> Convolution.conv2d(img, kernel, null, new int[] {1, 1},
                        new int[] {0, 0}, new int[] {1, 1}, 1));
                assertRefuses("maxPool2d", half, () -> Pooling.maxPool2d(img, new int[] {2, 2}, new int[] {2, 2},
                        new int[] {0, 0}));
                Tensor grad = Tensor.zeros(half, 2, 3).to(device);
                assertRefuses("adam", half, () -> BackendRegistry.of(a).adamStep(a, grad, grad, grad, 0.1, 0.9, 0.999,
                        1e-8, 0, false, 1));
                IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> a.matmul(a.t()));
                assertTrue(mixed.getMessage().contains("C must be float32"), mixed.getMessage());
            }
        }
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(3, 1e-5, 0.1, DType.BFLOAT16));
        assertTrue(bn.getMessage().contains("bfloat16"), bn.getMessage());
        IllegalArgumentException lstm = assertThrows(IllegalArgumentException.class,
                () -> new LSTM(3, 4, 1, false, false, DType.FLOAT16, new SplittableRandom(1)));
        assertTrue(lstm.getMessage().contains("float16"), lstm.getMessage());
    }
}
