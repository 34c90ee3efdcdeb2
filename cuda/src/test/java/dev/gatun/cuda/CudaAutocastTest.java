package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.backend.UnaryOp;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.kernels.half.HalfBits;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.ops.Autocast;
import dev.gatun.ops.Convolution;
import dev.gatun.ops.Losses;
import dev.gatun.ops.MatMul;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: autocast on the CUDA backend. Operand rounding stays on the device and gives
 * HalfBits' bits; matmul and linear run cublasGemmEx on real 16-bit operands and equal the fake
 * device's results (the same arithmetic with host kernels) up to float32 summation order, forward
 * and backward; an autocast training step gives the fake device's weights; an autocast conv2d is
 * within bf16 / fp16 tolerance of float32. Skips without a GPU, saying why.
 */
class CudaAutocastTest {
    private static final Precision[] HALVES = {Precision.BF16, Precision.FP16};
    private Scope scope;
    private Device device;

    @BeforeEach
    void open() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        scope = Scope.open("cuda autocast");
        device = BackendRegistry.create("cuda").device();
    }

    @AfterEach
    void close() {
        if (scope != null) {
            scope.close();
        }
    }

    private static float[] random(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    private static float round(Precision p, float v) {
        return p == Precision.BF16 ? HalfBits.roundToBf16(v) : HalfBits.roundToFp16(v);
    }

    /** One unit in the last place of the format at v's magnitude: a sum-order difference may flip a rounding. */
    private static double halfUlp(Precision p, double v) {
        double unit = p == Precision.BF16 ? 0x1p-7 : 0x1p-10;
        return unit * Math.max(Math.abs(v), p == Precision.BF16 ? Float.MIN_NORMAL : 0x1p-14);
    }

    private static void assertClose(Precision p, float[] expected, float[] actual, boolean roundedToHalf, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 * (1 + Math.abs(expected[i])) + (roundedToHalf ? halfUlp(p, expected[i]) : 0);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + " element " + i + ": fake " + expected[i] + ", cuda " + actual[i]);
        }
    }

    @Test
    void roundingStaysOnTheDeviceAndGivesHalfBitsBits() {
        DeviceRuntime runtime = DeviceRuntimes.of(device);
        float[] v = random(1, 1001 * 7, -70000, 70000);
        v[3] = Float.NaN;
        v[5] = 0x1p-25f;
        for (Precision p : HALVES) {
            try (Scope s = Scope.open("rounding")) {
                Tensor x = Tensor.of(v, 1001, 7).to(device);
                Tensor y = x.newEmpty(7, 1001);
                Backend be = BackendRegistry.of(x);
                // A host copy or sync inside a capture fails the capture: recording it proves the rounding stays on the device.
                runtime.beginCapture();
                try {
                    be.roundToHalf(p, x.t(), y);
                } catch (RuntimeException e) {
                    runtime.abortCapture();
                    throw e;
                }
                try (DeviceGraph graph = runtime.endCapture()) {
                    graph.launch();
                }
                float[] actual = y.toFloatArray();
                for (int r = 0; r < 7; r++) {
                    for (int c = 0; c < 1001; c++) {
                        float e = round(p, v[c * 7 + r]);
                        assertEquals(Float.floatToRawIntBits(e), Float.floatToRawIntBits(actual[r * 1001 + c]),
                                p + " [" + r + "," + c + "] of " + v[c * 7 + r]);
                    }
                }
            }
        }
    }

    @Test
    void halfLinearAndMatmulEqualTheFakeDeviceForwardAndBackward() {
        assertTrue(BackendRegistry.create("cuda").hasNativeHalfGemm());
        int n = 33;
        int in = 129;
        int out = 17;
        float[] xv = random(2, n * in, -2, 2);
        float[] wv = random(3, out * in, -0.5, 0.5);
        float[] bv = random(4, out, -1, 1);
        float[] gv = random(5, n * out, -1, 1);
        for (Precision p : HALVES) {
            List<float[]> fake = linearAndGradients(p, Device.fake(), xv, wv, bv, gv, n, in, out);
            List<float[]> cuda = linearAndGradients(p, device, xv, wv, bv, gv, n, in, out);
            assertClose(p, fake.get(0), cuda.get(0), false, p + " linear");
            assertClose(p, fake.get(1), cuda.get(1), true, p + " dX");
            assertClose(p, fake.get(2), cuda.get(2), true, p + " dW");
            assertClose(p, fake.get(3), cuda.get(3), true, p + " db");
            assertClose(p, fake.get(4), cuda.get(4), false, p + " matmul");
        }
    }

    private static List<float[]> linearAndGradients(Precision p, Device on, float[] xv, float[] wv, float[] bv, float[] gv,
                                                    int n, int in, int out) {
        try (Scope s = Scope.open("linear on " + on)) {
            Tensor x = Tensor.of(xv, n, in).to(on).requiresGrad(true);
            Tensor w = Tensor.of(wv, out, in).to(on).requiresGrad(true);
            Tensor b = Tensor.of(bv, out).to(on).requiresGrad(true);
            float[] y;
            float[] c;
            try (Autocast a = Autocast.enable(p)) {
                Tensor result = MatMul.linear(x, w, b);
                y = result.toFloatArray();
                result.mul(Tensor.of(gv, n, out).to(on)).sum().backward();
                c = MatMul.apply(x.detach(), w.detach().t()).toFloatArray();
            }
            return List.of(y, x.grad().toFloatArray(), w.grad().toFloatArray(), b.grad().toFloatArray(), c);
        }
    }

    @Test
    void aBf16TrainingStepGivesTheFakeDevicesWeights() {
        float[][] fake = train(Device.fake());
        float[][] cuda = train(device);
        for (int i = 0; i < fake.length; i++) {
            for (int j = 0; j < fake[i].length; j++) {
                // Three SGD steps at lr 0.1 on gradients that may differ by a bf16 rounding.
                assertEquals(fake[i][j], cuda[i][j], 1e-3 * (1 + Math.abs(fake[i][j])), "parameter " + i + " element " + j);
            }
        }
    }

    private static float[][] train(Device on) {
        try (Scope s = Scope.open("train on " + on)) {
            SplittableRandom rng = new SplittableRandom(6);
            Module model = new Sequential(new Linear(20, 64, rng), new Activation(UnaryOp.RELU), new Linear(64, 10, rng))
                    .to(on);
            List<Parameter> params = model.parameters();
            Sgd sgd = new Sgd(params, 0.1);
            Tensor x = Tensor.of(random(7, 48 * 20, -1, 1), 48, 20).to(on);
            int[] labels = new int[48];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (i * 7) % 10;
            }
            Tensor y = Tensor.of(labels, 48).to(on);
            for (int step = 0; step < 3; step++) {
                try (Scope stepScope = Scope.open("step")) {
                    sgd.zeroGrad();
                    try (Autocast a = Autocast.enable(Precision.BF16)) {
                        Losses.crossEntropy(model.forward(x), y).backward();
                    }
                    sgd.step();
                }
            }
            float[][] out = new float[params.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = params.get(i).tensor().toFloatArray();
            }
            return out;
        }
    }

    @Test
    void autocastConv2dIsWithinHalfToleranceOfFloat32() {
        int[] one = {1, 1};
        float[] xv = random(8, 4 * 3 * 11 * 9, -2, 2);
        float[] wv = random(9, 5 * 3 * 3 * 3, -0.5, 0.5);
        float[] bv = random(10, 5, -1, 1);
        float[] fp32 = Convolution.conv2d(Tensor.of(xv, 4, 3, 11, 9), Tensor.of(wv, 5, 3, 3, 3), Tensor.of(bv, 5), one,
                one, one, 1).toFloatArray();
        for (Precision p : HALVES) {
            float[] actual;
            try (Autocast a = Autocast.enable(p)) {
                actual = Convolution.conv2d(Tensor.of(xv, 4, 3, 11, 9).to(device), Tensor.of(wv, 5, 3, 3, 3).to(device),
                        Tensor.of(bv, 5).to(device), one, one, one, 1).toFloatArray();
                assertEquals(1, a.count("conv2d", p));
            }
            double unit = p == Precision.BF16 ? 0x1p-8 : 0x1p-11;
            for (int i = 0; i < fp32.length; i++) {
                // At most 3·3·3 products of |x| <= 2, |w| <= 0.5 and a bias of |b| <= 1, each off by two roundings.
                assertTrue(Math.abs(actual[i] - fp32[i]) <= 2.01 * unit * (27 + 1) + 1e-4, p + " conv2d " + i);
            }
        }
    }
}
