package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The four recurrent cell ops of the CPU backend against the scalar reference on random float32 inputs. */
class RecurrentCellsParityTest extends ParityTestBase {
    private static final int[][] BATCH_HIDDEN = {{1, 1}, {3, 7}, {5, 33}, {64, 128}, {2, 67}};

    RecurrentCellsParityTest() {
        super(13);
    }

    private static Tensor copy(Tensor t) {
        return Tensor.zeros(t.dtype(), t.shape()).copyFrom(t);
    }

    @Test
    void lstmCell() {
        for (int[] s : BATCH_HIDDEN) {
            int b = s[0];
            int h = s[1];
            Tensor gates = uniform(-5, 5, b, 4 * h);
            Tensor gates2 = copy(gates);
            Tensor cPrev = uniform(-2, 2, b, h);
            Tensor c0 = Tensor.zeros(b, h);
            Tensor c1 = Tensor.zeros(b, h);
            Tensor h0 = Tensor.zeros(b, h);
            Tensor h1 = Tensor.zeros(b, h);
            ref.lstmCell(gates, cPrev, c0, h0);
            cpu.lstmCell(gates2, cPrev, c1, h1);
            String what = "lstmCell " + Arrays.toString(s);
            assertClose(gates, gates2, 2e-6, what + " gates");
            assertClose(c0, c1, 2e-6, what + " c");
            assertClose(h0, h1, 2e-6, what + " h");
        }
    }

    @Test
    void lstmCellBackward() {
        for (int[] s : BATCH_HIDDEN) {
            for (boolean withDc : new boolean[] {true, false}) {
                int b = s[0];
                int h = s[1];
                Tensor gates = uniform(0.01, 0.99, b, 4 * h);
                Tensor cPrev = uniform(-2, 2, b, h);
                Tensor c = uniform(-2, 2, b, h);
                Tensor dh = uniform(-1, 1, b, h);
                Tensor dc = withDc ? uniform(-1, 1, b, h) : null;
                Tensor dg0 = Tensor.zeros(b, 4 * h);
                Tensor dg1 = Tensor.zeros(b, 4 * h);
                Tensor dcp0 = Tensor.zeros(b, h);
                Tensor dcp1 = Tensor.zeros(b, h);
                ref.lstmCellBackward(gates, cPrev, c, dh, dc, dg0, dcp0);
                cpu.lstmCellBackward(gates, cPrev, c, dh, dc, dg1, dcp1);
                String what = "lstmCellBackward " + Arrays.toString(s) + " dc " + withDc;
                assertClose(dg0, dg1, 2e-6, what + " dGates");
                assertClose(dcp0, dcp1, 2e-6, what + " dcPrev");
            }
        }
    }

    @Test
    void gruCell() {
        for (int[] s : BATCH_HIDDEN) {
            int b = s[0];
            int h = s[1];
            Tensor xg = uniform(-3, 3, b, 3 * h);
            Tensor hg = uniform(-3, 3, b, 3 * h);
            Tensor hPrev = uniform(-1, 1, b, h);
            Tensor h0 = Tensor.zeros(b, h);
            Tensor h1 = Tensor.zeros(b, h);
            Tensor s0 = Tensor.zeros(b, 4 * h);
            Tensor s1 = Tensor.zeros(b, 4 * h);
            ref.gruCell(xg, hg, hPrev, h0, s0);
            cpu.gruCell(xg, hg, hPrev, h1, s1);
            String what = "gruCell " + Arrays.toString(s);
            assertClose(h0, h1, 2e-6, what + " h");
            assertClose(s0, s1, 2e-6, what + " saved");
        }
    }

    @Test
    void gruCellBackward() {
        for (int[] s : BATCH_HIDDEN) {
            int b = s[0];
            int h = s[1];
            Tensor saved = uniform(0.01, 0.99, b, 4 * h);
            Tensor hPrev = uniform(-1, 1, b, h);
            Tensor dh = uniform(-1, 1, b, h);
            Tensor[] r = {Tensor.zeros(b, 3 * h), Tensor.zeros(b, 3 * h), Tensor.zeros(b, h)};
            Tensor[] c = {Tensor.zeros(b, 3 * h), Tensor.zeros(b, 3 * h), Tensor.zeros(b, h)};
            ref.gruCellBackward(saved, hPrev, dh, r[0], r[1], r[2]);
            cpu.gruCellBackward(saved, hPrev, dh, c[0], c[1], c[2]);
            String what = "gruCellBackward " + Arrays.toString(s);
            assertClose(r[0], c[0], 2e-6, what + " dxg");
            assertClose(r[1], c[1], 2e-6, what + " dhg");
            assertClose(r[2], c[2], 2e-6, what + " dhPrev");
        }
    }

    @Test
    void stridedInputsFallBackToTheReference() {
        // Gate rows taken as a column window of a wider tensor: not contiguous.
        Tensor wide = uniform(-3, 3, 4, 40);
        Tensor gates = wide.view(new int[] {4, 20}, new long[] {40, 1}, 10);
        Tensor gates2 = copy(gates);
        Tensor cPrev = uniform(-1, 1, 5, 4).t();
        Tensor c0 = Tensor.zeros(4, 5);
        Tensor c1 = Tensor.zeros(4, 5);
        Tensor h0 = Tensor.zeros(4, 5);
        Tensor h1 = Tensor.zeros(4, 5);
        cpu.lstmCell(gates, cPrev, c0, h0);
        ref.lstmCell(gates2, cPrev.contiguous(), c1, h1);
        assertClose(gates2, gates, 2e-6, "strided gates");
        assertClose(c1, c0, 2e-6, "strided c");
        assertClose(h1, h0, 2e-6, "strided h");
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
