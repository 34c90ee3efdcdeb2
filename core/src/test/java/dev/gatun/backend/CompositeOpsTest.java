package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The composite ops' defaults against the scalar reference's own implementations: a backend that
 * implements only the core (each op delegated to the scalar backend) runs every composite through
 * its default. Odd shapes and strided views, float32 and float64. In float64 the defaults that do
 * the reference's arithmetic must match it exactly; the others (cross-entropy's loss, the square
 * roots of the optimizers) within a few ulps. In float32 each pass of a default rounds where the
 * reference rounds once.
 */
class CompositeOpsTest extends ParityTestBase {
    private final Backend core = new CoreOnly(new ScalarBackend());

    private static final int[][] SHAPES = {{1, 1}, {3, 17}, {7, 1}, {2, 3, 5}, {33, 10}};

    CompositeOpsTest() {
        super(41);
    }

    /** The core, as Backend's Javadoc lists it: what a backend must implement. */
    @Test
    void theCoreIsWhatTheJavadocLists() {
        Set<String> abstractOps = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            if (Modifier.isAbstract(m.getModifiers())) {
                abstractOps.add(m.getName());
            }
        }
        assertEquals(new TreeSet<>(Set.of("name", "description", "gemmUnchecked", "binaryUnchecked", "unaryUnchecked",
                "unaryBackwardUnchecked", "clampUnchecked", "fill", "copyUnchecked", "dropoutUnchecked", "reduceUnchecked",
                "argmaxUnchecked", "castUnchecked", "conv2dUnchecked", "conv2dBackwardDataUnchecked", "conv2dBackwardWeightUnchecked",
                "maxPool2dUnchecked", "maxPool2dBackwardUnchecked", "avgPool2dUnchecked", "avgPool2dBackwardUnchecked",
                "batchNormTrainUnchecked", "batchNormInferenceUnchecked", "batchNormBackwardUnchecked",
                "lstmCellUnchecked", "lstmCellBackwardUnchecked", "gruCellUnchecked", "gruCellBackwardUnchecked")),
                abstractOps);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void axpby(DType dt) {
        double[][] coefficients = {{0.7, -0.3}, {1, 1}, {2.5, 0}, {0, 1.5}, {1, 0.5}, {-1.25, 1}};
        for (int[] shape : SHAPES) {
            for (double[] ab : coefficients) {
                Tensor x = rand(dt, shape);
                Tensor y = rand(dt, shape);
                same("axpby " + Arrays.toString(ab) + " " + Arrays.toString(shape), dt, 5e-7, 0, new Tensor[] {x, y},
                        (be, t) -> be.axpby(ab[0], t[0], ab[1], t[1]));
            }
        }
        Tensor xt = rand(dt, 9, 4).t();
        same("axpby of a transposed view", dt, 5e-7, 0, new Tensor[] {xt, rand(dt, 4, 9)},
                (be, t) -> be.axpby(0.3, t[0], -2, t[1]));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void softmaxAndItsBackward(DType dt) {
        for (boolean log : new boolean[] {false, true}) {
            for (int[] shape : SHAPES) {
                Tensor x = scaled(rand(dt, shape), 4);
                same((log ? "log-softmax " : "softmax ") + Arrays.toString(shape), dt, 1e-6, 0,
                        new Tensor[] {x, Tensor.zeros(dt, shape)}, (be, t) -> be.softmax(t[0], t[1], log));
                Tensor y = Tensor.zeros(dt, shape);
                ref.softmax(x, y, log);
                same((log ? "log-softmax" : "softmax") + " backward " + Arrays.toString(shape), dt, 1e-6, 0,
                        new Tensor[] {y, rand(dt, shape), Tensor.zeros(dt, shape)},
                        (be, t) -> be.softmaxBackward(t[0], t[1], t[2], log));
            }
            Tensor xt = rand(dt, 6, 5).t();
            same("softmax of a transposed view", dt, 1e-6, 0, new Tensor[] {xt, Tensor.zeros(dt, 5, 6)},
                    (be, t) -> be.softmax(t[0], t[1], log));
            Tensor y = Tensor.zeros(dt, 3, 4);
            ref.softmax(rand(dt, 3, 4), y, log);
            same("softmax backward in place", dt, 1e-6, 0, new Tensor[] {y, rand(dt, 3, 4)},
                    (be, t) -> be.softmaxBackward(t[0], t[1], t[1], log));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void crossEntropyAndItsBackward(DType dt) {
        for (int[] shape : new int[][] {{1, 1}, {3, 17}, {7, 2}, {33, 10}}) {
            Tensor logits = scaled(rand(dt, shape), 5);
            int[] label = new int[shape[0]];
            for (int r = 0; r < label.length; r++) {
                label[r] = r == 0 ? shape[1] - 1 : rng.nextInt(shape[1]);
            }
            Tensor labels = Tensor.of(label, shape[0]);
            Tensor p0 = Tensor.zeros(dt, shape);
            Tensor p1 = Tensor.zeros(dt, shape);
            double l0 = ref.crossEntropy(logits, labels, p0);
            double l1 = core.crossEntropy(logits, labels, p1);
            String what = "cross-entropy " + Arrays.toString(shape) + " " + dt;
            assertEquals(l0, l1, (dt == DType.FLOAT64 ? 1e-13 : 1e-6) * shape[0] * Math.max(1, Math.abs(l0) / shape[0]),
                    what + " loss");
            assertClose(p0, p1, dt == DType.FLOAT64 ? 0 : 1e-6, what + " probs");
            same(what + " backward", dt, 1e-7, 0, new Tensor[] {p0, labels, Tensor.zeros(dt, shape)},
                    (be, t) -> be.crossEntropyBackward(t[0], t[1], 1.0 / 3, t[2]));
        }
        Tensor badLabels = Tensor.of(new int[] {0, 11}, 2);
        for (Backend be : new Backend[] {ref, core}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.crossEntropy(rand(dt, 2, 10), badLabels, Tensor.zeros(dt, 2, 10)));
            assertTrue(e.getMessage().contains("label 11 at row 1 is outside [0, 10)"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void sgd(DType dt) {
        double[][] settings = { // momentum, dampening, weightDecay, nesterov
            {0, 0, 0, 0}, {0, 0, 0.01, 0}, {0.9, 0, 0, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 0.02, 1}};
        for (double[] s : settings) {
            for (int[] shape : new int[][] {{1}, {5, 3}, {2, 3, 7}}) {
                Tensor[] state = {rand(dt, shape), rand(dt, shape), s[0] == 0 ? null : Tensor.zeros(dt, shape)};
                steps("sgd " + Arrays.toString(s) + " " + Arrays.toString(shape), dt, 1e-6, 0, state,
                        (be, t, step) -> be.sgdStep(t[0], t[1], t[2], 0.05, s[0], s[1], s[2], s[3] != 0, step == 1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void adam(DType dt) {
        for (boolean decoupled : new boolean[] {false, true}) {
            for (double wd : new double[] {0, 0.01}) {
                for (int[] shape : new int[][] {{1}, {5, 3}, {2, 3, 7}}) {
                    Tensor[] state = {rand(dt, shape), rand(dt, shape), Tensor.zeros(dt, shape), Tensor.zeros(dt, shape)};
                    steps("adam decoupled=" + decoupled + " wd=" + wd + " " + Arrays.toString(shape), dt, 1e-6, 1e-13,
                            state, (be, t, step) -> be.adamStep(t[0], t[1], t[2], t[3], 1e-2, 0.9, 0.999, 1e-8, wd,
                                    decoupled, step));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void rmsprop(DType dt) {
        for (boolean centered : new boolean[] {false, true}) {
            for (double momentum : new double[] {0, 0.9}) {
                for (int[] shape : new int[][] {{1}, {5, 3}, {2, 3, 7}}) {
                    Tensor[] state = {rand(dt, shape), rand(dt, shape), Tensor.zeros(dt, shape),
                        momentum == 0 ? null : Tensor.zeros(dt, shape), centered ? Tensor.zeros(dt, shape) : null};
                    steps("rmsprop centered=" + centered + " momentum=" + momentum + " " + Arrays.toString(shape), dt,
                            1e-5, 1e-13, state, (be, t, step) -> be.rmspropStep(t[0], t[1], t[2], t[3], t[4], 1e-2, 0.99,
                                    1e-8, 0.01, momentum, centered));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void adagrad(DType dt) {
        for (double lrDecay : new double[] {0, 0.1}) {
            for (int[] shape : new int[][] {{1}, {5, 3}, {2, 3, 7}}) {
                Tensor[] state = {rand(dt, shape), rand(dt, shape), Tensor.zeros(dt, shape)};
                steps("adagrad lrDecay=" + lrDecay + " " + Arrays.toString(shape), dt, 1e-6, 1e-13, state,
                        (be, t, step) -> be.adagradStep(t[0], t[1], t[2], 0.1, lrDecay, 0.01, 1e-10, step));
            }
        }
    }

    /** Checks run in the entry points, so a backend of only the core refuses bad arguments as the reference does. */
    @Test
    void theCoreOnlyBackendRunsTheSameChecks() {
        Tensor x = rand(DType.FLOAT32, 2, 3);
        for (Backend be : new Backend[] {ref, core}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.axpby(1, x, 1, Tensor.zeros(3, 2)));
            assertTrue(e.getMessage().contains("axpby: shape mismatch float32[2, 3] vs float32[3, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.adamStep(x, x, x, x, 0.1, 0.9, 0.99, 1e-8, 0, false, 0));
            assertTrue(e.getMessage().contains("adam: step must be >= 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.sgdStep(x, x, null, 0.1, 0.9, 0, 0, false, true));
            assertTrue(e.getMessage().contains("sgd: momentum = 0.9 needs a momentum buffer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.softmaxBackward(x, Tensor.zeros(2, 4), Tensor.zeros(2, 3), false));
            assertTrue(e.getMessage().contains("softmax backward: shape mismatch"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.reduce(ReduceOp.SUM, x, 1, Tensor.zeros(2), Tensor.zeros(DType.INT32, 2)));
            assertTrue(e.getMessage().contains("reduce SUM: indices are for MAX only"), e.getMessage());
        }
    }

    // ---- helpers ----

    private Tensor rand(DType dt, int... shape) {
        return Tensor.uniform(rng, -1, 1, dt, shape);
    }

    private static Tensor scaled(Tensor t, double c) {
        Tensor out = Tensor.zeros(t.dtype(), t.shape());
        new ScalarBackend().axpby(c, t, 0, out);
        return out;
    }

    /** Runs op on copies of the inputs with the scalar backend and with the core-only one; compares every input after. */
    private static void same(String what, DType dt, double tol32, double tol64, Tensor[] inputs,
                             BiConsumer<Backend, Tensor[]> op) {
        Tensor[] a = copies(inputs);
        Tensor[] b = copies(inputs);
        op.accept(new ScalarBackend(), a);
        op.accept(new CoreOnly(new ScalarBackend()), b);
        double tol = dt == DType.FLOAT64 ? tol64 : tol32;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != null) {
                assertClose(a[i], b[i], tol, what + " " + dt + ", tensor " + i);
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(Backend be, Tensor[] state, int step);
    }

    /** Three optimizer steps from the same state on both backends; compares the parameter and every buffer after each. */
    private void steps(String what, DType dt, double tol32, double tol64, Tensor[] state, Step step) {
        Tensor[] a = copies(state);
        Tensor[] b = copies(state);
        double tol = dt == DType.FLOAT64 ? tol64 : tol32;
        for (int k = 1; k <= 3; k++) {
            Tensor grad = rand(dt, state[0].shape());
            a[1] = grad;
            b[1] = grad;
            step.run(ref, a, k);
            step.run(core, b, k);
            for (int i = 0; i < a.length; i++) {
                if (a[i] != null) {
                    assertClose(a[i], b[i], tol, what + " " + dt + " step " + k + ", tensor " + i);
                }
            }
        }
    }

    private static Tensor[] copies(Tensor[] ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] != null) {
                out[i] = ts[i].isContiguous() ? Tensor.zeros(ts[i].dtype(), ts[i].shape()).copyFrom(ts[i]) : ts[i];
            }
        }
        return out;
    }

    /**
     * A backend of only the core ops, each delegated to the scalar backend: every composite op
     * runs through its default.
     */
    private static final class CoreOnly implements Backend {
        private final ScalarBackend s;

        CoreOnly(ScalarBackend s) {
            this.s = s;
        }

        @Override
        public String name() {
            return "core-only";
        }

        @Override
        public String description() {
            return "core-only (the scalar backend's core ops; composite ops by their defaults)";
        }

        @Override
        public void gemmUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta,
                                  Tensor c) {
            s.gemmUnchecked(transA, transB, alpha, a, b, beta, c);
        }

        @Override
        public void castUnchecked(Tensor src, Tensor dst) {
            s.castUnchecked(src, dst);
        }

        @Override
        public void binaryUnchecked(BinaryOp op, Tensor a, Tensor b, Tensor out) {
            s.binaryUnchecked(op, a, b, out);
        }

        @Override
        public void unaryUnchecked(UnaryFn f, Tensor x, Tensor y) {
            s.unaryUnchecked(f, x, y);
        }

        @Override
        public void unaryBackwardUnchecked(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
            s.unaryBackwardUnchecked(f, x, y, dy, dx);
        }

        @Override
        public void clampUnchecked(Tensor x, double lo, double hi, Tensor y) {
            s.clampUnchecked(x, lo, hi, y);
        }

        @Override
        public void fill(Tensor y, double value) {
            s.fill(y, value);
        }

        @Override
        public void copyUnchecked(Tensor src, Tensor dst) {
            s.copyUnchecked(src, dst);
        }

        @Override
        public void dropoutUnchecked(Tensor x, Tensor mask, Tensor y, double p, long seed) {
            s.dropoutUnchecked(x, mask, y, p, seed);
        }

        @Override
        public void reduceUnchecked(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
            s.reduceUnchecked(op, x, axis, y, argOrNull);
        }

        @Override
        public void argmaxUnchecked(Tensor x, Tensor out) {
            s.argmaxUnchecked(x, out);
        }

        @Override
        public void conv2dUnchecked(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
            s.conv2dUnchecked(g, x, w, biasOrNull, y);
        }

        @Override
        public void conv2dBackwardDataUnchecked(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
            s.conv2dBackwardDataUnchecked(g, dy, w, dx);
        }

        @Override
        public void conv2dBackwardWeightUnchecked(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
            s.conv2dBackwardWeightUnchecked(g, x, dy, dw, dbiasOrNull);
        }

        @Override
        public void maxPool2dUnchecked(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
            s.maxPool2dUnchecked(g, x, y, argmax);
        }

        @Override
        public void maxPool2dBackwardUnchecked(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
            s.maxPool2dBackwardUnchecked(g, dy, argmax, dx);
        }

        @Override
        public void avgPool2dUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
            s.avgPool2dUnchecked(g, countIncludePad, x, y);
        }

        @Override
        public void avgPool2dBackwardUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
            s.avgPool2dBackwardUnchecked(g, countIncludePad, dy, dx);
        }

        @Override
        public void batchNormTrainUnchecked(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum,
                                            Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                            Tensor saveInvStd) {
            s.batchNormTrainUnchecked(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
        }

        @Override
        public void batchNormInferenceUnchecked(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                                Tensor runningVar, double eps, Tensor y) {
            s.batchNormInferenceUnchecked(x, gamma, beta, runningMean, runningVar, eps, y);
        }

        @Override
        public void batchNormBackwardUnchecked(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy,
                                               Tensor dx, Tensor dgamma, Tensor dbeta) {
            s.batchNormBackwardUnchecked(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
        }

        @Override
        public void lstmCellUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
            s.lstmCellUnchecked(gates, cPrev, c, h);
        }

        @Override
        public void lstmCellBackwardUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                              Tensor dcPrev) {
            s.lstmCellBackwardUnchecked(gates, cPrev, c, dh, dc, dGates, dcPrev);
        }

        @Override
        public void gruCellUnchecked(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
            s.gruCellUnchecked(xg, hg, hPrev, h, saved);
        }

        @Override
        public void gruCellBackwardUnchecked(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg,
                                             Tensor dhPrev) {
            s.gruCellBackwardUnchecked(saved, hPrev, dh, dxg, dhg, dhPrev);
        }
    }
}
