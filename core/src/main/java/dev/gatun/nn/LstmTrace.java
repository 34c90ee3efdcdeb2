package dev.gatun.nn;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.ops.AxisConcat;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What an {@link LSTM} computes inside its fused sequence node, step by step: for every layer and
 * direction the activated gates i, f, g, o, the cell states c_t and the hidden states h_t, each
 * [T, B, H] in time order. The layer's own fused pass keeps none of this where a caller can read
 * it (cuDNN keeps the gates in an opaque workspace), so the trace runs the sequence again from the
 * layer's own parameters through the same backend ops the stepped recurrence uses: one GEMM for
 * the input projection over all steps onto b_ih + b_hh, then per step h_{t−1}·W_hhᵀ added and the
 * backend's fused LSTM cell. On the CPU its h_t equal the layer's output bit for bit.
 *
 * <p>It runs without autograd; its tensors live in the scope current when {@link #of} is called.
 *
 * @param directions one trace per (layer, direction), layer-major as the layer stores its weights
 */
public record LstmTrace(List<Direction> directions) {
    /**
     * One (layer, direction) over the whole sequence; every tensor is [T, B, H], time index t at row t
     * whichever way the direction runs.
     *
     * @param layer the stacked layer, from 0
     * @param reverse whether this direction reads the sequence backwards
     * @param input the input gate σ(·) at each step
     * @param forget the forget gate σ(·)
     * @param cell the cell candidate tanh(·)
     * @param output the output gate σ(·)
     * @param state the cell state c_t after each step
     * @param hidden the hidden state h_t after each step
     */
    public record Direction(int layer, boolean reverse, Tensor input, Tensor forget, Tensor cell, Tensor output,
                            Tensor state, Tensor hidden) {}

    /** Copies the list. */
    public LstmTrace {
        directions = List.copyOf(directions);
    }

    /**
     * Traces {@code lstm} over {@code x} from zero initial states.
     *
     * @param lstm the layer
     * @param x its input as the layer takes it: [T, B, in], or [B, T, in] when batch-first
     * @return every layer's and direction's gates and states
     * @throws IllegalArgumentException when x is not a 3-D float input of the layer's feature size,
     *     or its dtype differs from the layer's
     */
    public static LstmTrace of(LSTM lstm, Tensor x) {
        if (x.rank() != 3 || x.dim(2) != lstm.inputSize() || x.dim(lstm.batchFirst() ? 1 : 0) == 0) {
            throw new IllegalArgumentException("LstmTrace: " + lstm + " takes " + (lstm.batchFirst() ? "[batch, T, "
                    : "[T, batch, ") + lstm.inputSize() + "] with T > 0, got " + x.describe());
        }
        Tensor weight = lstm.weightsOf(0, 0)[0];
        if (x.dtype() != weight.dtype()) {
            throw new IllegalArgumentException("LstmTrace: input " + x.describe() + " has dtype " + x.dtype()
                    + " but " + lstm + " has " + weight.dtype());
        }
        List<Direction> out = new ArrayList<>();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor seq = (lstm.batchFirst() ? x.transpose(0, 1) : x).contiguous();
            for (int k = 0; k < lstm.numLayers(); k++) {
                Tensor[] hs = new Tensor[lstm.directions()];
                for (int d = 0; d < lstm.directions(); d++) {
                    Direction trace = direction(k, d == 1, seq, lstm.weightsOf(k, d));
                    out.add(trace);
                    hs[d] = trace.hidden();
                }
                seq = hs.length == 1 ? hs[0] : AxisConcat.apply(2, hs).contiguous();
            }
        }
        return new LstmTrace(out);
    }

    /** {@return the top layer's forward direction: what a sequence model's head reads last} */
    public Direction top() {
        Direction last = directions.getLast();
        return last.reverse() ? directions.get(directions.size() - 2) : last;
    }

    private static Direction direction(int layer, boolean reverse, Tensor seq, Tensor[] w) {
        Tensor wIh = w[0];
        Tensor wHh = w[1];
        Tensor bIh = w[2];
        Tensor bHh = w[3];
        int steps = seq.dim(0);
        int batch = seq.dim(1);
        int in = seq.dim(2);
        int hidden = wHh.dim(1);
        int gh = 4 * hidden;
        Backend be = BackendRegistry.of(seq);
        // The input projection onto both biases, all steps in one GEMM, as the fused pass does it.
        Tensor gates = seq.newEmpty(steps * batch, gh);
        Tensor everyRow = bIh.view(new int[] {steps * batch, gh}, new long[] {0, 1}, bIh.offset());
        be.binary(BinaryOp.ADD, everyRow, bHh, gates);
        be.gemm(false, true, 1, seq.reshape(steps * batch, in), wIh, 1, gates);
        Tensor h = seq.newZeros(steps, batch, hidden);
        Tensor c = seq.newZeros(steps, batch, hidden);
        Tensor zero = seq.newZeros(batch, hidden);
        for (int k = 0; k < steps; k++) {
            int t = reverse ? steps - 1 - k : k;
            int before = reverse ? t + 1 : t - 1;
            Tensor g = rows(gates, t, batch);
            // From zero initial states the first step's recurrent product adds nothing.
            Tensor hPrev = k == 0 ? zero : rows(h, before, batch);
            if (k > 0) {
                be.gemm(false, true, 1, hPrev, wHh, 1, g);
            }
            be.lstmCell(g, k == 0 ? zero : rows(c, before, batch), rows(c, t, batch), rows(h, t, batch));
        }
        Tensor activated = gates.reshape(steps, batch, gh);
        return new Direction(layer, reverse, gate(activated, 0, hidden), gate(activated, 1, hidden),
                gate(activated, 2, hidden), gate(activated, 3, hidden), c, h);
    }

    /** Row block t of a [T·B, n] (or [T, B, n]) contiguous tensor, as a [B, n] view. */
    private static Tensor rows(Tensor m, int t, int batch) {
        int n = m.dim(m.rank() - 1);
        return m.view(new int[] {batch, n}, new long[] {n, 1}, m.offset() + (long) t * batch * n);
    }

    /** Gate block {@code which} of activated gates [T, B, 4H], as a contiguous [T, B, H]. */
    private static Tensor gate(Tensor gates, int which, int hidden) {
        return gates.slice(2, which * hidden, (which + 1) * hidden).contiguous();
    }
}
