package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.FusedRecurrence;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * One recurrent layer in one direction over a whole sequence, as one autograd node (like cuDNN).
 *
 * <pre>
 * x [T, B, in], h0 / c0 [B, H] or [1, B, H] (null: zeros), W_ih [G·H, in], W_hh [G·H, H], b_ih, b_hh [G·H]
 *   → states [S, T+1, B, H]: plane 0 the hidden states, plane 1 (LSTM only, S = 2) the cell states.
 * G = 1 (tanh RNN), 4 (LSTM, gates i f g o), 3 (GRU, gates r z n).
 * </pre>
 *
 * Slots: the forward direction starts in slot 0 and writes step t's state into slot t+1; the
 * reverse direction starts in slot T and writes step t's state into slot t. Either way the output
 * at time t is read from its own time index ({@link #outputSlots}) and the final state from
 * {@link #finalSlot}.
 *
 * <p>The layer runs as its backend's {@link Backend#fusedRecurrence()}: by default step by step
 * through the backend's gemm and cell ops (on the CPU with W_hh packed once per pass and the
 * batch's rows split over the threads), on CUDA in one call to cuDNN's RNN API.
 */
public final class RecurrentSequence {
    /** The cell a layer runs, with its gate count G. */
    public enum Cell {
        /** Elman RNN with tanh: one gate block. */
        RNN_TANH(1),
        /** LSTM: gates i, f, g, o. */
        LSTM(4),
        /** GRU: gates r, z, n. */
        GRU(3);

        private final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** {@return G, the gate blocks in W_ih and W_hh} */
        public int gates() {
            return gates;
        }

        /** {@return S, the planes of states (h, and c for LSTM)} */
        public int planes() {
            return this == LSTM ? 2 : 1;
        }
    }

    private RecurrentSequence() {}

    /**
     * Runs the layer; returns the states [S, T+1, B, H] (see the class comment for the slots).
     *
     * @param cell the cell type: tanh RNN, LSTM or GRU
     * @param reverse whether the direction runs backwards in time
     * @param x the input sequence [T, B, in]
     * @param h0 the initial hidden state [B, H], or null for zeros
     * @param c0 the initial cell state [B, H] (LSTM), or null for zeros
     * @param wIh the input weights [G·H, in]
     * @param wHh the hidden weights [G·H, H]
     * @param bIh the input bias [G·H]
     * @param bHh the hidden bias [G·H]
     * @return the states [S, T+1, B, H]
     */
    public static Tensor run(Cell cell, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                             Tensor bIh, Tensor bHh) {
        String op = cell.name().toLowerCase() + " sequence";
        if (x.rank() != 3) {
            throw new IllegalArgumentException(op + ": input " + x.describe() + " must be [T, batch, features]");
        }
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": input " + x.describe() + " must be float32 or float64");
        }
        int steps = x.dim(0);
        int batch = x.dim(1);
        int in = x.dim(2);
        if (steps == 0) {
            throw new IllegalArgumentException(op + ": sequence length must be > 0, got input " + x.describe());
        }
        if (wHh.rank() != 2 || wHh.dim(0) % cell.gates() != 0 || wHh.dim(0) / cell.gates() != wHh.dim(1)) {
            throw new IllegalArgumentException(op + ": weight_hh " + wHh.describe() + " must be [" + cell.gates()
                    + "·hidden, hidden]");
        }
        int hidden = wHh.dim(1);
        int gh = cell.gates() * hidden;
        if (wIh.rank() != 2 || wIh.dim(0) != gh || wIh.dim(1) != in) {
            throw new IllegalArgumentException(op + ": weight_ih " + wIh.describe() + " must be [" + gh + ", " + in
                    + "] for input " + x.describe());
        }
        requireShape(op, "bias_ih", bIh, gh);
        requireShape(op, "bias_hh", bHh, gh);
        requireState(op, "h0", h0, batch, hidden);
        requireState(op, "c0", c0, batch, hidden);
        if (c0 != null && cell != Cell.LSTM) {
            throw new IllegalArgumentException(op + ": c0 is for LSTM only");
        }
        for (Tensor t : new Tensor[] {h0, c0, wIh, wHh, bIh, bHh}) {
            if (t != null && t.dtype() != x.dtype()) {
                throw new IllegalArgumentException(op + ": dtype mismatch " + x.describe() + " vs " + t.describe());
            }
        }
        // Under autocast the inputs, initial states, weights and biases are lowered; the states the
        // layer carries from step to step stay float32 (cuDNN keeps them 16-bit).
        return Autocast.lowered(cell.name().toLowerCase(java.util.Locale.ROOT), t -> runLayer(BackendRegistry.of(x).fusedRecurrence(), cell,
                reverse, t[0], t[1], t[2], t[3], t[4], t[5], t[6], steps, batch, hidden), x, h0, c0, wIh, wHh, bIh, bHh);
    }

    /** The layer as one call of its backend's recurrence, and one autograd node. */
    private static Tensor runLayer(FusedRecurrence layer, Cell cell, boolean reverse, Tensor x, Tensor h0, Tensor c0,
                                   Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, int steps, int batch, int hidden) {
        Tensor states = layer.newStates(x, cell.planes(), steps, batch, hidden);
        FusedRecurrence.Saved saved = layer.forward(cell.gates(), reverse, x, h0, c0, wIh, wHh, bIh, bHh, states);
        boolean[] done = {false};
        return Autograd.record(states, cell.name().toLowerCase() + " sequence", g -> {
            if (done[0]) {
                throw new IllegalStateException(cell.name().toLowerCase() + " sequence: backward runs once per forward;"
                        + " run the forward pass again");
            }
            done[0] = true;
            Tensor[] grads = {
                x.requiresGrad() ? x.newZeros(x.shape()) : null,
                h0 != null && h0.requiresGrad() ? x.newZeros(h0.shape()) : null,
                c0 != null && c0.requiresGrad() ? x.newZeros(c0.shape()) : null,
                wIh.requiresGrad() ? x.newZeros(wIh.shape()) : null,
                wHh.requiresGrad() ? x.newZeros(wHh.shape()) : null,
                bIh.requiresGrad() ? x.newZeros(bIh.shape()) : null,
                bHh.requiresGrad() ? x.newZeros(bHh.shape()) : null};
            layer.backward(saved, g, grads[0], grads[1], grads[2], grads[3], grads[4], grads[5], grads[6]);
            return grads;
        }, x, h0, c0, wIh, wHh, bIh, bHh);
    }

    /**
     * Slots [from, to) holding the outputs at times 0..T-1 of a direction.
     *
     * @param reverse whether the direction runs backwards in time
     * @param steps T, the sequence length
     * @return {from, to}
     */
    public static int[] outputSlots(boolean reverse, int steps) {
        return reverse ? new int[] {0, steps} : new int[] {1, steps + 1};
    }

    /**
     * The slot of the final state of a direction.
     *
     * @param reverse whether the direction runs backwards in time
     * @param steps T, the sequence length
     * @return the slot index
     */
    public static int finalSlot(boolean reverse, int steps) {
        return reverse ? 0 : steps;
    }

    /**
     * Slots [from, to) of one plane of {@code states} (as returned by {@link #run}) as a contiguous
     * view [to − from, B, H], with autograd. On CUDA (cuDNN's recurrence) plane 1 (LSTM cell
     * states) holds only the initial and the final slot; the slots in between are zeros, and
     * gradients reaching them are ignored.
     *
     * @param states the states from {@link #run}, [S, T+1, B, H]
     * @param plane the plane: 0 for h, 1 for c (LSTM)
     * @param from the first slot
     * @param to one past the last slot
     * @return the view [to − from, B, H]
     */
    public static Tensor slots(Tensor states, int plane, int from, int to) {
        int[] s = states.shape();
        if (states.rank() != 4 || !states.isContiguous() || plane < 0 || plane >= s[0] || from < 0 || to <= from
                || to > s[1]) {
            throw new IllegalArgumentException("slots: plane " + plane + ", [" + from + ", " + to + ") is outside states "
                    + states.describe());
        }
        int[] shape = {to - from, s[2], s[3]};
        long start = ((long) plane * s[1] + from) * s[2] * s[3];
        Tensor y = states.view(shape, Shape.contiguousStrides(shape), states.offset() + start);
        return Autograd.record(y, "recurrent states", g -> {
            Tensor ds = g.newZeros(s);
            copyRows(g, ds.view(shape, Shape.contiguousStrides(shape), start));
            return new Tensor[] {ds};
        }, states);
    }

    /**
     * Copies a 3-D src into a contiguous dst of the same shape. A batch-first output hands back
     * its gradient as a transposed view; its rows are still contiguous, so they go across one
     * MemorySegment.copy each instead of element by element through the reference backend.
     */
    private static void copyRows(Tensor src, Tensor dst) {
        if (src.isContiguous() || src.strides()[2] != 1 || src.dtype() != dst.dtype() || !src.device().isHost()) {
            BackendRegistry.of(dst).copy(src, dst);
            return;
        }
        int[] s = src.shape();
        long[] st = src.strides();
        long bytes = src.dtype().byteSize();
        MemorySegment from = src.segment();
        MemorySegment to = dst.segment();
        long row = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++, row++) {
                MemorySegment.copy(from, (src.offset() + i * st[0] + j * st[1]) * bytes, to,
                        (dst.offset() + row * s[2]) * bytes, s[2] * bytes);
            }
        }
    }

    private static void requireShape(String op, String name, Tensor t, int n) {
        if (t.rank() != 1 || t.dim(0) != n) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + n + "]");
        }
    }

    private static void requireState(String op, String name, Tensor t, int batch, int hidden) {
        if (t == null) {
            return;
        }
        boolean ok = (t.rank() == 2 && t.dim(0) == batch && t.dim(1) == hidden)
                || (t.rank() == 3 && t.dim(0) == 1 && t.dim(1) == batch && t.dim(2) == hidden);
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + name + " " + t.describe() + " must be [" + batch + ", "
                    + hidden + "] (or [1, " + batch + ", " + hidden + "])");
        }
    }
}
