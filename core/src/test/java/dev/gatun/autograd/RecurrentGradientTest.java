package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.GRU;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.RNN;
import dev.gatun.nn.RecurrentOutput;
import dev.gatun.ops.AxisConcat;
import dev.gatun.ops.MatMul;
import dev.gatun.ops.RecurrentSequence.Cell;
import dev.gatun.ops.RecurrentSequence;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused recurrent sequence ops and layers in float64: central differences over the inputs,
 * the initial states and every weight and bias, and the same recurrence written step by step
 * with basic autograd ops (outputs and gradients must agree to rounding).
 */
class RecurrentGradientTest extends GradientTestBase {
    RecurrentGradientTest() {
        super(5);
    }

    /** A layer of the given cell; forward(x, h0, c0) through the common call. */
    private record Layer(dev.gatun.nn.Module module, Function<Tensor[], RecurrentOutput> call) {}

    private static Layer layer(Cell cell, int in, int hidden, int layers, boolean bidirectional, boolean batchFirst) {
        SplittableRandom r = new SplittableRandom(3);
        return switch (cell) {
            case RNN_TANH -> {
                RNN m = new RNN(in, hidden, layers, bidirectional, batchFirst, DType.FLOAT64, r);
                yield new Layer(m, a -> m.forward(a[0], a[1], null));
            }
            case LSTM -> {
                LSTM m = new LSTM(in, hidden, layers, bidirectional, batchFirst, DType.FLOAT64, r);
                yield new Layer(m, a -> m.forward(a[0], a[1], a[2]));
            }
            case GRU -> {
                GRU m = new GRU(in, hidden, layers, bidirectional, batchFirst, DType.FLOAT64, r);
                yield new Layer(m, a -> m.forward(a[0], a[1], null));
            }
        };
    }

    /** output, hN and cN flattened into one vector, so one check covers all three. */
    private static Tensor flat(RecurrentOutput o) {
        List<Tensor> parts = new ArrayList<>();
        parts.add(o.output().contiguous().reshape(-1));
        parts.add(o.hN().reshape(-1));
        if (o.cN() != null) {
            parts.add(o.cN().reshape(-1));
        }
        return AxisConcat.apply(0, parts.toArray(Tensor[]::new));
    }

