package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.Conv2dGeometry;
import dev.gatun.backend.CpuBackend;
import dev.gatun.backend.Pool2dGeometry;
import dev.gatun.backend.ReduceOp;
import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.nn.GRU;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.RNN;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.nn.RecurrentOutput;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import dev.gatun.testing.UnaryFnCases;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every op of the SPI on a device backend against the CPU backend, on the same random float32
 * inputs: forward and backward, odd shapes, strided views. "fake" runs everywhere (its results
 * are the CPU's, so it checks the device plumbing: placement, transfers, views, mixed-device
 * errors); "cuda" runs on a GPU and skips without one, with float32 tolerances (cuBLAS and cuDNN
 * sum in other orders; exp, tanh and sigmoid differ in the last bits).
 */
class DeviceBackendParityTest {
    private static final double TOL = 2e-5;
    private static final double SUM_TOL = 2e-4;

    private final Backend cpu = new CpuBackend();
    private final SplittableRandom rng = new SplittableRandom(29);
    private Scope scope;
    private Backend dev;
    private Device device;

    @BeforeEach
    void open() {
        scope = Scope.open("device parity");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private void on(String name) {
        if (name.equals("cuda")) {
            GpuAvailability gpu = Gpu.availability();
            if (!gpu.available()) {
                abort("no GPU here: " + gpu.reason());
            }
        }
        dev = BackendRegistry.create(name);
        device = dev.device();
    }

    private Tensor rand(int... shape) {
        return Tensor.uniform(rng, -2, 2, DType.FLOAT32, shape);
    }

    private Tensor d(Tensor host) {
        Tensor t = host.to(device);
        assertEquals(device, t.device());
        return t;
    }

    /** Runs {@code op} on host copies with the CPU backend and on device copies, then compares the outputs. */
    private void same(String what, double tol, Tensor[] inputs, int outputs, java.util.function.BiConsumer<Backend, Tensor[]> op) {
        Tensor[] host = new Tensor[inputs.length];
        Tensor[] onDev = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            host[i] = inputs[i] == null ? null : copyOf(inputs[i]);
            onDev[i] = inputs[i] == null ? null : d(inputs[i]);
        }
        op.accept(cpu, host);
        op.accept(dev, onDev);
        for (int i = inputs.length - outputs; i < inputs.length; i++) {
            if (host[i] != null) {
                assertEquals(device, onDev[i].device(), what + ": output " + i + " left its device");
                close(host[i], onDev[i], tol, what + " output " + i);
            }
        }
    }

    private static Tensor copyOf(Tensor t) {
        Tensor c = Tensor.zeros(t.dtype(), t.shape());
        c.copyFrom(t);
        return c;
    }

