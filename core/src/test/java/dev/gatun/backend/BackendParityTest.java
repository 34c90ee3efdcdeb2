package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.testing.UnaryFnCases;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every SPI op of the CPU backend against the scalar reference on the same random float32 inputs. */
class BackendParityTest {
    private final Backend cpu = new CpuBackend();
    private final Backend ref = new ScalarBackend();
    private final SplittableRandom rng = new SplittableRandom(11);
    private Scope scope;

    private static final int[][] SHAPES = {{1, 1}, {3, 17}, {33, 10}, {129, 784}, {7, 1}, {2, 1000}};

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private Tensor rand(int... shape) {
        return Tensor.uniform(rng, -3, 3, DType.FLOAT32, shape);
    }

    private static void close(Tensor expected, Tensor actual, double tol, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            double scale = Math.max(1, Math.abs(e[i]));
            assertEquals(e[i], a[i], tol * scale, what + " at " + i);
        }
    }

    @Test
    void gemmAllTransposesAndViews() {
        int[][] mnk = {{1, 1, 1}, {5, 7, 3}, {33, 17, 65}, {128, 256, 784}, {3, 300, 2}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                Tensor a = ta ? rand(s[2], s[0]) : rand(s[0], s[2]);
                Tensor b = tb ? rand(s[1], s[2]) : rand(s[2], s[1]);
                Tensor c0 = rand(s[0], s[1]);
                Tensor c1 = Tensor.zeros(s[0], s[1]).copyFrom(c0);
                ref.gemm(ta, tb, 0.7, a, b, -0.5, c0);
                cpu.gemm(ta, tb, 0.7, a, b, -0.5, c1);
                close(c0, c1, 1e-4 * Math.sqrt(s[2]), "gemm " + java.util.Arrays.toString(s) + " ta=" + ta + " tb=" + tb);
                // The same product through transposed views instead of flags.
                Tensor c2 = Tensor.zeros(s[0], s[1]);
                Tensor c3 = Tensor.zeros(s[0], s[1]);
                ref.gemm(false, false, 1, ta ? a.t() : a, tb ? b.t() : b, 0, c2);
                cpu.gemm(false, false, 1, ta ? a.t() : a, tb ? b.t() : b, 0, c3);
                close(c2, c3, 1e-4 * Math.sqrt(s[2]), "gemm views " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void gemmAddRowMatchesTheRowThenGemm() {
        // The CPU backend's one pass against the scalar backend's default (zero, add the row, gemm
        // with beta = 1), on float32 through the fused kernel and on float64 through the default,
        // with transposed views; C starts as garbage neither may read.
        int[][] mnk = {{1, 1, 1}, {5, 7, 3}, {33, 17, 65}, {1792, 512, 28}, {3, 300, 2}};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : mnk) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    Tensor a = Tensor.uniform(rng, -1, 1, dtype, ta ? s[2] : s[0], ta ? s[0] : s[2]);
                    Tensor b = Tensor.uniform(rng, -1, 1, dtype, tb ? s[1] : s[2], tb ? s[2] : s[1]);
                    Tensor row = Tensor.uniform(rng, -1, 1, dtype, s[1]);
                    Tensor c0 = Tensor.uniform(rng, 1e30, 2e30, dtype, s[0], s[1]);
                    Tensor c1 = Tensor.uniform(rng, 1e30, 2e30, dtype, s[0], s[1]);
                    ref.gemmAddRow(ta, tb, 0.7, a, b, row, c0);
                    cpu.gemmAddRow(false, false, 0.7, ta ? a.t() : a, tb ? b.t() : b, row, c1);
                    close(c0, c1, 1e-4 * Math.sqrt(s[2]), "gemmAddRow " + dtype + " " + java.util.Arrays.toString(s)
                            + " ta=" + ta + " tb=" + tb);
                }
            }
        }
        Tensor c = Tensor.zeros(3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> cpu.gemmAddRow(false, false, 1, rand(3, 2), rand(2, 4), rand(3), c));
        assertTrue(e.getMessage().contains("the row must be [4]"), e.getMessage());
    }

    @Test
    void binaryWithBroadcasting() {
        int[][][] pairs = {{{3, 17}, {3, 17}}, {{33, 10}, {10}}, {{33, 10}, {33, 1}}, {{1}, {7, 5}}, {{4, 1, 6}, {5, 1}},
                           {{129, 784}, {129, 784}}, {{2, 3, 4}, {2, 3, 4}},
                           // Big enough that the broadcast rows split over the threads, in uneven ranges.
                           {{301, 257}, {257}}, {{3, 101, 257}, {101, 1}}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] p : pairs) {
                Tensor a = rand(p[0]);
                Tensor b = op == BinaryOp.DIV ? Tensor.uniform(rng, 0.5, 2, DType.FLOAT32, p[1]) : rand(p[1]);
                int[] out = dev.gatun.tensor.Shape.broadcast(p[0], p[1]);
                Tensor e = Tensor.zeros(out);
                Tensor g = Tensor.zeros(out);
                ref.binary(op, a, b, e);
                cpu.binary(op, a, b, g);
                close(e, g, 1e-6, op + " " + java.util.Arrays.deepToString(p));
            }
        }
        // Strided (transposed) operand takes the general path.
        Tensor a = rand(5, 3);
        Tensor e = Tensor.zeros(3, 5);
        Tensor g = Tensor.zeros(3, 5);
        Tensor b = rand(3, 5);
        ref.binary(BinaryOp.ADD, a.t(), b, e);
        cpu.binary(BinaryOp.ADD, a.t(), b, g);
        close(e, g, 1e-6, "add transposed");
    }

    @Test
    void unaryAndBackward() {
        for (UnaryFn op : UnaryFnCases.all()) {
            for (int[] s : SHAPES) {
                Tensor x = op.op() == UnaryOp.LOG ? Tensor.uniform(rng, 0.1, 5, DType.FLOAT32, s) : rand(s);
                Tensor ye = Tensor.zeros(s);
                Tensor yg = Tensor.zeros(s);
                ref.unary(op, x, ye);
                cpu.unary(op, x, yg);
                close(ye, yg, 2e-6, op + " forward");
                Tensor dy = rand(s);
                Tensor de = Tensor.zeros(s);
                Tensor dg = Tensor.zeros(s);
                ref.unaryBackward(op, x, ye, dy, de);
                cpu.unaryBackward(op, x, ye, dy, dg);
                close(de, dg, 2e-6, op + " backward");
            }
        }
    }

    @Test
    void reductionsAlongEveryAxis() {
        int[][] shapes = {{3, 17}, {33, 10, 4}, {1, 5}, {129, 784}};
        for (int[] s : shapes) {
            for (int axis = 0; axis < s.length; axis++) {
                Tensor x = rand(s);
                int[] ys = s.clone();
                ys[axis] = 1;
                for (ReduceOp op : ReduceOp.values()) {
                    Tensor ye = Tensor.zeros(ys);
                    Tensor yg = Tensor.zeros(ys);
                    Tensor ae = Tensor.zeros(DType.INT32, ys);
                    Tensor ag = Tensor.zeros(DType.INT32, ys);
                    ref.reduce(op, x, axis, ye, op == ReduceOp.MAX ? ae : null);
                    cpu.reduce(op, x, axis, yg, op == ReduceOp.MAX ? ag : null);
                    close(ye, yg, 1e-5 * Math.sqrt(s[axis]), op + " axis " + axis + " of " + java.util.Arrays.toString(s));
                    if (op == ReduceOp.MAX) {
                        assertArrayEquals(ae.toIntArray(), ag.toIntArray(), "argmax of MAX");
                    }
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyArgmax() {
        for (int[] s : SHAPES) {
            Tensor x = rand(s);
            for (boolean log : new boolean[] {false, true}) {
                Tensor ye = Tensor.zeros(s);
                Tensor yg = Tensor.zeros(s);
                ref.softmax(x, ye, log);
                cpu.softmax(x, yg, log);
                close(ye, yg, 1e-5, "softmax log=" + log);
                Tensor dy = rand(s);
                Tensor de = Tensor.zeros(s);
                Tensor dg = Tensor.zeros(s);
                ref.softmaxBackward(ye, dy, de, log);
                cpu.softmaxBackward(ye, dy, dg, log);
                close(de, dg, 1e-5, "softmax backward log=" + log);
            }
            int[] labels = new int[s[0]];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(s[1]);
            }
            Tensor lab = Tensor.of(labels, labels.length);
            Tensor pe = Tensor.zeros(s);
            Tensor pg = Tensor.zeros(s);
            double le = ref.crossEntropy(x, lab, pe);
            double lg = cpu.crossEntropy(x, lab, pg);
            assertEquals(le, lg, 1e-5 * Math.max(1, Math.abs(le)), "cross-entropy loss");
            close(pe, pg, 1e-6, "cross-entropy probs");
            Tensor de = Tensor.zeros(s);
            Tensor dg = Tensor.zeros(s);
            ref.crossEntropyBackward(pe, lab, 0.25, de);
            cpu.crossEntropyBackward(pe, lab, 0.25, dg);
            close(de, dg, 1e-6, "cross-entropy backward");
            Tensor ae = Tensor.zeros(DType.INT32, s[0]);
            Tensor ag = Tensor.zeros(DType.INT32, s[0]);
            ref.argmax(x, ae);
            cpu.argmax(x, ag);
            assertArrayEquals(ae.toIntArray(), ag.toIntArray(), "argmax");
        }
        Tensor bad = Tensor.of(new int[] {0, 9}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.crossEntropy(rand(2, 5), bad, Tensor.zeros(2, 5)));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }

    @Test
    void axpbyClampFillCopyDropout() {
        for (int[] s : SHAPES) {
            Tensor x = rand(s);
            Tensor ye = rand(s);
            Tensor yg = Tensor.zeros(s).copyFrom(ye);
            ref.axpby(1.5, x, -0.25, ye);
            cpu.axpby(1.5, x, -0.25, yg);
            close(ye, yg, 1e-6, "axpby");
            Tensor ce = Tensor.zeros(s);
            Tensor cg = Tensor.zeros(s);
            ref.clamp(x, -1.5, 0.75, ce);
            cpu.clamp(x, -1.5, 0.75, cg);
            close(ce, cg, 0, "clamp");
            ref.fill(ye, 3.25);
            cpu.fill(yg, 3.25);
            close(ye, yg, 0, "fill");
            Tensor me = Tensor.zeros(s);
            Tensor mg = Tensor.zeros(s);
            ref.dropout(x, me, ye, 0.3, 77);
            cpu.dropout(x, mg, yg, 0.3, 77);
            close(me, mg, 0, "dropout mask");
            close(ye, yg, 1e-6, "dropout output");
        }
    }

    @Test
    void optimizerSteps() {
        for (int[] s : SHAPES) {
            Tensor pe = rand(s);
            Tensor pg = Tensor.zeros(s).copyFrom(pe);
            Tensor me = Tensor.zeros(s), mg = Tensor.zeros(s), ve = Tensor.zeros(s), vg = Tensor.zeros(s);
            for (int step = 1; step <= 3; step++) {
                Tensor g = rand(s);
                ref.adamStep(pe, g, me, ve, 1e-2, 0.9, 0.999, 1e-8, 0.01, step == 2, step);
                cpu.adamStep(pg, g, mg, vg, 1e-2, 0.9, 0.999, 1e-8, 0.01, step == 2, step);
            }
            close(pe, pg, 1e-5, "adam");
            Tensor be = Tensor.zeros(s), bg = Tensor.zeros(s);
            for (int step = 1; step <= 3; step++) {
                Tensor g = rand(s);
                ref.sgdStep(pe, g, be, 0.1, 0.9, 0, 1e-3, true, step == 1);
                cpu.sgdStep(pg, g, bg, 0.1, 0.9, 0, 1e-3, true, step == 1);
            }
            close(pe, pg, 1e-5, "sgd nesterov");
        }
    }
}
