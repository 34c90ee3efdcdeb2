package dev.gatun.ops;

import static dev.gatun.ops.HalfValues.assertSameBits;
import static dev.gatun.ops.HalfValues.random;
import static dev.gatun.ops.HalfValues.rounded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Autocast's GEMMs on real 16-bit operands, on the fake device (which declares CUDA's native half
 * GEMM and runs it with the CPU's widening GEMM), against the CPU's emulation and the scalar
 * definition of the half formats, on odd shapes.
 */
class HalfGemmAutocastTest {
    private static final Precision[] HALVES = {Precision.BF16, Precision.FP16};

    private static Tensor fake(float[] v, int... shape) {
        return Tensor.of(v, shape).to(Device.fake());
    }

    @Test
    void theFakeDeviceDeclaresANativeHalfGemmAndTheCpuBackendsDoNot() {
        try (Scope s = Scope.open("test")) {
            assertTrue(BackendRegistry.of(Tensor.zeros(1).to(Device.fake())).hasNativeHalfGemm());
        }
        assertFalse(BackendRegistry.create("cpu").hasNativeHalfGemm());
        assertFalse(BackendRegistry.create("scalar").hasNativeHalfGemm());
    }

    @Test
    void forwardEqualsTheCpuEmulation() {
        for (Precision p : HALVES) {
            try (Scope s = Scope.open("test")) {
                int n = 9;
                int in = 37;
                int out = 11;
                float[] xv = random(1, n * in, -2, 2);
                float[] wv = random(2, out * in, -0.5, 0.5);
                float[] bv = random(3, out, -1, 1);
                float[] cpu;
                float[] cpuProduct;
                try (Autocast a = Autocast.enable(p)) {
                    cpu = MatMul.linear(Tensor.of(xv, n, in), Tensor.of(wv, out, in), Tensor.of(bv, out)).toFloatArray();
                    cpuProduct = MatMul.apply(Tensor.of(xv, n, in), Tensor.of(wv, out, in).t()).toFloatArray();
                }
                try (Autocast a = Autocast.enable(p)) {
                    Tensor y = MatMul.linear(fake(xv, n, in), fake(wv, out, in), fake(bv, out));
                    assertEquals(Device.fake(), y.device());
                    assertEquals(DType.FLOAT32, y.dtype());
                    // The fake device widens the 16-bit operands to exactly the values the emulation rounds
                    // to and runs the same float32 GEMM, so even the sums' order agrees.
                    assertSameBits(cpu, y.toFloatArray(), p + " linear");
                    Tensor c = MatMul.apply(fake(xv, n, in), fake(wv, out, in).t());
                    assertSameBits(cpuProduct, c.toFloatArray(), p + " matmul of a transposed view");
                    assertEquals(1, a.count("linear", p));
                    assertEquals(1, a.count("matmul", p));
                }
            }
        }
    }

