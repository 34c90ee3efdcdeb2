package dev.gatun.ops;

import static dev.gatun.ops.HalfValues.assertSameBits;
import static dev.gatun.ops.HalfValues.random;
import static dev.gatun.ops.HalfValues.rounded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.Precision;
import dev.gatun.backend.UnaryOp;
import dev.gatun.kernels.half.HalfBits;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class AutocastTest {
    @Test
    void autocastRulesOnTheFakeDevice() {
        try (Scope s = Scope.open("test")) {
            SplittableRandom rng = new SplittableRandom(1);
            Module cnn = new Sequential(new Conv2d(2, 3, 3, 1, 1, rng), new Activation(UnaryOp.RELU), new Flatten(),
                    new Linear(3 * 5 * 5, 4, rng)).to(Device.fake());
            LSTM lstm = new LSTM(3, 4, rng);
            lstm.to(Device.fake());
            Tensor images = Tensor.of(random(2, 6 * 2 * 5 * 5, -1, 1), 6, 2, 5, 5).to(Device.fake());
            Tensor labels = Tensor.of(new int[] {0, 1, 2, 3, 1, 0}, 6).to(Device.fake());
            Tensor sequence = Tensor.of(random(3, 7 * 2 * 3, -1, 1), 7, 2, 3).to(Device.fake());
            try (Autocast a = Autocast.enable(Precision.BF16)) {
                Tensor logits = cnn.forward(images);
                assertEquals(Device.fake(), logits.device());
                assertEquals(DType.FLOAT32, logits.dtype(), "lowered ops return float32");
                Tensor loss = Losses.crossEntropy(logits, labels).add(SoftmaxOps.logSoftmax(logits).mean().mul(0));
                Tensor lstmOut = lstm.forward(sequence, null, null).output();
                loss.add(lstmOut.mean()).backward();
                Map<String, Set<Precision>> log = a.opLog();
                assertEquals(Set.of(Precision.BF16), log.get("conv2d"));
                assertEquals(Set.of(Precision.BF16), log.get("linear"));
                assertEquals(Set.of(Precision.BF16), log.get("lstm"));
                assertEquals(Set.of(Precision.FP32), log.get("cross_entropy"));
                assertEquals(Set.of(Precision.FP32), log.get("log_softmax"));
                assertEquals(1, a.count("linear", Precision.BF16));
                assertEquals(0, a.count("linear", Precision.FP32));
            }
            for (Parameter p : cnn.parameters()) {
                assertEquals(DType.FLOAT32, p.tensor().dtype(), p.name());
                assertEquals(DType.FLOAT32, p.grad().dtype(), p.name());
                assertEquals(Device.fake(), p.grad().device(), p.name());
            }
        }
    }

    @Test
    void linearIsTheFloat32OpOnRoundedOperandsWithinHalfTolerance() {
        for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
            try (Scope s = Scope.open("test")) {
                int n = 9;
                int in = 37;
                int out = 11;
                float[] xv = random(4, n * in, -2, 2);
                float[] wv = random(5, out * in, -0.5, 0.5);
                float[] bv = random(6, out, -1, 1);
                Tensor x = Tensor.of(xv, n, in);
                Tensor w = Tensor.of(wv, out, in);
                Tensor b = Tensor.of(bv, out);
                float[] expected = MatMul.linear(Tensor.of(rounded(xv, p), n, in), Tensor.of(rounded(wv, p), out, in),
                        Tensor.of(rounded(bv, p), out)).toFloatArray();
                float[] fp32 = MatMul.linear(x, w, b).toFloatArray();
                float[] actual;
                try (Autocast a = Autocast.enable(p)) {
                    actual = MatMul.linear(x, w, b).toFloatArray();
                }
                assertSameBits(expected, actual, p + " linear");
                assertFalse(java.util.Arrays.equals(fp32, actual), p + ": the operands were rounded");
                // Each product is off by at most two roundings of 2^-(bits+1) relative; the sums are float32.
                double unit = p == Precision.BF16 ? 0x1p-8 : 0x1p-11;
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < out; o++) {
                        double magnitude = Math.abs(bv[o]);
                        for (int k = 0; k < in; k++) {
                            magnitude += Math.abs(xv[i * in + k] * wv[o * in + k]);
                        }
                        double bound = 2.01 * unit * magnitude + 1e-5 * magnitude;
                        assertTrue(Math.abs(actual[i * out + o] - fp32[i * out + o]) <= bound,
                                p + " [" + i + "," + o + "]: " + actual[i * out + o] + " vs " + fp32[i * out + o]);
                    }
                }
            }
        }
    }

    @Test
    void conv2dAndLstmAreTheFloat32OpsOnRoundedOperands() {
        for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
            try (Scope s = Scope.open("test")) {
                float[] xv = random(20, 3 * 2 * 7 * 6, -2, 2);
                float[] wv = random(21, 4 * 2 * 3 * 3, -0.5, 0.5);
                float[] bv = random(22, 4, -1, 1);
                int[] one = {1, 1};
                Tensor x = Tensor.of(xv, 3, 2, 7, 6);
                Tensor w = Tensor.of(wv, 4, 2, 3, 3);
                Tensor b = Tensor.of(bv, 4);
                float[] expected = Convolution.conv2d(Tensor.of(rounded(xv, p), 3, 2, 7, 6),
                        Tensor.of(rounded(wv, p), 4, 2, 3, 3), Tensor.of(rounded(bv, p), 4), one, one, one, 1)
                        .toFloatArray();
                float[] fp32 = Convolution.conv2d(x, w, b, one, one, one, 1).toFloatArray();
                float[] actual;
                try (Autocast a = Autocast.enable(p)) {
                    actual = Convolution.conv2d(x, w, b, one, one, one, 1).toFloatArray();
                }
                assertSameBits(expected, actual, p + " conv2d");
                double unit = p == Precision.BF16 ? 0x1p-8 : 0x1p-11;
                for (int i = 0; i < fp32.length; i++) {
                    // At most 2·3·3 products of |x| <= 2, |w| <= 0.5 and a bias of |b| <= 1 per output.
                    assertTrue(Math.abs(actual[i] - fp32[i]) <= 2.01 * unit * (18 + 1), p + " conv2d " + i);
                }
                float[] seq = random(23, 5 * 2 * 3, -1, 1);
                float[] wih = random(24, 16 * 3, -0.5, 0.5);
                float[] whh = random(25, 16 * 4, -0.5, 0.5);
                float[] bih = random(26, 16, -0.5, 0.5);
                float[] bhh = random(27, 16, -0.5, 0.5);
                float[] lstmExpected = RecurrentSequence.run(RecurrentSequence.Cell.LSTM, false,
                        Tensor.of(rounded(seq, p), 5, 2, 3), null, null, Tensor.of(rounded(wih, p), 16, 3),
                        Tensor.of(rounded(whh, p), 16, 4), Tensor.of(rounded(bih, p), 16),
                        Tensor.of(rounded(bhh, p), 16)).toFloatArray();
                float[] lstmActual;
                try (Autocast a = Autocast.enable(p)) {
                    lstmActual = RecurrentSequence.run(RecurrentSequence.Cell.LSTM, false, Tensor.of(seq, 5, 2, 3), null,
                            null, Tensor.of(wih, 16, 3), Tensor.of(whh, 16, 4), Tensor.of(bih, 16), Tensor.of(bhh, 16))
                            .toFloatArray();
                    assertEquals(1, a.count("lstm", p));
                }
                assertSameBits(lstmExpected, lstmActual, p + " lstm");
            }
        }
    }

    @Test
    void gradientsFlowIntoFloat32TensorsRoundedAsHalfGradients() {
        try (Scope s = Scope.open("test")) {
            int n = 5;
            int k = 13;
            int m = 7;
            float[] av = random(7, n * k, -3, 3);
            float[] bv = random(8, k * m, -3, 3);
            float[] gv = random(9, n * m, -1, 1);
            Tensor a = Tensor.of(av, n, k).requiresGrad(true);
            Tensor b = Tensor.of(bv, k, m).requiresGrad(true);
            try (Autocast cast = Autocast.enable(Precision.BF16)) {
                a.matmul(b).mul(Tensor.of(gv, n, m)).sum().backward();
                assertEquals(Set.of(Precision.BF16), cast.opLog().get("matmul"));
            }
            // dA = round(g·round(B)ᵀ), dB = round(round(A)ᵀ·g): the float32 products of the rounded operands.
            Tensor g = Tensor.of(gv, n, m);
            float[] da = rounded(g.matmul(Tensor.of(rounded(bv, Precision.BF16), k, m).t().contiguous()).toFloatArray(),
                    Precision.BF16);
            float[] db = rounded(Tensor.of(rounded(av, Precision.BF16), n, k).t().contiguous().matmul(g).toFloatArray(),
                    Precision.BF16);
            assertSameBits(da, a.grad().toFloatArray(), "dA");
            assertSameBits(db, b.grad().toFloatArray(), "dB");
            assertEquals(DType.FLOAT32, a.grad().dtype());
        }
    }

    @Test
    void weightsStayFloat32AfterAStep() {
        try (Scope s = Scope.open("test")) {
            Linear layer = new Linear(6, 3, new SplittableRandom(10));
            float[] before = layer.weight().tensor().toFloatArray();
            Sgd sgd = new Sgd(layer.parameters(), 0.1);
            Tensor x = Tensor.of(random(11, 4 * 6, -1, 1), 4, 6);
            try (Autocast a = Autocast.enable(Precision.BF16)) {
                Losses.crossEntropy(layer.forward(x), Tensor.of(new int[] {0, 2, 1, 2}, 4)).backward();
            }
            float[] grad = layer.weight().grad().toFloatArray();
            sgd.step();
            float[] after = layer.weight().tensor().toFloatArray();
            int notBf16 = 0;
            for (int i = 0; i < after.length; i++) {
                assertEquals(before[i] - 0.1f * grad[i], after[i], 1e-7, "w[" + i + "] = w - lr·g in float32");
                if (HalfBits.roundToBf16(after[i]) != after[i]) {
                    notBf16++;
                }
            }
            assertTrue(notBf16 > after.length / 2, "the master weights keep float32 precision: " + notBf16);
        }
    }

    @Test
    void scopesNestDisableAndBelongToTheirThread() throws InterruptedException {
        try (Scope s = Scope.open("test")) {
            float[] xv = random(12, 3 * 4, -1, 1);
            float[] wv = random(13, 2 * 4, -1, 1);
            Tensor x = Tensor.of(xv, 3, 4);
            Tensor w = Tensor.of(wv, 2, 4);
            float[] fp32 = MatMul.linear(x, w, null).toFloatArray();
            assertEquals(Precision.FP32, Autocast.current());
            try (Autocast outer = Autocast.enable(Precision.FP16)) {
                assertEquals(Precision.FP16, Autocast.current());
                AtomicReference<Precision> other = new AtomicReference<>();
                Thread t = new Thread(() -> other.set(Autocast.current()));
                t.start();
                t.join();
                assertEquals(Precision.FP32, other.get(), "another thread is not in this scope");
                try (Autocast inner = Autocast.disable()) {
                    assertSameBits(fp32, MatMul.linear(x, w, null).toFloatArray(), "disabled inside");
                    assertEquals(Set.of(Precision.FP32), inner.opLog().get("linear"));
                    try (Autocast innermost = Autocast.enable(Precision.BF16)) {
                        MatMul.linear(x, w, null);
                        assertEquals(Map.of("linear", Set.of(Precision.BF16)), innermost.opLog());
                    }
                }
                assertEquals(Precision.FP16, Autocast.current());
                MatMul.linear(x, w, null);
                assertEquals(Set.of(Precision.FP16, Precision.FP32, Precision.BF16), outer.opLog().get("linear"));
                Autocast stray = Autocast.enable(Precision.BF16);
                assertThrows(IllegalStateException.class, outer::close, "an inner scope is still open");
                stray.close();
            }
            assertEquals(Precision.FP32, Autocast.current());
            assertThrows(IllegalArgumentException.class, () -> Autocast.enable(null));
        }
    }

    @Test
    void operandIsTheTensorItselfOutsideHalfScopesAndForOtherDTypes() {
        try (Scope s = Scope.open("test")) {
            Tensor x = Tensor.of(new float[] {1.00390625f + 0x1p-10f}, 1);
            assertSame(x, Autocast.operand(x));
            try (Autocast a = Autocast.enable(Precision.TF32)) {
                assertSame(x, Autocast.operand(x), "tf32 is the backend's math mode, not a rounding");
            }
            Tensor d = Tensor.of(new double[] {1.1}, 1);
            try (Autocast a = Autocast.enable(Precision.BF16)) {
                assertSame(d, Autocast.operand(d), "float64 is never lowered");
                assertNotEquals(x.item(), Autocast.operand(x).item());
                assertEquals(HalfBits.roundToBf16((float) x.item()), Autocast.operand(x).item());
            }
        }
    }

    @Test
    void fp16OperandsOverflowPast65504() {
        try (Scope s = Scope.open("test")) {
            Tensor x = Tensor.of(new float[] {70000f, 1f}, 1, 2);
            Tensor w = Tensor.of(new float[] {1f, 1f}, 1, 2);
            try (Autocast a = Autocast.enable(Precision.FP16)) {
                assertEquals(Double.POSITIVE_INFINITY, MatMul.linear(x, w, null).item());
            }
            try (Autocast a = Autocast.enable(Precision.BF16)) {
                DoubleUnaryOperator bf16 = v -> HalfBits.roundToBf16((float) v);
                assertEquals(bf16.applyAsDouble(70000) + 1, MatMul.linear(x, w, null).item());
            }
        }
    }

    @Test
    void precisionLabels() {
        assertArrayEquals(new String[] {"fp32", "tf32", "bf16", "fp16"},
                java.util.Arrays.stream(Precision.values()).map(Precision::label).toArray());
        assertEquals(Precision.BF16, Precision.fromLabel(" BF16 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.fromLabel("half"));
        assertTrue(e.getMessage().contains("fp32, tf32, bf16, fp16"), e.getMessage());
    }
}