    private static void close(Tensor expected, Tensor actual, double tol, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i])) {
                assertTrue(Double.isNaN(a[i]), what + " at " + i + ": expected NaN, got " + a[i]);
                continue;
            }
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }

    /**
     * Every element within {@code tol} of the largest |expected|: a TF32 product's error grows
     * with its row's and column's norms, not with the element it lands in.
     */
    private static void closeToScale(Tensor expected, Tensor actual, double tol, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * scale, what + " at " + i + " (scale " + scale + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void gemmAllTransposesViewsAndBeta(String backend) {
        on(backend);
        int[][] mnk = {{1, 1, 1}, {5, 7, 3}, {33, 17, 65}, {64, 10, 784}, {3, 300, 2}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                Tensor a = ta ? rand(s[2], s[0]) : rand(s[0], s[2]);
                Tensor b = tb ? rand(s[1], s[2]) : rand(s[2], s[1]);
                same("gemm " + java.util.Arrays.toString(s) + " t" + t, SUM_TOL, new Tensor[] {a, b, rand(s[0], s[1])}, 1,
                        (be, x) -> be.gemm(ta, tb, 0.7, x[0], x[1], -0.5, x[2]));
            }
            // A transposed view as an operand, beta 0.
            Tensor at = rand(s[2], s[0]);
            Tensor cpuC = Tensor.zeros(s[0], s[1]);
            Tensor b = rand(s[2], s[1]);
            cpu.gemm(false, false, 1, at.t(), b, 0, cpuC);
            Tensor devC = Tensor.empty(device, DType.FLOAT32, s[0], s[1]);
            dev.gemm(false, false, 1, d(at).t(), d(b), 0, devC);
            close(cpuC, devC, SUM_TOL, "gemm with a transposed view");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void binaryBroadcastsOverAnyRank(String backend) {
        on(backend);
        int[][][] cases = {{{3, 17}, {3, 17}}, {{4, 1, 5}, {1, 6, 5}}, {{2, 3, 4, 5}, {5}}, {{7}, {1}},
                {{2, 3, 4, 5, 6}, {2, 3, 4, 5, 6}}, {{2, 1, 4, 5, 6}, {1, 3, 1, 1, 6}},
                // Six dimensions whose broadcasts alternate, so no two merge: dense operands first.
                {{2, 1, 3, 1, 2, 3}, {1, 3, 1, 2, 1, 3}}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] c : cases) {
                Tensor a = rand(c[0]);
                Tensor b = op == BinaryOp.DIV ? Tensor.uniform(rng, 0.5, 2, DType.FLOAT32, c[1]) : rand(c[1]);
                int[] out = Shape.broadcast(c[0], c[1]);
                same(op + " " + java.util.Arrays.deepToString(c), TOL, new Tensor[] {a, b, Tensor.zeros(out)}, 1,
                        (be, x) -> be.binary(op, x[0], x[1], x[2]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void unaryForwardBackwardClampAxpby(String backend) {
        on(backend);
        for (UnaryFn op : UnaryFnCases.all()) {
            Tensor x = op.op() == UnaryOp.LOG ? Tensor.uniform(rng, 0.1, 3, DType.FLOAT32, 37, 29) : rand(37, 29);
            same("unary " + op, TOL, new Tensor[] {x, Tensor.zeros(37, 29)}, 1, (be, t) -> be.unary(op, t[0], t[1]));
            Tensor y = Tensor.zeros(37, 29);
            cpu.unary(op, x, y);
            same("unaryBackward " + op, TOL, new Tensor[] {x, y, rand(37, 29), Tensor.zeros(37, 29)}, 1,
                    (be, t) -> be.unaryBackward(op, t[0], t[1], t[2], t[3]));
        }
        Tensor x = rand(4099);
        x.setFlat(5, Double.NaN);
        same("clamp", 0, new Tensor[] {x, Tensor.zeros(4099)}, 1, (be, t) -> be.clamp(t[0], -0.5, 0.75, t[1]));
        same("axpby", TOL, new Tensor[] {rand(4099), rand(4099)}, 1, (be, t) -> be.axpby(1.5, t[0], -0.25, t[1]));
        // A strided input (a transposed view) goes through a dense copy first.
        Tensor m = rand(19, 23);
        Tensor hostOut = Tensor.zeros(23, 19);
        cpu.unary(UnaryFn.of(UnaryOp.TANH), m.t(), hostOut);
        Tensor devOut = Tensor.empty(device, DType.FLOAT32, 23, 19);
        dev.unary(UnaryFn.of(UnaryOp.TANH), d(m).t(), devOut);
        close(hostOut, devOut, TOL, "tanh of a transposed view");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void reductionsSoftmaxCrossEntropyArgmax(String backend) {
        on(backend);
        Tensor x = rand(5, 37, 11);
        x.set(Double.NaN, 2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            int[] ys = x.shape();
            ys[axis] = 1;
            final int a = axis;
            same("sum axis " + axis, SUM_TOL, new Tensor[] {x, Tensor.zeros(ys)}, 1,
                    (be, t) -> be.reduce(ReduceOp.SUM, t[0], a, t[1], null));
            same("max axis " + axis, 0, new Tensor[] {x, Tensor.zeros(ys), Tensor.zeros(DType.INT32, ys)}, 2,
                    (be, t) -> be.reduce(ReduceOp.MAX, t[0], a, t[1], t[2]));
        }
        for (int cols : new int[] {1, 10, 1000}) {
            Tensor logits = rand(37, cols).mul(3);
            for (boolean log : new boolean[] {false, true}) {
                same("softmax log=" + log + " cols " + cols, TOL, new Tensor[] {logits, Tensor.zeros(37, cols)}, 1,
                        (be, t) -> be.softmax(t[0], t[1], log));
                Tensor y = Tensor.zeros(37, cols);
                cpu.softmax(logits, y, log);
                same("softmaxBackward log=" + log, TOL, new Tensor[] {y, rand(37, cols), Tensor.zeros(37, cols)}, 1,
                        (be, t) -> be.softmaxBackward(t[0], t[1], t[2], log));
            }
            int[] labels = new int[37];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(cols);
            }
            Tensor lab = Tensor.of(labels, 37);
            Tensor hostProbs = Tensor.zeros(37, cols);
            double hostLoss = cpu.crossEntropy(logits, lab, hostProbs);
            Tensor devProbs = Tensor.empty(device, DType.FLOAT32, 37, cols);
            double devLoss = dev.crossEntropy(d(logits), d(lab), devProbs);
            assertEquals(hostLoss, devLoss, 1e-4 * Math.max(1, Math.abs(hostLoss)), "cross-entropy loss");
            close(hostProbs, devProbs, TOL, "cross-entropy probs");
            same("cross-entropy backward", TOL, new Tensor[] {hostProbs, lab, Tensor.zeros(37, cols)}, 1,
                    (be, t) -> be.crossEntropyBackward(t[0], t[1], 1.0 / 37, t[2]));
            Tensor ties = rand(37, cols);
            ties.set(ties.get(0, 0), 0, cols - 1);
            same("argmax", 0, new Tensor[] {ties, Tensor.zeros(DType.INT32, 37)}, 1, (be, t) -> be.argmax(t[0], t[1]));
        }
        Tensor bad = Tensor.of(new int[] {0, 11}, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.crossEntropy(d(rand(2, 10)), d(bad), Tensor.empty(device, DType.FLOAT32, 2, 10)));
        assertTrue(e.getMessage().contains("label 11 at row 1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void fillCopyCastAndDropout(String backend) {
        on(backend);
        Tensor f = Tensor.empty(device, DType.FLOAT32, 33, 7);
        dev.fill(f, 2.5);
        assertArrayEquals(Tensor.full(DType.FLOAT32, 2.5, 33, 7).toFloatArray(), f.toFloatArray());
        Tensor i = Tensor.empty(device, DType.INT32, 13);
        dev.fill(i, -7);
        assertArrayEquals(Tensor.full(DType.INT32, -7, 13).toIntArray(), i.toIntArray());
        Tensor view = Tensor.zeros(Scope.current(), device, DType.FLOAT32, 6, 8);
        dev.fill(view.slice(1, 2, 5), 1);
        Tensor expected = Tensor.zeros(6, 8);
        cpu.fill(expected.slice(1, 2, 5), 1);
        close(expected, view, 0, "fill of a slice");
        Tensor x = rand(4, 5, 6);
        Tensor xt = x.transpose(0, 2);
        Tensor host = Tensor.zeros(6, 5, 4);
        cpu.copy(xt, host);
        Tensor onDev = Tensor.empty(device, DType.FLOAT32, 6, 5, 4);
        dev.copy(d(x).transpose(0, 2), onDev);
        close(host, onDev, 0, "copy of a transposed view");
        Tensor ints = Tensor.of(new int[] {-3, 0, 7, 2_000_000}, 4);
        Tensor asFloat = Tensor.empty(device, DType.FLOAT32, 4);
        dev.copy(d(ints), asFloat);
        assertArrayEquals(new float[] {-3, 0, 7, 2_000_000}, asFloat.toFloatArray());
        Tensor floats = Tensor.of(new float[] {-3.7f, 0.2f, Float.NaN, 1e12f}, 4);
        Tensor asInt = Tensor.empty(device, DType.INT32, 4);
        dev.copy(d(floats), asInt);
        assertArrayEquals(new int[] {-3, 0, 0, Integer.MAX_VALUE}, asInt.toIntArray());
        // More dimensions than the copy kernel walks: nine, all axes reversed so that none merge
        // (copied slice by slice), and nine of which seven merge (copied in one launch).
        Tensor nine = rand(2, 3, 2, 3, 2, 3, 2, 3, 2);
        Tensor nineOnDevice = d(nine);
        java.util.function.UnaryOperator<Tensor> reverse = t -> t.transpose(0, 8).transpose(1, 7).transpose(2, 6)
                .transpose(3, 5);
        java.util.function.UnaryOperator<Tensor> swapFirst = t -> t.transpose(0, 1);
        for (var permute : java.util.List.of(reverse, swapFirst)) {
            Tensor src = permute.apply(nine);
            Tensor expectedCopy = Tensor.zeros(src.shape());
            cpu.copy(src, expectedCopy);
            Tensor actualCopy = Tensor.empty(device, DType.FLOAT32, src.shape());
            dev.copy(permute.apply(nineOnDevice), actualCopy);
            close(expectedCopy, actualCopy, 0, "copy of a 9-D view");
        }
        // Dropout's mask comes from a counter-based RNG: the same bits on every device.
        same("dropout", 0, new Tensor[] {rand(4099), Tensor.zeros(4099), Tensor.zeros(4099)}, 2,
                (be, t) -> be.dropout(t[0], t[1], t[2], 0.3, 1234));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void optimizerSteps(String backend) {
        on(backend);
        int n = 4099;
        Tensor v = Tensor.uniform(rng, 0.01, 1, DType.FLOAT32, n);
        same("adam", TOL, new Tensor[] {rand(n), rand(n), rand(n), v}, 4,
                (be, t) -> be.adamStep(t[0], t[1], t[2], t[3], 1e-3, 0.9, 0.999, 1e-8, 0.01, true, 3));
        same("sgd", TOL, new Tensor[] {rand(n), rand(n), rand(n)}, 3,
                (be, t) -> be.sgdStep(t[0], t[1], t[2], 0.05, 0.9, 0, 1e-4, true, false));
        same("rmsprop", TOL, new Tensor[] {rand(n), rand(n), v, rand(n), rand(n)}, 5,
                (be, t) -> be.rmspropStep(t[0], t[1], t[2], t[3], t[4], 0.01, 0.99, 1e-8, 1e-3, 0.5, true));
        same("adagrad", TOL, new Tensor[] {rand(n), rand(n), v}, 3,
                (be, t) -> be.adagradStep(t[0], t[1], t[2], 0.1, 0.01, 1e-3, 1e-10, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void convolutionForwardAndBackward(String backend) {
        on(backend);
        // batch, cin, h, w, cout, kh, kw, sh, sw, ph, pw, dh, dw, groups
        int[][] geometries = {{3, 1, 28, 28, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1}, {2, 6, 11, 9, 4, 3, 3, 2, 1, 1, 0, 1, 2, 2},
                {2, 4, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4}, {1, 3, 5, 6, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1}};
        for (int[] a : geometries) {
            Conv2dGeometry g = new Conv2dGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
                    a[11], a[12], a[13]);
            String what = "conv " + g;
            Tensor x = rand(g.inputShape()), w = rand(g.weightShape()), b = rand(g.outChannels());
            same(what, SUM_TOL, new Tensor[] {x, w, b, Tensor.zeros(g.outputShape())}, 1,
                    (be, t) -> be.conv2d(g, t[0], t[1], t[2], t[3]));
            Tensor dy = rand(g.outputShape());
            same(what + " backward data", SUM_TOL, new Tensor[] {dy, w, Tensor.zeros(g.inputShape())}, 1,
                    (be, t) -> be.conv2dBackwardData(g, t[0], t[1], t[2]));
            same(what + " backward weight", SUM_TOL, new Tensor[] {x, dy, Tensor.zeros(g.weightShape()),
                    Tensor.zeros(g.outChannels())}, 2, (be, t) -> be.conv2dBackwardWeight(g, t[0], t[1], t[2], t[3]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void poolingForwardAndBackward(String backend) {
        on(backend);
        // batch, channels, h, w, kh, kw, sh, sw, ph, pw
        int[][] geometries = {{2, 3, 28, 28, 2, 2, 2, 2, 0, 0}, {2, 3, 9, 11, 3, 3, 2, 2, 1, 1}, {1, 2, 7, 5, 3, 2, 1, 2, 1, 0}};
        for (int[] c : geometries) {
            Pool2dGeometry g = new Pool2dGeometry(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
            Tensor x = rand(g.batch(), g.channels(), g.inH(), g.inW());
            x.set(Double.NaN, 0, 1, 2, 3);
            same("maxPool " + g, 0, new Tensor[] {x, Tensor.zeros(g.outputShape()), Tensor.zeros(DType.INT32, g.outputShape())},
                    2, (be, t) -> be.maxPool2d(g, t[0], t[1], t[2]));
            Tensor clean = rand(g.batch(), g.channels(), g.inH(), g.inW());
            Tensor y = Tensor.zeros(g.outputShape());
            Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
            cpu.maxPool2d(g, clean, y, arg);
            same("maxPool backward " + g, TOL, new Tensor[] {rand(g.outputShape()), arg,
                    Tensor.zeros(g.batch(), g.channels(), g.inH(), g.inW())}, 1,
                    (be, t) -> be.maxPool2dBackward(g, t[0], t[1], t[2]));
            for (boolean include : new boolean[] {false, true}) {
                same("avgPool " + include + " " + g, TOL, new Tensor[] {clean, Tensor.zeros(g.outputShape())}, 1,
                        (be, t) -> be.avgPool2d(g, include, t[0], t[1]));
                same("avgPool backward " + include + " " + g, TOL, new Tensor[] {rand(g.outputShape()),
                        Tensor.zeros(g.batch(), g.channels(), g.inH(), g.inW())}, 1,
                        (be, t) -> be.avgPool2dBackward(g, include, t[0], t[1]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void batchNormTrainInferenceBackward(String backend) {
        on(backend);
        for (int[] shape : new int[][] {{16, 7}, {4, 5, 6, 7}, {3, 4, 9}}) {
            int c = shape[1];
            Tensor x = rand(shape), gamma = rand(c), beta = rand(c);
            Tensor rv = Tensor.uniform(rng, 0.5, 1.5, DType.FLOAT32, c);
            same("batchNormTrain " + java.util.Arrays.toString(shape), SUM_TOL, new Tensor[] {x, gamma, beta, rand(c), rv,
                    Tensor.zeros(shape), Tensor.zeros(c), Tensor.zeros(c)}, 5,
                    (be, t) -> be.batchNormTrain(t[0], t[1], t[2], 1e-5, 0.1, t[3], t[4], t[5], t[6], t[7]));
            same("batchNormInference", TOL, new Tensor[] {x, gamma, beta, rand(c), rv, Tensor.zeros(shape)}, 1,
                    (be, t) -> be.batchNormInference(t[0], t[1], t[2], t[3], t[4], 1e-5, t[5]));
            Tensor y = Tensor.zeros(shape), mean = Tensor.zeros(c), inv = Tensor.zeros(c);
            cpu.batchNormTrain(x, gamma, beta, 1e-5, 0.1, null, null, y, mean, inv);
            same("batchNormBackward", SUM_TOL, new Tensor[] {x, gamma, mean, inv, rand(shape), Tensor.zeros(shape),
                    Tensor.zeros(c), Tensor.zeros(c)}, 3,
                    (be, t) -> be.batchNormBackward(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void recurrentCells(String backend) {
        on(backend);
        int b = 5, h = 37;
        same("lstmCell", TOL, new Tensor[] {rand(b, 4 * h), rand(b, h), Tensor.zeros(b, h), Tensor.zeros(b, h)}, 4,
                (be, t) -> be.lstmCell(t[0], t[1], t[2], t[3]));
        Tensor gates = rand(b, 4 * h), cPrev = rand(b, h), c = Tensor.zeros(b, h), hh = Tensor.zeros(b, h);
        cpu.lstmCell(gates, cPrev, c, hh);
        for (boolean withDc : new boolean[] {true, false}) {
            same("lstmCellBackward dc=" + withDc, TOL, new Tensor[] {gates, cPrev, c, rand(b, h), withDc ? rand(b, h) : null,
                    Tensor.zeros(b, 4 * h), Tensor.zeros(b, h)}, 2,
                    (be, t) -> be.lstmCellBackward(t[0], t[1], t[2], t[3], t[4], t[5], t[6]));
        }
        same("gruCell", TOL, new Tensor[] {rand(b, 3 * h), rand(b, 3 * h), rand(b, h), Tensor.zeros(b, h),
                Tensor.zeros(b, 4 * h)}, 2, (be, t) -> be.gruCell(t[0], t[1], t[2], t[3], t[4]));
        Tensor saved = Tensor.zeros(b, 4 * h), hPrev = rand(b, h);
        cpu.gruCell(rand(b, 3 * h), rand(b, 3 * h), hPrev, Tensor.zeros(b, h), saved);
        same("gruCellBackward", TOL, new Tensor[] {saved, hPrev, rand(b, h), Tensor.zeros(b, 3 * h), Tensor.zeros(b, 3 * h),
                Tensor.zeros(b, h)}, 3, (be, t) -> be.gruCellBackward(t[0], t[1], t[2], t[3], t[4], t[5]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void hostTensorsAndFloat64AreRefusedWithTheirNames(String backend) {
        on(backend);
        Tensor hostA = rand(3, 4);
        Tensor onDev = d(rand(4, 5));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.gemm(false, false, 1, hostA, onDev, 0, Tensor.empty(device, DType.FLOAT32, 3, 5)));
        assertTrue(e.getMessage().contains("is on cpu") && e.getMessage().contains(device.toString()), e.getMessage());
        IllegalStateException hostRead = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                onDev::segment);
        assertTrue(hostRead.getMessage().contains("is on " + device), hostRead.getMessage());
        if (backend.equals("cuda")) {
            IllegalArgumentException moved = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(DType.FLOAT64, 4).to(device));
            assertTrue(moved.getMessage().contains("computes in float32"), moved.getMessage());
            // Refused at allocation, so no cuda op ever sees a float64 operand.
            IllegalArgumentException allocated = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> Tensor.empty(device, DType.FLOAT64, 4));
            assertTrue(allocated.getMessage().contains("cannot allocate float64[4] on " + device)
                    && allocated.getMessage().contains("computes in float32"), allocated.getMessage());
        }
    }

    /**
     * Whole recurrent layers through the autograd op: two layers, both directions, batch-first,
     * initial states, every gradient. On cuda this is cuDNN's RNN API (one call a layer and
     * direction) against the CPU's step-by-step kernels; on fake, the step path on a device.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fake", "cuda"})
    void recurrentLayersForwardAndBackward(String backend) {
        on(backend);
        int batch = 3, steps = 7, in = 5, hidden = 11;
        for (int kind = 0; kind < 3; kind++) {
            Tensor[] grads = null;
            Tensor[] outputs = null;
            Tensor x = rand(batch, steps, in);
            Tensor h0 = rand(4, batch, hidden);
            Tensor c0 = rand(4, batch, hidden);
            Tensor r = rand(batch, steps, 2 * hidden);
            for (Backend be : new Backend[] {cpu, dev}) {
                boolean onDevice = be == dev;
                java.util.Random seeds = new java.util.Random(kind);
                SplittableRandom init = new SplittableRandom(seeds.nextLong());
                RecurrentLayer layer = switch (kind) {
                    case 0 -> new LSTM(in, hidden, 2, true, true, DType.FLOAT32, init);
                    case 1 -> new GRU(in, hidden, 2, true, true, DType.FLOAT32, init);
                    default -> new RNN(in, hidden, 2, true, true, DType.FLOAT32, init);
                };
                Device where = onDevice ? device : Device.CPU;
                layer.to(where);
                Tensor xs = x.to(where).detach().requiresGrad(true);
                Tensor hs = h0.to(where).detach().requiresGrad(true);
                Tensor cs = kind == 0 ? c0.to(where).detach().requiresGrad(true) : null;
                RecurrentOutput out = layer.forward(xs, hs, cs);
                Tensor loss = out.output().mul(r.to(where)).sum().add(out.hN().mul(out.hN()).sum());
                if (kind == 0) {
                    loss = loss.add(out.cN().mul(out.cN()).sum());
                }
                loss.backward();
                java.util.List<Tensor> g = new java.util.ArrayList<>(java.util.List.of(out.output(), out.hN(), xs.grad(),
                        hs.grad()));
                if (kind == 0) {
                    g.add(out.cN());
                    g.add(cs.grad());
                }
                for (Parameter p : layer.parameters()) {
                    g.add(p.grad());
                }
                Tensor[] now = g.toArray(Tensor[]::new);
                if (!onDevice) {
                    grads = now;
                } else {
                    outputs = now;
                }
            }
            for (int i = 0; i < grads.length; i++) {
                assertEquals(device, outputs[i].device(), "kind " + kind + " tensor " + i);
                close(grads[i], outputs[i], SUM_TOL, "recurrent kind " + kind + " tensor " + i);
            }
        }
    }

    /**
     * With TF32 allowed, GEMM and convolution round their inputs to 10 mantissa bits: they must
     * stay within a TF32 tolerance of the CPU, and differ from the float32 results (or TF32 was
     * never used).
     */
    @ParameterizedTest
    @ValueSource(strings = {"cuda"})
    void tf32GemmAndConvolutionStayWithinTf32Tolerance(String backend) {
        on(backend);
        Backend tf32 = new CudaBackend(0, true);
        Tensor a = rand(512, 512), b = rand(512, 512);
        Tensor expected = Tensor.zeros(512, 512);
        cpu.gemm(false, false, 1, a, b, 0, expected);
        Tensor fast = Tensor.empty(device, DType.FLOAT32, 512, 512);
        tf32.gemm(false, false, 1, d(a), d(b), 0, fast);
        Tensor exact = Tensor.empty(device, DType.FLOAT32, 512, 512);
        dev.gemm(false, false, 1, d(a), d(b), 0, exact);
        closeToScale(expected, fast, 2e-3, "TF32 gemm");
        close(expected, exact, SUM_TOL, "float32 gemm");
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(fast.toFloatArray(), exact.toFloatArray()),
                "TF32 and float32 GEMMs gave the same bits: TF32 was not used");
        Conv2dGeometry g = new Conv2dGeometry(8, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Tensor x = rand(g.inputShape()), w = rand(g.weightShape());
        Tensor y = Tensor.zeros(g.outputShape());
        cpu.conv2d(g, x, w, null, y);
        Tensor yFast = Tensor.empty(device, DType.FLOAT32, g.outputShape());
        tf32.conv2d(g, d(x), d(w), null, yFast);
        closeToScale(y, yFast, 2e-3, "TF32 conv2d");
    }
}
