package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.ops.RecurrentSequence.Cell;
import dev.gatun.ops.RecurrentSequence;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shapes, parameter names, direction layout and input errors of RNN, LSTM and GRU. */
class RecurrentLayersTest {
    private Scope scope;
    private final SplittableRandom rng = new SplittableRandom(17);

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void parameterNamesAndShapesFollowPyTorch() {
        LSTM lstm = new LSTM(5, 3, 2, true, false, DType.FLOAT32, rng);
        List<Parameter> ps = lstm.parameters();
        String[] names = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                          "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                          "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                          "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"};
        assertEquals(names.length, ps.size());
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], ps.get(i).name());
        }
        assertArrayEquals(new int[] {12, 5}, ps.get(0).tensor().shape());
        assertArrayEquals(new int[] {12, 3}, ps.get(1).tensor().shape());
        assertArrayEquals(new int[] {12}, ps.get(2).tensor().shape());
        assertArrayEquals(new int[] {12, 6}, ps.get(8).tensor().shape());
        assertArrayEquals(new int[] {9, 4}, new GRU(4, 3, rng).parameters().get(0).tensor().shape());
        assertArrayEquals(new int[] {3, 3}, new RNN(4, 3, rng).parameters().get(1).tensor().shape());
        double bound = 1 / Math.sqrt(3);
        for (Parameter p : ps) {
            for (float v : p.tensor().toFloatArray()) {
                assertTrue(Math.abs(v) <= bound, p.name() + " " + v);
            }
        }
    }

    @Test
    void outputShapesMatchPyTorch() {
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 7, 4, 5);
        RecurrentOutput o = new LSTM(5, 3, 2, true, false, DType.FLOAT32, rng).forward(x, null, null);
        assertArrayEquals(new int[] {7, 4, 6}, o.output().shape());
        assertArrayEquals(new int[] {4, 4, 3}, o.hN().shape());
        assertArrayEquals(new int[] {4, 4, 3}, o.cN().shape());
        Tensor xb = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 4, 7, 5);
        RecurrentOutput g = new GRU(5, 3, 1, false, true, DType.FLOAT32, rng).forward(xb, null, null);
        assertArrayEquals(new int[] {4, 7, 3}, g.output().shape());
        assertArrayEquals(new int[] {1, 4, 3}, g.hN().shape());
        assertNull(g.cN());
        assertArrayEquals(new int[] {4, 7, 3}, new RNN(5, 3, 1, false, true, DType.FLOAT32, rng).forward(xb).shape());
    }

    @Test
    void finalStatesAreTheOutputsAtTheEnds() {
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 6, 2, 3);
        RecurrentOutput o = new GRU(3, 4, 1, true, false, DType.FLOAT32, rng).forward(x, null, null);
        float[] out = o.output().contiguous().toFloatArray();
        float[] hN = o.hN().toFloatArray();
        // Forward direction: last time step, first 4 features. Reverse: time 0, last 4 features.
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(out[(5 * 2 + b) * 8 + j], hN[b * 4 + j]);
                assertEquals(out[b * 8 + 4 + j], hN[8 + b * 4 + j]);
            }
        }
    }

    @Test
    void batchFirstIsTheTransposeOfTimeMajor() {
        LSTM timeMajor = new LSTM(3, 4, 1, true, false, DType.FLOAT32, new SplittableRandom(1));
        LSTM batchFirst = new LSTM(3, 4, 1, true, true, DType.FLOAT32, new SplittableRandom(1));
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 5, 2, 3);
        Tensor a = timeMajor.forward(x);
        Tensor b = batchFirst.forward(x.transpose(0, 1).contiguous());
        assertArrayEquals(a.transpose(0, 1).contiguous().toFloatArray(), b.contiguous().toFloatArray());
    }

    @Test
    void lastTimeStepSliceHasGradients() {
        LSTM lstm = new LSTM(3, 4, 1, false, true, DType.FLOAT32, rng);
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 2, 5, 3).requiresGrad(true);
        Tensor last = lstm.forward(x).slice(1, 4, 5).contiguous().reshape(2, 4);
        last.sum().backward();
        for (Parameter p : lstm.parameters()) {
            assertTrue(p.grad() != null, p.name());
        }
        assertArrayEquals(new int[] {2, 5, 3}, x.grad().shape());
    }

    /**
     * The float32 CPU path (W_hh packed once, batch rows split over threads: whole sequences per
     * thread for small blocks, one fork per step for big ones) against the float64 path, which
     * runs plain GEMMs, on the same weights: outputs, final states and weight gradients, for each cell.
     */
    @Test
    void float32FastPathMatchesFloat64() {
        // {batch, hidden, steps, cell}: 0 RNN, 1 LSTM, 2 GRU.
        int[][] cases = {{32, 128, 3, 1}, {128, 256, 2, 1}, {5, 33, 4, 1}, {32, 128, 3, 2}, {48, 160, 3, 0}, {3, 9, 2, 2}};
        for (int[] s : cases) {
            int batch = s[0];
            int hidden = s[1];
            int steps = s[2];
            boolean bidirectional = batch < 100;
            int directions = bidirectional ? 2 : 1;
            RecurrentLayer f32 = layer(s[3], hidden, bidirectional, DType.FLOAT32);
            RecurrentLayer f64 = layer(s[3], hidden, bidirectional, DType.FLOAT64);
            List<Parameter> p32 = f32.parameters();
            List<Parameter> p64 = f64.parameters();
            for (int i = 0; i < p32.size(); i++) {
                p64.get(i).tensor().copyFrom(p32.get(i).tensor().to(DType.FLOAT64));
            }
            Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, steps, batch, 6);
            Tensor h0 = Tensor.uniform(rng, -1, 1, DType.FLOAT32, directions, batch, hidden);
            RecurrentOutput o32 = f32.run(x, h0, null);
            RecurrentOutput o64 = f64.run(x.to(DType.FLOAT64), h0.to(DType.FLOAT64), null);
            o32.output().sum().add(o32.hN().mul(o32.hN()).sum()).backward();
            o64.output().sum().add(o64.hN().mul(o64.hN()).sum()).backward();
            String what = f32 + " B=" + batch;
            assertClose(o64.output(), o32.output(), 1e-5, what + " output");
            assertClose(o64.hN(), o32.hN(), 1e-5, what + " hN");
            for (int i = 0; i < p32.size(); i++) {
                assertClose(p64.get(i).grad(), p32.get(i).grad(), 1e-4 * Math.sqrt(batch * steps),
                        what + " d" + p32.get(i).name());
            }
        }
    }

    /**
     * The float32 weight gradients of the CPU (one product for dW_hh, dW_ih and the bias, see
     * CpuRecurrence) against float64 when only some of the bias gradients are wanted, and
     * without an initial state: each bias frozen in turn, then both.
     */
    @Test
    void float32WeightGradientsWithFrozenBiasesMatchFloat64() {
        for (String[] frozen : new String[][] {{"bias_ih_l0"}, {"bias_hh_l0"}, {"bias_ih_l0", "bias_hh_l0"}}) {
            for (int cell : new int[] {0, 1}) {
                RecurrentLayer f32 = layer(cell, 32, false, DType.FLOAT32);
                RecurrentLayer f64 = layer(cell, 32, false, DType.FLOAT64);
                List<Parameter> p32 = f32.parameters();
                List<Parameter> p64 = f64.parameters();
                for (int i = 0; i < p32.size(); i++) {
                    p64.get(i).tensor().copyFrom(p32.get(i).tensor().to(DType.FLOAT64));
                    if (List.of(frozen).contains(p32.get(i).name())) {
                        p32.get(i).tensor().requiresGrad(false);
                        p64.get(i).tensor().requiresGrad(false);
                    }
                }
                Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 5, 24, 6);
                RecurrentOutput o32 = f32.run(x, null, null);
                RecurrentOutput o64 = f64.run(x.to(DType.FLOAT64), null, null);
                o32.output().mul(o32.output()).sum().backward();
                o64.output().mul(o64.output()).sum().backward();
                for (int i = 0; i < p32.size(); i++) {
                    String what = f32 + " frozen " + List.of(frozen) + " d" + p32.get(i).name();
                    if (List.of(frozen).contains(p32.get(i).name())) {
                        assertNull(p32.get(i).grad(), what);
                    } else {
                        assertClose(p64.get(i).grad(), p32.get(i).grad(), 1e-4 * Math.sqrt(24 * 5), what);
                    }
                }
            }
        }
    }

    private static RecurrentLayer layer(int cell, int hidden, boolean bidirectional, DType dtype) {
        SplittableRandom r = new SplittableRandom(4);
        return switch (cell) {
            case 0 -> new RNN(6, hidden, 1, bidirectional, false, dtype, r);
            case 1 -> new LSTM(6, hidden, 1, bidirectional, false, dtype, r);
            default -> new GRU(6, hidden, 1, bidirectional, false, dtype, r);
        };
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        double[] e = expected.contiguous().toDoubleArray();
        float[] a = actual.contiguous().toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }

    @Test
    void stridedInitialStatesAreReadThroughTheirStrides() {
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 3, 2, 4);
        Tensor wIh = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 20, 4);
        Tensor wHh = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 20, 5);
        Tensor b = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 20);
        Tensor h0t = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 5, 2);
        Tensor c0t = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 5, 2);
        Tensor viaViews = RecurrentSequence.run(Cell.LSTM, false, x, h0t.t(), c0t.t(), wIh, wHh, b, b);
        Tensor viaCopies = RecurrentSequence.run(Cell.LSTM, false, x, h0t.t().contiguous(), c0t.t().contiguous(),
                wIh, wHh, b, b);
        assertArrayEquals(viaCopies.toFloatArray(), viaViews.toFloatArray());
    }

    @Test
    void secondBackwardThroughTheSameForwardIsRefused() {
        GRU gru = new GRU(3, 4, rng);
        Tensor loss = gru.forward(Tensor.uniform(rng, -1, 1, DType.FLOAT32, 2, 3, 3)).sum();
        loss.backward();
        var e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("backward runs once per forward"), e.getMessage());
    }

    @Test
    void sequenceOpRejectsBadShapes() {
        Tensor x = Tensor.zeros(3, 2, 4);
        Tensor wIh = Tensor.zeros(20, 4);
        Tensor wHh = Tensor.zeros(20, 5);
        Tensor b = Tensor.zeros(20);
        var e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSequence.run(Cell.LSTM, false, x, null, null, Tensor.zeros(20, 3), wHh, b, b));
        assertTrue(e.getMessage().contains("weight_ih"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSequence.run(Cell.LSTM, false, x, null, null, wIh, Tensor.zeros(20, 4), b, b));
        assertTrue(e.getMessage().contains("weight_hh"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSequence.run(Cell.LSTM, false, x, null, null, wIh, wHh, Tensor.zeros(19), b));
        assertTrue(e.getMessage().contains("bias_ih"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSequence.run(Cell.LSTM, false, x, Tensor.zeros(3, 5), null, wIh, wHh, b, b));
        assertTrue(e.getMessage().contains("h0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSequence.run(Cell.LSTM, false, x, null, null, wIh, wHh, b, Tensor.zeros(DType.FLOAT64, 20)));
        assertTrue(e.getMessage().contains("dtype"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RecurrentSequence.run(Cell.GRU, false, x, null,
                Tensor.zeros(2, 5), Tensor.zeros(15, 4), Tensor.zeros(15, 5), Tensor.zeros(15), Tensor.zeros(15)));
        assertTrue(e.getMessage().contains("c0 is for LSTM only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSequence.run(Cell.LSTM, false, Tensor.zeros(0, 2, 4), null, null, wIh, wHh, b, b));
        assertTrue(e.getMessage().contains("sequence length must be > 0"), e.getMessage());
    }

    @Test
    void badInputsNameTheProblem() {
        LSTM lstm = new LSTM(3, 4, 2, false, false, DType.FLOAT32, rng);
        var e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("3-D"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 2, 4)));
        assertTrue(e.getMessage().contains("feature size 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(0, 2, 3)));
        assertTrue(e.getMessage().contains("sequence length must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.zeros(5, 2, 3), Tensor.zeros(1, 2, 4), null));
        assertTrue(e.getMessage().contains("h0 must be [2, 2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.zeros(5, 2, 3), null, Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("c0 must be [2, 2, 4]"), e.getMessage());
        GRU gru = new GRU(3, 4, rng);
        e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(Tensor.zeros(5, 2, 3), null, Tensor.zeros(1, 2, 4)));
        assertTrue(e.getMessage().contains("c0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RNN(0, 4, rng));
        assertTrue(e.getMessage().contains("inputSize=0"), e.getMessage());
    }
}
