package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.CpuBackend;
import dev.gatun.backend.FusedRecurrence;
import dev.gatun.backend.ReduceOp;
import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.gemm.SgemmPackedB;
import dev.gatun.tensor.DType;
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
 *
 * forward:  XP = X·W_ihᵀ + b_ih (+ b_hh but for GRU)      one GEMM over all T·B rows
 *           per step: XP_t += h·W_hhᵀ (GRU: HG = h·W_hhᵀ + b_hh), then the fused cell
 * backward: per step the cell backward and dh_prev = dGates_t·W_hh (BPTT);
 *           then dW_hh = dGatesᵀ·H_prev, dW_ih = dGatesᵀ·X, dX = dGates·W_ih, db = Σ_rows dGates,
 *           each one GEMM (or reduction) over all steps.
 * </pre>
 *
 * Slots: the forward direction starts in slot 0 and writes step t's state into slot t+1; the
 * reverse direction starts in slot T and writes step t's state into slot t. Either way the output
 * at time t is read from its own time index ({@link #outputSlots}) and the final state from
 * {@link #finalSlot}. The forward pass keeps what backward needs: the activated gates (LSTM),
 * r z n hn (GRU), and every h and c (they are the states).
 *
 * <p>On the CPU backend in float32 the per-step GEMMs multiply by W_hh packed once per pass
 * ({@link SgemmPackedB}) instead of repacking it every step, and since batch rows never mix in a
 * recurrence, the batch is split in row blocks over the threads, each thread taking its block
 * through the whole sequence: one fork per pass instead of two per step, and the small cell
 * kernels run on both cores. Float64 and other backends run the same steps through
 * {@link Backend#gemm}, except that a backend with a {@link FusedRecurrence} (CUDA: cuDNN's RNN
 * API) runs the whole float32 layer in one call.
 */
public final class RecurrentSequence {
    /** The cell a layer runs, with its gate count G. */
    public enum Cell {
        RNN_TANH(1), LSTM(4), GRU(3);

        private final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** G: gate blocks in W_ih and W_hh. */
        public int gates() {
            return gates;
        }

        /** S: planes of states (h, and c for LSTM). */
        public int planes() {
            return this == LSTM ? 2 : 1;
        }
    }

    private RecurrentSequence() {}

    /** Runs the layer; returns the states [S, T+1, B, H] (see the class comment for the slots). */
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
        FusedRecurrence fused = BackendRegistry.of(x).fusedRecurrence();
        if (fused != null && x.dtype() == DType.FLOAT32) {
            return runFused(fused, cell, reverse, x, h0, c0, wIh, wHh, bIh, bHh, steps, batch, hidden);
        }
        return new Forward(cell, reverse, x, h0, c0, wIh, wHh, bIh, bHh, steps, batch, in, hidden).run();
    }

    /** The layer as one call of a backend's fused implementation (cuDNN), with the same autograd node. */
    private static Tensor runFused(FusedRecurrence fused, Cell cell, boolean reverse, Tensor x, Tensor h0, Tensor c0,
                                   Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, int steps, int batch, int hidden) {
        Tensor states = x.newZeros(cell.planes(), steps + 1, batch, hidden);
        FusedRecurrence.Saved saved = fused.forward(cell.gates(), reverse, x, h0, c0, wIh, wHh, bIh, bHh, states);
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
            fused.backward(saved, g, grads[0], grads[1], grads[2], grads[3], grads[4], grads[5], grads[6]);
            return grads;
        }, x, h0, c0, wIh, wHh, bIh, bHh);
    }

    /** Slots [from, to) holding the outputs at times 0..T-1 of a direction. */
    public static int[] outputSlots(boolean reverse, int steps) {
        return reverse ? new int[] {0, steps} : new int[] {1, steps + 1};
    }

    /** The slot of the final state of a direction. */
    public static int finalSlot(boolean reverse, int steps) {
        return reverse ? 0 : steps;
    }

    /**
     * Slots [from, to) of one plane of {@code states} (as returned by {@link #run}) as a contiguous
     * view [to − from, B, H], with autograd. On a backend with a {@link FusedRecurrence} (cuda),
     * plane 1 (LSTM cell states) holds only the initial and the final slot; the slots in between
     * are zeros, and gradients reaching them are ignored.
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

    /** A contiguous tensor's elements seen with another shape of the same size; no autograd. */
    private static Tensor as(Tensor t, int... shape) {
        return t.view(shape, Shape.contiguousStrides(shape), t.offset());
    }

    /** Step k on batch rows [r0, r1). */
    @FunctionalInterface
    private interface StepBlock {
        void run(int k, int r0, int r1);
    }

    private static final UnaryFn TANH = UnaryFn.of(UnaryOp.TANH);
    private static final long SPLIT_MIN = 1L << 20;
    private static final long WHOLE_SEQUENCE_MAX = 1L << 16;

    /** One run: the buffers the forward pass fills and the backward pass reads. */
    private static final class Forward {
        private final Cell cell;
        private final boolean reverse;
        private final Tensor x;
        private final Tensor h0;
        private final Tensor c0;
        private final Tensor wIh;
        private final Tensor wHh;
        private final Tensor bIh;
        private final Tensor bHh;
        private final int steps;
        private final int batch;
        private final int in;
        private final int hidden;
        private final int gh;
        private final Backend be;
        private Tensor inputs;  // [T·B, in], contiguous time-major
        private Tensor gates;   // [T·B, G·H]: LSTM activated gates, RNN pre-activations, GRU input projection
        private Tensor saved;   // GRU only: [T·B, 4H] r, z, n, hn
        private Tensor states;  // [S, T+1, B, H]
        private SgemmPackedB packedWhhT; // float32 CPU: W_hhᵀ packed once for the forward steps
        private SgemmPackedB packedWhh;  // float32 CPU: W_hh packed once for the backward steps
        private Tensor hiddenGates; // GRU only: [B, 3H] scratch for h·W_hhᵀ + b_hh
        private Tensor hiddenBias;  // GRU only: [B, 3H] b_hh in every row
        private final boolean packed;
        private final int rowBlocks;
        private final int rowsPerBlock;
        private final boolean wholeSequencePerThread;
        // Backward state. Step k (counting down) reads dh[(T−1−k) & 1] and writes dh[(T−k) & 1],
        // so each thread's rows need no swap between steps; the same for dc.
        private Tensor gs;
        private final Tensor[] dh = new Tensor[2];
        private final Tensor[] dc = new Tensor[2];
        private Tensor dInput;
        private Tensor dHidden;
        private boolean needH0;
        private boolean backwardDone;

        Forward(Cell cell, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh,
                Tensor bHh, int steps, int batch, int in, int hidden) {
            this.cell = cell;
            this.reverse = reverse;
            this.x = x;
            this.h0 = h0;
            this.c0 = c0;
            this.wIh = wIh;
            this.wHh = wHh;
            this.bIh = bIh;
            this.bHh = bHh;
            this.steps = steps;
            this.batch = batch;
            this.in = in;
            this.hidden = hidden;
            this.gh = cell.gates() * hidden;
            this.be = BackendRegistry.of(x);
            boolean cpu = be instanceof CpuBackend;
            this.packed = cpu && x.dtype() == DType.FLOAT32 && wHh.isContiguous();
            // Batch rows never mix in a recurrence, so threads can own row blocks. That pays from
            // about Sgemm's own threshold (~1M multiply-adds a step). Float64 serves gradient
            // checks, so it always splits: the split path stays under them.
            long work = (long) batch * gh * hidden;
            boolean split = cpu && Parallel.THREADS > 1 && batch >= 2
                    && (x.dtype() == DType.FLOAT64 || work >= SPLIT_MIN);
            int blocks = split ? Math.min(Parallel.THREADS, batch) : 1;
            int each = Math.ceilDiv(batch, blocks);
            if (x.dtype() == DType.FLOAT32) {
                // Whole 8-row register tiles for the GEMM.
                each = Math.min(batch, (each + 7) & -8);
            }
            this.rowsPerBlock = each;
            this.rowBlocks = Math.ceilDiv(batch, each);
            // A block small enough that no kernel inside splits it again (they split from 2^16
            // elements) runs the whole sequence on one thread: one fork per pass, not per step.
            // Bigger blocks fork per step, so nested kernel splits never wait on a busy thread.
            this.wholeSequencePerThread = packed && (long) rowsPerBlock * gh < WHOLE_SEQUENCE_MAX;
        }

        private int time(int k) {
            return reverse ? steps - 1 - k : k;
        }

        private int slotBefore(int t) {
            return reverse ? t + 1 : t;
        }

        private int slotAfter(int t) {
            return reverse ? t : t + 1;
        }

        /** [B, H] view of one slot of a [S, T+1, B, H] tensor. */
        private Tensor slot(Tensor planes, int plane, int slot) {
            return slot(planes, plane, slot, 0, batch);
        }

        /** Batch rows [r0, r1) of one slot of a [S, T+1, B, H] tensor. */
        private Tensor slot(Tensor planes, int plane, int slot, int r0, int r1) {
            long off = (((long) plane * (steps + 1) + slot) * batch + r0) * hidden;
            return planes.view(new int[] {r1 - r0, hidden}, new long[] {hidden, 1}, planes.offset() + off);
        }

        /** Batch rows [r0, r1) of time t of a [T·B, n] tensor. */
        private Tensor rows(Tensor m, int t, int r0, int r1) {
            int n = m.dim(1);
            return m.view(new int[] {r1 - r0, n}, new long[] {n, 1}, m.offset() + ((long) t * batch + r0) * n);
        }

        Tensor run() {
            inputs = timeMajor(x);
            // The biases go in first and the GEMM adds onto them (beta = 1): no second pass.
            if (cell == Cell.GRU) {
                gates = x.newZeros(steps * batch, gh);
                be.binary(BinaryOp.ADD, gates, bIh, gates);
            } else {
                // Both biases broadcast into every row in one pass, so gates needs no zeroing.
                gates = x.newEmpty(steps * batch, gh);
                Tensor everyRow = bIh.view(new int[] {steps * batch, gh}, new long[] {0, 1}, bIh.offset());
                be.binary(BinaryOp.ADD, everyRow, bHh, gates);
            }
            be.gemm(false, true, 1, inputs, wIh, 1, gates);
            states = x.newZeros(cell.planes(), steps + 1, batch, hidden);
            int first = slotBefore(time(0));
            if (h0 != null) {
                be.copy(h0, as(slot(states, 0, first), h0.shape()));
            }
            if (c0 != null) {
                be.copy(c0, as(slot(states, 1, first), c0.shape()));
            }
            if (packed) {
                // Every step multiplies by the same W_hhᵀ: pack it once, not once a step.
                packedWhhT = SgemmPackedB.pack(true, hidden, gh, wHh.segment(), wHh.offset(), hidden);
            }
            if (cell == Cell.GRU) {
                saved = x.newZeros(steps * batch, 4 * hidden);
                hiddenGates = x.newZeros(batch, gh);
                hiddenBias = x.newZeros(batch, gh);
                be.binary(BinaryOp.ADD, hiddenBias, bHh, hiddenBias);
            }
            eachStep(false, this::forwardStep);
            return Autograd.record(states, cell.name().toLowerCase() + " sequence", this::backward,
                    x, h0, c0, wIh, wHh, bIh, bHh);
        }

        /** Step k of the forward pass on batch rows [r0, r1). */
        private void forwardStep(int k, int r0, int r1) {
            int t = time(k);
            Tensor hPrev = slot(states, 0, slotBefore(t), r0, r1);
            Tensor h = slot(states, 0, slotAfter(t), r0, r1);
            Tensor g = rows(gates, t, r0, r1);
            // Without h0 the first step's hPrev is zero: its recurrent GEMM adds nothing.
            boolean recurrent = k > 0 || h0 != null;
            switch (cell) {
                case LSTM -> {
                    if (recurrent) {
                        recurrentGemm(hPrev, g);
                    }
                    be.lstmCell(g, slot(states, 1, slotBefore(t), r0, r1), slot(states, 1, slotAfter(t), r0, r1), h);
                }
                case RNN_TANH -> {
                    if (recurrent) {
                        recurrentGemm(hPrev, g);
                    }
                    be.unary(TANH, g, h);
                }
                case GRU -> {
                    Tensor hg = rows(hiddenGates, 0, r0, r1);
                    be.copy(rows(hiddenBias, 0, r0, r1), hg);
                    if (recurrent) {
                        recurrentGemm(hPrev, hg);
                    }
                    be.gruCell(g, hg, hPrev, h, rows(saved, t, r0, r1));
                }
            }
        }

        /** out += h·W_hhᵀ for one step's rows. */
        private void recurrentGemm(Tensor h, Tensor out) {
            if (packed) {
                packedWhhT.multiply(false, h.dim(0), 1f, h.segment(), h.offset(), hidden, 1f, out.segment(), out.offset(), gh);
            } else {
                be.gemm(false, true, 1, h, wHh, 1, out);
            }
        }

        /**
         * Runs every step, in order (reversed for backward), over the batch rows: split over the
         * CPU's threads in row blocks when big enough, each thread taking its block through the
         * whole sequence, or forking per step for big blocks (see the constructor).
         */
        private void eachStep(boolean backward, StepBlock body) {
            if (rowBlocks == 1) {
                steps(backward, body, 0, batch);
            } else if (wholeSequencePerThread) {
                Parallel.forEach(rowBlocks, p -> steps(backward, body, p * rowsPerBlock,
                        Math.min(batch, (p + 1) * rowsPerBlock)));
            } else {
                for (int i = 0; i < steps; i++) {
                    int k = backward ? steps - 1 - i : i;
                    Parallel.forEach(rowBlocks, p -> body.run(k, p * rowsPerBlock, Math.min(batch, (p + 1) * rowsPerBlock)));
                }
            }
        }

        private void steps(boolean backward, StepBlock body, int r0, int r1) {
            for (int i = 0; i < steps; i++) {
                body.run(backward ? steps - 1 - i : i, r0, r1);
            }
        }

        /** x as a contiguous [T·B, in] matrix: itself when already contiguous, else a row-by-row gather. */
        private Tensor timeMajor(Tensor x) {
            if (x.isContiguous()) {
                return as(x, steps * batch, in);
            }
            Tensor out = x.newZeros(steps * batch, in);
            long[] st = x.strides();
            if (st[2] != 1 || !x.device().isHost()) {
                be.copy(x, as(out, steps, batch, in));
                return out;
            }
            // The batch-first case (a transposed view): each (t, b) row is contiguous.
            long bytes = x.dtype().byteSize();
            MemorySegment src = x.segment();
            MemorySegment dst = out.segment();
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    long from = x.offset() + t * st[0] + b * st[1];
                    long to = out.offset() + ((long) t * batch + b) * in;
                    MemorySegment.copy(src, from * bytes, dst, to * bytes, in * bytes);
                }
            }
            return out;
        }

        private Tensor[] backward(Tensor gradStates) {
            if (backwardDone) {
                throw new IllegalStateException(cell.name().toLowerCase() + " sequence: backward runs once per forward "
                        + "(its saved gates are overwritten by their gradients); run the forward pass again");
            }
            backwardDone = true;
            gs = gradStates;
            if (!gs.isContiguous()) {
                gs = gs.newZeros(gs.shape());
                be.copy(gradStates, gs);
            }
            boolean gru = cell == Cell.GRU;
            int last = finalSlot(reverse, steps);
            dh[0] = x.newZeros(batch, hidden);
            dh[1] = x.newZeros(batch, hidden);
            be.copy(slot(gs, 0, last), dh[0]);
            if (cell == Cell.LSTM) {
                dc[0] = x.newZeros(batch, hidden);
                dc[1] = x.newZeros(batch, hidden);
                be.copy(slot(gs, 1, last), dc[0]);
            }
            // dGates of the input projection and of the hidden projection: the same tensor except for
            // GRU. The input projection's gradient overwrites the gates: step t's cell backward reads
            // row t's gates before writing its gradient there, and nothing reads them afterwards
            // (that is why a second backward pass is refused above). It saves a [T·B, G·H] buffer.
            dInput = gates;
            dHidden = gru ? x.newZeros(steps * batch, gh) : dInput;
            needH0 = h0 != null && h0.requiresGrad();
            if (packed) {
                packedWhh = SgemmPackedB.pack(false, gh, hidden, wHh.segment(), wHh.offset(), hidden);
            }
            eachStep(true, this::backwardStep);
            return parameterGradients();
        }

        /** Step k of BPTT on batch rows [r0, r1): reads this step's dh and dc, writes those of the step before. */
        private void backwardStep(int k, int r0, int r1) {
            int t = time(k);
            int before = slotBefore(t);
            Tensor dg = rows(dInput, t, r0, r1);
            int now = (steps - 1 - k) & 1;
            Tensor dhRows = rows(dh[now], 0, r0, r1);
            Tensor dhNextRows = rows(dh[now ^ 1], 0, r0, r1);
            switch (cell) {
                case LSTM -> {
                    Tensor dcNextRows = rows(dc[now ^ 1], 0, r0, r1);
                    be.lstmCellBackward(rows(gates, t, r0, r1), slot(states, 1, before, r0, r1),
                            slot(states, 1, slotAfter(t), r0, r1), dhRows, rows(dc[now], 0, r0, r1), dg, dcNextRows);
                    be.axpby(1, slot(gs, 1, before, r0, r1), 1, dcNextRows);
                    be.copy(slot(gs, 0, before, r0, r1), dhNextRows);
                }
                case RNN_TANH -> {
                    be.unaryBackward(TANH, rows(gates, t, r0, r1), slot(states, 0, slotAfter(t), r0, r1),
                            dhRows, dg);
                    be.copy(slot(gs, 0, before, r0, r1), dhNextRows);
                }
                case GRU -> {
                    be.gruCellBackward(rows(saved, t, r0, r1), slot(states, 0, before, r0, r1), dhRows, dg,
                            rows(dHidden, t, r0, r1), dhNextRows);
                    be.axpby(1, slot(gs, 0, before, r0, r1), 1, dhNextRows);
                }
            }
            if (k > 0 || needH0) {
                Tensor dgh = rows(dHidden, t, r0, r1);
                if (packed) {
                    packedWhh.multiply(false, r1 - r0, 1f, dgh.segment(), dgh.offset(), gh, 1f, dhNextRows.segment(),
                            dhNextRows.offset(), hidden);
                } else {
                    be.gemm(false, false, 1, dgh, wHh, 1, dhNextRows);
                }
            }
        }

        /** After the loop: the gradients of x, the initial states and the weights, each one GEMM or reduction. */
        private Tensor[] parameterGradients() {
            boolean gru = cell == Cell.GRU;
            Tensor dx = null;
            Tensor dh0 = null;
            Tensor dc0 = null;
            Tensor dWih = null;
            Tensor dWhh = null;
            Tensor dbIh = null;
            Tensor dbHh = null;
            if (x.requiresGrad()) {
                dx = x.newZeros(x.shape());
                be.gemm(false, false, 1, dInput, wIh, 0, as(dx, steps * batch, in));
            }
            if (needH0) {
                dh0 = x.newZeros(h0.shape());
                be.copy(dh[steps & 1], as(dh0, batch, hidden));
            }
            if (c0 != null && c0.requiresGrad()) {
                dc0 = x.newZeros(c0.shape());
                be.copy(dc[steps & 1], as(dc0, batch, hidden));
            }
            if (wIh.requiresGrad()) {
                dWih = x.newZeros(wIh.shape());
                be.gemm(true, false, 1, dInput, inputs, 0, dWih);
            }
            if (wHh.requiresGrad()) {
                // Step t read the state in slot slotBefore(t); over all t those slots are one
                // contiguous run of T slots, aligned row for row with dHidden.
                int from = reverse ? 1 : 0;
                Tensor hPrev = states.view(new int[] {steps * batch, hidden}, new long[] {hidden, 1},
                        states.offset() + (long) from * batch * hidden);
                dWhh = x.newZeros(wHh.shape());
                be.gemm(true, false, 1, dHidden, hPrev, 0, dWhh);
            }
            if (bIh.requiresGrad()) {
                dbIh = x.newZeros(gh);
                be.reduce(ReduceOp.SUM, dInput, 0, dbIh, null);
            }
            if (bHh.requiresGrad()) {
                dbHh = x.newZeros(gh);
                if (gru || dbIh == null) {
                    be.reduce(ReduceOp.SUM, dHidden, 0, dbHh, null);
                } else {
                    be.copy(dbIh, dbHh);
                }
            }
            return new Tensor[] {dx, dh0, dc0, dWih, dWhh, dbIh, dbHh};
        }
    }
}