    @Test
    void backwardGemmsTakeTheGradientIn16BitsAndRoundTheOperandsGradients() {
        for (Precision p : HALVES) {
            try (Scope s = Scope.open("test")) {
                int n = 7;
                int in = 13;
                int out = 5;
                float[] xv = random(4, n * in, -3, 3);
                float[] wv = random(5, out * in, -1, 1);
                float[] bv = random(6, out, -1, 1);
                float[] gv = random(7, n * out, -1, 1);
                Tensor x = fake(xv, n, in).requiresGrad(true);
                Tensor w = fake(wv, out, in).requiresGrad(true);
                Tensor b = fake(bv, out).requiresGrad(true);
                try (Autocast a = Autocast.enable(p)) {
                    MatMul.linear(x, w, b).mul(fake(gv, n, out)).sum().backward();
                }
                // dX = round(round(g)·round(W)), dW = round(round(g)ᵀ·round(X)), db = round(Σ_rows g): float32
                // products of 16-bit values, exact, summed in float32 by the CPU's GEMM.
                Tensor g16 = Tensor.of(rounded(gv, p), n, out);
                Tensor x16 = Tensor.of(rounded(xv, p), n, in);
                Tensor w16 = Tensor.of(rounded(wv, p), out, in);
                float[] dx = rounded(g16.matmul(w16).toFloatArray(), p);
                float[] dw = rounded(g16.t().contiguous().matmul(x16).toFloatArray(), p);
                float[] db = rounded(Tensor.of(gv, n, out).sum(0, false).toFloatArray(), p);
                assertSameBits(dx, x.grad().toFloatArray(), p + " dX");
                assertSameBits(dw, w.grad().toFloatArray(), p + " dW");
                assertSameBits(db, b.grad().toFloatArray(), p + " db");
                assertEquals(DType.FLOAT32, w.grad().dtype(), "the master weights' gradients stay float32");
                assertEquals(Device.fake(), w.grad().device());
                // The emulation multiplies the float32 gradient: a 16-bit GEMM cannot, so the two differ.
                float[] emulated = rounded(Tensor.of(gv, n, out).matmul(w16).toFloatArray(), p);
                assertFalse(Arrays.equals(emulated, x.grad().toFloatArray()), p + ": the gradient was cast to 16 bits");
                // And the difference is within the format's rounding of the gradient.
                double unit = p == Precision.BF16 ? 0x1p-8 : 0x1p-11;
                float[] actual = x.grad().toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < in; k++) {
                        double magnitude = 0;
                        for (int o = 0; o < out; o++) {
                            magnitude += Math.abs(gv[i * out + o] * wv[o * in + k]);
                        }
                        assertTrue(Math.abs(actual[i * in + k] - emulated[i * in + k]) <= 4.01 * unit * magnitude,
                                p + " dX[" + i + "," + k + "]");
                    }
                }
            }
        }
    }

    @Test
    void matmulGradientsIntoBothOperands() {
        try (Scope s = Scope.open("test")) {
            Precision p = Precision.BF16;
            int n = 5;
            int k = 11;
            int m = 3;
            float[] av = random(8, n * k, -2, 2);
            float[] bv = random(9, k * m, -2, 2);
            float[] gv = random(10, n * m, -1, 1);
            Tensor a = fake(av, n, k).requiresGrad(true);
            Tensor b = fake(bv, k, m).requiresGrad(true);
            try (Autocast cast = Autocast.enable(p)) {
                a.matmul(b).mul(fake(gv, n, m)).sum().backward();
            }
            Tensor g16 = Tensor.of(rounded(gv, p), n, m);
            float[] da = rounded(g16.matmul(Tensor.of(rounded(bv, p), k, m).t().contiguous()).toFloatArray(), p);
            float[] db = rounded(Tensor.of(rounded(av, p), n, k).t().contiguous().matmul(g16).toFloatArray(), p);
            assertSameBits(da, a.grad().toFloatArray(), "dA");
            assertSameBits(db, b.grad().toFloatArray(), "dB");
        }
    }

    @Test
    void aCapturedHalfLinearReplaysAsItRanEagerly() {
        DeviceRuntime runtime = DeviceRuntimes.of(Device.fake());
        try (Scope s = Scope.open("test")) {
            Tensor x = fake(random(11, 6 * 9, -1, 1), 6, 9);
            Tensor w = fake(random(12, 4 * 9, -1, 1), 4, 9);
            Tensor b = fake(random(13, 4, -1, 1), 4);
            Tensor y = x.newZeros(6, 4);
            float[] eager;
            try (Autocast a = Autocast.enable(Precision.BF16)) {
                eager = MatMul.linear(x, w, b).toFloatArray();
                runtime.beginCapture();
                try {
                    y.copyFrom(MatMul.linear(x, w, b));
                } catch (RuntimeException e) {
                    runtime.abortCapture();
                    throw e;
                }
            }
            try (DeviceGraph graph = runtime.endCapture()) {
                assertSameBits(new float[6 * 4], y.toFloatArray(), "a capture runs nothing");
                graph.launch();
                assertSameBits(eager, y.toFloatArray(), "replay");
            }
        }
    }
}
