package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The four recurrent cell ops of the CPU backend against the scalar reference on random float32 inputs. */
class RecurrentCellsParityTest {
    private static final int[][] BATCH_HIDDEN = {{1, 1}, {3, 7}, {5, 33}, {64, 128}, {2, 67}};
    private final Backend cpu = new CpuBackend();
    private final Backend ref = new ScalarBackend();
    private final SplittableRandom rng = new SplittableRandom(13);
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private Tensor rand(double lo, double hi, int... shape) {
        return Tensor.uniform(rng, lo, hi, DType.FLOAT32, shape);
    }

    private static Tensor copy(Tensor t) {
        return Tensor.zeros(t.dtype(), t.shape()).copyFrom(t);
    }

    private static void close(Tensor expected, Tensor actual, String what) {
        float[] e = expected.contiguous().toFloatArray();
        float[] a = actual.contiguous().toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 2e-6 * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }

    @Test
    void lstmCell() {
        for (int[] s : BATCH_HIDDEN) {
            int b = s[0];
            int h = s[1];
            Tensor gates = rand(-5, 5, b, 4 * h);
            Tensor gates2 = copy(gates);
            Tensor cPrev = rand(-2, 2, b, h);
            Tensor c0 = Tensor.zeros(b, h);
            Tensor c1 = Tensor.zeros(b, h);
            Tensor h0 = Tensor.zeros(b, h);
            Tensor h1 = Tensor.zeros(b, h);
            ref.lstmCell(gates, cPrev, c0, h0);
            cpu.lstmCell(gates2, cPrev, c1, h1);
            String what = "lstmCell " + Arrays.toString(s);
            close(gates, gates2, what + " gates");
            close(c0, c1, what + " c");
            close(h0, h1, what + " h");
        }
    }

    @Test
    void lstmCellBackward() {
        for (int[] s : BATCH_HIDDEN) {
            for (boolean withDc : new boolean[] {true, false}) {
                int b = s[0];
                int h = s[1];
                Tensor gates = rand(0.01, 0.99, b, 4 * h);
                Tensor cPrev = rand(-2, 2, b, h);
                Tensor c = rand(-2, 2, b, h);
                Tensor dh = rand(-1, 1, b, h);
                Tensor dc = withDc ? rand(-1, 1, b, h) : null;
                Tensor dg0 = Tensor.zeros(b, 4 * h);
                Tensor dg1 = Tensor.zeros(b, 4 * h);
                Tensor dcp0 = Tensor.zeros(b, h);
                Tensor dcp1 = Tensor.zeros(b, h);
                ref.lstmCellBackward(gates, cPrev, c, dh, dc, dg0, dcp0);
                cpu.lstmCellBackward(gates, cPrev, c, dh, dc, dg1, dcp1);
                String what = "lstmCellBackward " + Arrays.toString(s) + " dc " + withDc;
                close(dg0, dg1, what + " dGates");
                close(dcp0, dcp1, what + " dcPrev");
            }
        }
    }

    @Test
    void gruCell() {
        for (int[] s : BATCH_HIDDEN) {
            int b = s[0];
            int h = s[1];
            Tensor xg = rand(-3, 3, b, 3 * h);
            Tensor hg = rand(-3, 3, b, 3 * h);
            Tensor hPrev = rand(-1, 1, b, h);
            Tensor h0 = Tensor.zeros(b, h);
            Tensor h1 = Tensor.zeros(b, h);
            Tensor s0 = Tensor.zeros(b, 4 * h);
            Tensor s1 = Tensor.zeros(b, 4 * h);
            ref.gruCell(xg, hg, hPrev, h0, s0);
            cpu.gruCell(xg, hg, hPrev, h1, s1);
            String what = "gruCell " + Arrays.toString(s);
            close(h0, h1, what + " h");
            close(s0, s1, what + " saved");
        }
    }

    @Test
    void gruCellBackward() {
        for (int[] s : BATCH_HIDDEN) {
            int b = s[0];
            int h = s[1];
            Tensor saved = rand(0.01, 0.99, b, 4 * h);
            Tensor hPrev = rand(-1, 1, b, h);
            Tensor dh = rand(-1, 1, b, h);
            Tensor[] r = {Tensor.zeros(b, 3 * h), Tensor.zeros(b, 3 * h), Tensor.zeros(b, h)};
            Tensor[] c = {Tensor.zeros(b, 3 * h), Tensor.zeros(b, 3 * h), Tensor.zeros(b, h)};
            ref.gruCellBackward(saved, hPrev, dh, r[0], r[1], r[2]);
            cpu.gruCellBackward(saved, hPrev, dh, c[0], c[1], c[2]);
            String what = "gruCellBackward " + Arrays.toString(s);
            close(r[0], c[0], what + " dxg");
            close(r[1], c[1], what + " dhg");
            close(r[2], c[2], what + " dhPrev");
        }
    }

    @Test
    void stridedInputsFallBackToTheReference() {
        // Gate rows taken as a column window of a wider tensor: not contiguous.
        Tensor wide = rand(-3, 3, 4, 40);
        Tensor gates = wide.view(new int[] {4, 20}, new long[] {40, 1}, 10);
        Tensor gates2 = copy(gates);
        Tensor cPrev = rand(-1, 1, 5, 4).t();
        Tensor c0 = Tensor.zeros(4, 5);
        Tensor c1 = Tensor.zeros(4, 5);
        Tensor h0 = Tensor.zeros(4, 5);
        Tensor h1 = Tensor.zeros(4, 5);
        cpu.lstmCell(gates, cPrev, c0, h0);
        ref.lstmCell(gates2, cPrev.contiguous(), c1, h1);
        close(gates2, gates, "strided gates");
        close(c1, c0, "strided c");
        close(h1, h0, "strided h");
    }

    @Test
    void badShapesNameTheArgument() {
        Tensor gates = Tensor.zeros(3, 8);
        Tensor ok = Tensor.zeros(3, 2);
        Tensor bad = Tensor.zeros(3, 3);
        for (Backend be : new Backend[] {cpu, ref}) {
            var e = assertThrows(IllegalArgumentException.class, () -> be.lstmCell(gates, bad, ok, ok));
            assertTrue(e.getMessage().contains("cPrev"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.lstmCell(Tensor.zeros(3, 7), ok, ok, ok));
            assertTrue(e.getMessage().contains("gates"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.lstmCellBackward(gates, ok, ok, ok, null, Tensor.zeros(3, 4), ok));
            assertTrue(e.getMessage().contains("dGates"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.gruCell(Tensor.zeros(3, 6), Tensor.zeros(3, 6), ok, ok, Tensor.zeros(3, 6)));
            assertTrue(e.getMessage().contains("saved"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.gruCellBackward(Tensor.zeros(3, 8), ok, bad, Tensor.zeros(3, 6), Tensor.zeros(3, 6), ok));
            assertTrue(e.getMessage().contains("dh"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> be.lstmCell(gates, Tensor.zeros(DType.FLOAT64, 3, 2), ok, ok));
            assertTrue(e.getMessage().contains("dtype"), e.getMessage());
        }
    }
}