    private void checkLayer(String name, Cell cell, int steps, int batch, int in, int hidden, int layers,
                            boolean bidirectional, boolean batchFirst, boolean withStates) {
        Layer l = layer(cell, in, hidden, layers, bidirectional, batchFirst);
        int states = layers * (bidirectional ? 2 : 1);
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(batchFirst ? rand(batch, steps, in) : rand(steps, batch, in));
        Tensor h0 = withStates ? rand(states, batch, hidden) : null;
        Tensor c0 = withStates && cell == Cell.LSTM ? rand(states, batch, hidden) : null;
        if (h0 != null) {
            inputs.add(h0);
        }
        if (c0 != null) {
            inputs.add(c0);
        }
        for (Parameter p : l.module().parameters()) {
            inputs.add(p.tensor());
        }
        GradCheck.check(name, in2 -> flat(l.call().apply(new Tensor[] {in2.get(0), h0, c0})), inputs.toArray(Tensor[]::new));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void oneLayerWithInitialStates(Cell cell) {
        checkLayer(cell + " one layer", cell, 4, 2, 3, 3, 1, false, false, true);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void oneLayerFromZeroStates(Cell cell) {
        checkLayer(cell + " zero states", cell, 3, 2, 2, 2, 1, false, false, false);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void twoLayersBidirectionalBatchFirst(Cell cell) {
        checkLayer(cell + " 2 layers bidirectional batch-first", cell, 3, 2, 3, 2, 2, true, true, true);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void scalarBackendToo(Cell cell) {
        BackendRegistry.use("scalar");
        try {
            checkLayer(cell + " on scalar", cell, 3, 2, 2, 2, 1, true, false, true);
        } finally {
            BackendRegistry.use("cpu");
        }
    }

    /** The recurrence written with matmul/linear, sigmoid, tanh, mul and add, one step at a time. */
    private static Tensor[] stepByStep(Cell cell, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                                       Tensor bIh, Tensor bHh) {
        int steps = x.dim(0);
        int batch = x.dim(1);
        int hidden = wHh.dim(1);
        Tensor h = h0;
        Tensor c = c0;
        Tensor[] outs = new Tensor[steps];
        for (int k = 0; k < steps; k++) {
            int t = reverse ? steps - 1 - k : k;
            Tensor xt = x.slice(0, t, t + 1).reshape(batch, x.dim(2));
            Tensor xg = MatMul.linear(xt, wIh, bIh);
            Tensor hg = MatMul.linear(h, wHh, bHh);
            switch (cell) {
                case RNN_TANH -> h = xg.add(hg).tanh();
                case LSTM -> {
                    Tensor g = xg.add(hg);
                    Tensor i = g.slice(1, 0, hidden).sigmoid();
                    Tensor f = g.slice(1, hidden, 2 * hidden).sigmoid();
                    Tensor gg = g.slice(1, 2 * hidden, 3 * hidden).tanh();
                    Tensor o = g.slice(1, 3 * hidden, 4 * hidden).sigmoid();
                    c = f.mul(c).add(i.mul(gg));
                    h = o.mul(c.tanh());
                }
                case GRU -> {
                    Tensor r = xg.slice(1, 0, hidden).add(hg.slice(1, 0, hidden)).sigmoid();
                    Tensor z = xg.slice(1, hidden, 2 * hidden).add(hg.slice(1, hidden, 2 * hidden)).sigmoid();
                    Tensor n = xg.slice(1, 2 * hidden, 3 * hidden).add(r.mul(hg.slice(1, 2 * hidden, 3 * hidden))).tanh();
                    Tensor one = Tensor.full(DType.FLOAT64, 1, 1);
                    h = one.sub(z).mul(n).add(z.mul(h));
                }
            }
            outs[t] = h.reshape(1, batch, hidden);
        }
        return new Tensor[] {AxisConcat.apply(0, outs), h, c};
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void fusedMatchesStepByStep(Cell cell) {
        int steps = 4;
        int batch = 3;
        int in = 5;
        int hidden = 4;
        int gh = cell.gates() * hidden;
        for (boolean reverse : new boolean[] {false, true}) {
            Tensor x = rand(steps, batch, in);
            Tensor h0 = rand(batch, hidden);
            Tensor c0 = rand(batch, hidden);
            Tensor wIh = rand(gh, in);
            Tensor wHh = rand(gh, hidden);
            Tensor bIh = rand(gh);
            Tensor bHh = rand(gh);
            Tensor[] all = {x, h0, c0, wIh, wHh, bIh, bHh};
            Tensor wOut = rand(steps, batch, hidden);
            Tensor wH = rand(batch, hidden);
            Tensor wC = rand(batch, hidden);
            boolean lstm = cell == Cell.LSTM;

            for (Tensor t : all) {
                t.requiresGrad(true);
                t.setGrad(null);
            }
            Tensor states = RecurrentSequence.run(cell, reverse, x, h0, lstm ? c0 : null, wIh, wHh, bIh, bHh);
            int[] slots = RecurrentSequence.outputSlots(reverse, steps);
            int last = RecurrentSequence.finalSlot(reverse, steps);
            Tensor out = RecurrentSequence.slots(states, 0, slots[0], slots[1]);
            Tensor hN = RecurrentSequence.slots(states, 0, last, last + 1).reshape(batch, hidden);
            Tensor loss = out.mul(wOut).sum().add(hN.mul(wH).sum());
            Tensor cN = null;
            if (lstm) {
                cN = RecurrentSequence.slots(states, 1, last, last + 1).reshape(batch, hidden);
                loss = loss.add(cN.mul(wC).sum());
            }
            loss.backward();
            Tensor[] fusedGrads = new Tensor[all.length];
            for (int i = 0; i < all.length; i++) {
                fusedGrads[i] = all[i].grad();
                all[i].setGrad(null);
            }

            Tensor[] ref = stepByStep(cell, reverse, x, h0, c0, wIh, wHh, bIh, bHh);
            Tensor refLoss = ref[0].mul(wOut).sum().add(ref[1].mul(wH).sum());
            if (lstm) {
                refLoss = refLoss.add(ref[2].mul(wC).sum());
            }
            refLoss.backward();
            String what = cell + (reverse ? " reverse" : " forward");
            assertClose(ref[0], out, what + " output");
            assertClose(ref[1], hN, what + " hN");
            if (lstm) {
                assertClose(ref[2], cN, what + " cN");
            }
            String[] names = {"x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"};
            for (int i = 0; i < all.length; i++) {
                if (!lstm && i == 2) {
                    continue;
                }
                assertNotNull(fusedGrads[i], what + " d" + names[i]);
                assertClose(all[i].grad(), fusedGrads[i], what + " d" + names[i]);
            }
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        double[] e = expected.contiguous().toDoubleArray();
        double[] a = actual.contiguous().toDoubleArray();
        assertEquals(e.length, a.length, what + " size");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-12 * Math.max(1, Math.abs(e[i])), what + " at " + i);
        }
    }
}
