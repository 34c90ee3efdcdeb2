package dev.gatun.backend;

import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A recurrent layer run step by step through a backend's {@link Backend#gemm} and cell ops: the
 * default {@link Backend#fusedRecurrence}. G gates, H hidden, S planes of states (2 for LSTM):
 *
 * <pre>
 * forward:  XP = X·W_ihᵀ + b_ih (+ b_hh but for GRU)      one GEMM over all T·B rows
 *           per step: XP_t += h·W_hhᵀ (GRU: HG = h·W_hhᵀ + b_hh), then the fused cell
 * backward: per step the cell backward and dh_prev = dGates_t·W_hh (BPTT);
 *           then dW_hh = dGatesᵀ·H_prev, dW_ih = dGatesᵀ·X, dX = dGates·W_ih, db = Σ_rows dGates,
 *           each one GEMM (or reduction) over all steps; a Schedule may do dW_hh, dW_ih and db
 *           as one product dGatesᵀ·[H_prev | X | 1] (CpuRecurrence does in float32).
 * </pre>
 *
 * The forward pass keeps what backward needs: the activated gates (LSTM), r z n hn (GRU), and
 * every h and c (they are the states, every slot of both planes). Batch rows never mix in a
 * recurrence, so a {@link Schedule} may run the steps over blocks of rows on several threads; it
 * also does the per-step products with W_hh ({@link CpuRecurrence} packs W_hh once per pass).
 */
class SteppedRecurrence implements FusedRecurrence {
    /** The backend whose gemm and cell ops run the steps. */
    final Backend be;

    SteppedRecurrence(Backend be) {
        this.be = be;
    }

    @Override
    public final Saved forward(int gates, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                               Tensor bIh, Tensor bHh, Tensor states) {
        Pass pass = new Pass(be, schedule(x, wHh), gates, reverse, x, h0, c0, wIh, wHh, bIh, bHh, states);
        pass.forward();
        return pass;
    }

    /**
     * Uninitialized: the forward pass writes every slot, the initial one from h0 and c0 or as
     * zeros (zeroing the whole tensor first was a pass over 1.9 MB per step of the LSTM sample).
     */
    @Override
    public final Tensor newStates(Tensor x, int planes, int steps, int batch, int hidden) {
        return x.newEmpty(planes, steps + 1, batch, hidden);
    }

    @Override
    public final void backward(Saved saved, Tensor gradStates, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih,
                               Tensor dWhh, Tensor dbIh, Tensor dbHh) {
        ((Pass) saved).backward(gradStates, dx, dh0, dc0, dWih, dWhh, dbIh, dbHh);
    }

    /** How one pass over x [T, B, in] runs its steps: by default all rows in order, W_hh through gemm. */
    Schedule schedule(Tensor x, Tensor wHh) {
        return new GemmSchedule(be, wHh);
    }

    /** How one pass multiplies by W_hh and orders its steps over the batch rows. */
    interface Schedule {
        /** Before the first forward step. */
        void startForward();

        /** out += h·W_hhᵀ for some rows of one step. */
        void addHiddenProjection(Tensor h, Tensor out);

        /** Before the first backward step. */
        void startBackward();

        /** dh += dGates·W_hh for some rows of one step. */
        void addHiddenGradient(Tensor dGates, Tensor dh);

        /** Runs body for steps 0..steps-1 (steps-1..0 when backward), each over all batch rows. */
        void eachStep(int steps, int batch, boolean backward, StepBlock body);

        /**
         * Where it can, dW_hh = dGatesᵀ·H_prev, dW_ih = dGatesᵀ·X and (when db is not null) db =
         * Σ_rows dGates in one pass over dGates, the gradient both projections share; returns
         * whether it did. By default it does not, and the pass runs a GEMM for each.
         */
        default boolean weightGradients(Tensor dGates, Tensor inputs, Tensor hPrev, Tensor dWih, Tensor dWhh,
                                        Tensor db) {
            return false;
        }
    }

    /** Step k on batch rows [r0, r1). */
    @FunctionalInterface
    interface StepBlock {
        void run(int k, int r0, int r1);
    }

    /** The whole batch one step after another, the products with W_hh through the backend's gemm. */
    record GemmSchedule(Backend be, Tensor wHh) implements Schedule {
        @Override
        public void startForward() {}

        @Override
        public void addHiddenProjection(Tensor h, Tensor out) {
            be.gemm(false, true, 1, h, wHh, 1, out);
        }

        @Override
        public void startBackward() {}

        @Override
        public void addHiddenGradient(Tensor dGates, Tensor dh) {
            be.gemm(false, false, 1, dGates, wHh, 1, dh);
        }

        @Override
        public void eachStep(int steps, int batch, boolean backward, StepBlock body) {
            inOrder(steps, backward, body, 0, batch);
        }
    }

    /** Runs body for every step on rows [r0, r1), in order (reversed for backward). */
    static void inOrder(int steps, boolean backward, StepBlock body, int r0, int r1) {
        for (int i = 0; i < steps; i++) {
            body.run(backward ? steps - 1 - i : i, r0, r1);
        }
    }

    /**
     * One run: the buffers the forward pass fills and the backward pass reads. Slots: the forward
     * direction starts in slot 0 and writes step t's state into slot t+1; the reverse direction
     * starts in slot T and writes step t's state into slot t.
     */
    private static final class Pass implements Saved {
        private final Backend be;
        private final Schedule schedule;
        private final int gateCount;
        private final boolean reverse;
        private final Tensor x;
        private final Tensor h0;
        private final Tensor c0;
        private final Tensor wIh;
        private final Tensor wHh;
        private final Tensor bIh;
        private final Tensor bHh;
        private final Tensor states;  // [S, T+1, B, H]
        private final int steps;
        private final int batch;
        private final int in;
        private final int hidden;
        private final int gh;
        private Tensor inputs;  // [T·B, in], contiguous time-major
        private Tensor gates;   // [T·B, G·H]: LSTM activated gates, RNN pre-activations, GRU input projection
        private Tensor saved;   // GRU only: [T·B, 4H] r, z, n, hn
        private Tensor hiddenGates; // GRU only: [B, 3H] scratch for h·W_hhᵀ + b_hh
        private Tensor hiddenBias;  // GRU only: [B, 3H] b_hh in every row
        // Backward state. Step k (counting down) reads dh[(T−1−k) & 1] and writes dh[(T−k) & 1],
        // so each thread's rows need no swap between steps; the same for dc.
        private Tensor gs;
        private final Tensor[] dh = new Tensor[2];
        private final Tensor[] dc = new Tensor[2];
        private Tensor dInput;
        private Tensor dHidden;
        private boolean needH0;

        Pass(Backend be, Schedule schedule, int gateCount, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh,
             Tensor wHh, Tensor bIh, Tensor bHh, Tensor states) {
            if (gateCount != 1 && gateCount != 3 && gateCount != 4) {
                throw new IllegalArgumentException("recurrence: " + gateCount + " gates, expected 1 (tanh RNN), 3 (GRU)"
                        + " or 4 (LSTM)");
            }
            this.be = be;
            this.schedule = schedule;
            this.gateCount = gateCount;
            this.reverse = reverse;
            this.x = x;
            this.h0 = h0;
            this.c0 = c0;
            this.wIh = wIh;
            this.wHh = wHh;
            this.bIh = bIh;
            this.bHh = bHh;
            this.states = states;
            this.steps = x.dim(0);
            this.batch = x.dim(1);
            this.in = x.dim(2);
            this.hidden = wHh.dim(1);
            this.gh = gateCount * hidden;
        }

        private boolean gru() {
            return gateCount == 3;
        }

        private boolean lstm() {
            return gateCount == 4;
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

        void forward() {
            inputs = timeMajor(x);
            // The input projection and its bias in one pass over the gates (GRU adds b_hh later, to
            // the hidden part only; the other cells take both biases here).
            gates = x.newEmpty(steps * batch, gh);
            Tensor biases = bIh;
            if (!gru()) {
                biases = x.newEmpty(gh);
                be.binary(BinaryOp.ADD, bIh, bHh, biases);
            }
            be.gemmAddRow(false, true, 1, inputs, wIh, biases, gates);
            int first = slotBefore(time(0));
            initialState(h0, slot(states, 0, first));
            if (lstm()) {
                initialState(c0, slot(states, 1, first));
            }
            schedule.startForward();
            if (gru()) {
                saved = x.newZeros(steps * batch, 4 * hidden);
                hiddenGates = x.newZeros(batch, gh);
                hiddenBias = x.newZeros(batch, gh);
                be.binary(BinaryOp.ADD, hiddenBias, bHh, hiddenBias);
            }
            schedule.eachStep(steps, batch, false, this::forwardStep);
        }

        /** The state before the first step: a copy of the given one, or zeros when there is none. */
        private void initialState(Tensor given, Tensor slot) {
            if (given != null) {
                be.copy(given, as(slot, given.shape()));
            } else {
                be.fill(slot, 0);
            }
        }

        /** Step k of the forward pass on batch rows [r0, r1). */
        private void forwardStep(int k, int r0, int r1) {
            int t = time(k);
            Tensor hPrev = slot(states, 0, slotBefore(t), r0, r1);
            Tensor h = slot(states, 0, slotAfter(t), r0, r1);
            Tensor g = rows(gates, t, r0, r1);
            // Without h0 the first step's hPrev is zero: its recurrent GEMM adds nothing.
            boolean recurrent = k > 0 || h0 != null;
            switch (gateCount) {
                case 4 -> {
                    if (recurrent) {
                        schedule.addHiddenProjection(hPrev, g);
                    }
                    be.lstmCell(g, slot(states, 1, slotBefore(t), r0, r1), slot(states, 1, slotAfter(t), r0, r1), h);
                }
                case 1 -> {
                    if (recurrent) {
                        schedule.addHiddenProjection(hPrev, g);
                    }
                    be.unary(UnaryFn.of(UnaryOp.TANH), g, h);
                }
                default -> {
                    Tensor hg = rows(hiddenGates, 0, r0, r1);
                    be.copy(rows(hiddenBias, 0, r0, r1), hg);
                    if (recurrent) {
                        schedule.addHiddenProjection(hPrev, hg);
                    }
                    be.gruCell(g, hg, hPrev, h, rows(saved, t, r0, r1));
                }
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

        /**
         * The gradients wanted (the others null) from the states' gradient. Runs at most once: the
         * input projection's gradient overwrites the saved gates.
         */
        void backward(Tensor gradStates, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih, Tensor dWhh, Tensor dbIh,
                      Tensor dbHh) {
            gs = gradStates;
            if (!gs.isContiguous()) {
                gs = gs.newZeros(gs.shape());
                be.copy(gradStates, gs);
            }
            int last = reverse ? 0 : steps;
            dh[0] = x.newZeros(batch, hidden);
            dh[1] = x.newZeros(batch, hidden);
            be.copy(slot(gs, 0, last), dh[0]);
            if (lstm()) {
                dc[0] = x.newZeros(batch, hidden);
                dc[1] = x.newZeros(batch, hidden);
                be.copy(slot(gs, 1, last), dc[0]);
            }
            // dGates of the input projection and of the hidden projection: the same tensor except for
            // GRU. The input projection's gradient overwrites the gates: step t's cell backward reads
            // row t's gates before writing its gradient there, and nothing reads them afterwards
            // (that is why backward runs once). It saves a [T·B, G·H] buffer.
            dInput = gates;
            dHidden = gru() ? x.newZeros(steps * batch, gh) : dInput;
            needH0 = dh0 != null;
            schedule.startBackward();
            schedule.eachStep(steps, batch, true, this::backwardStep);
            parameterGradients(dx, dh0, dc0, dWih, dWhh, dbIh, dbHh);
        }

        /** Step k of BPTT on batch rows [r0, r1): reads this step's dh and dc, writes those of the step before. */
        private void backwardStep(int k, int r0, int r1) {
            int t = time(k);
            int before = slotBefore(t);
            Tensor dg = rows(dInput, t, r0, r1);
            int now = (steps - 1 - k) & 1;
            Tensor dhRows = rows(dh[now], 0, r0, r1);
            Tensor dhNextRows = rows(dh[now ^ 1], 0, r0, r1);
            switch (gateCount) {
                case 4 -> {
                    Tensor dcNextRows = rows(dc[now ^ 1], 0, r0, r1);
                    be.lstmCellBackward(rows(gates, t, r0, r1), slot(states, 1, before, r0, r1),
                            slot(states, 1, slotAfter(t), r0, r1), dhRows, rows(dc[now], 0, r0, r1), dg, dcNextRows);
                    be.axpby(1, slot(gs, 1, before, r0, r1), 1, dcNextRows);
                    be.copy(slot(gs, 0, before, r0, r1), dhNextRows);
                }
                case 1 -> {
                    be.unaryBackward(UnaryFn.of(UnaryOp.TANH), rows(gates, t, r0, r1), slot(states, 0, slotAfter(t), r0, r1),
                            dhRows, dg);
                    be.copy(slot(gs, 0, before, r0, r1), dhNextRows);
                }
                default -> {
                    be.gruCellBackward(rows(saved, t, r0, r1), slot(states, 0, before, r0, r1), dhRows, dg,
                            rows(dHidden, t, r0, r1), dhNextRows);
                    be.axpby(1, slot(gs, 0, before, r0, r1), 1, dhNextRows);
                }
            }
            if (k > 0 || needH0) {
                schedule.addHiddenGradient(rows(dHidden, t, r0, r1), dhNextRows);
            }
        }

        /**
         * After the loop: the wanted gradients of x, the initial states and the weights, each one
         * GEMM or reduction, or the weights' and the bias's together where the schedule can.
         */
        private void parameterGradients(Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih, Tensor dWhh, Tensor dbIh,
                                        Tensor dbHh) {
            if (dx != null) {
                be.gemm(false, false, 1, dInput, wIh, 0, as(dx, steps * batch, in));
            }
            if (dh0 != null) {
                be.copy(dh[steps & 1], as(dh0, batch, hidden));
            }
            if (dc0 != null) {
                be.copy(dc[steps & 1], as(dc0, batch, hidden));
            }
            // Step t read the state in slot slotBefore(t); over all t those slots are one contiguous
            // run of T slots, aligned row for row with dHidden.
            int from = reverse ? 1 : 0;
            Tensor hPrev = states.view(new int[] {steps * batch, hidden}, new long[] {hidden, 1},
                    states.offset() + (long) from * batch * hidden);
            // Both biases get the same gradient but for GRU: one sum serves both.
            Tensor db = dbIh != null ? dbIh : dbHh;
            boolean fused = !gru() && dWih != null && dWhh != null
                    && schedule.weightGradients(dInput, inputs, hPrev, dWih, dWhh, db);
            if (!fused) {
                if (dWih != null) {
                    be.gemm(true, false, 1, dInput, inputs, 0, dWih);
                }
                if (dWhh != null) {
                    be.gemm(true, false, 1, dHidden, hPrev, 0, dWhh);
                }
                if (gru()) {
                    if (dbIh != null) {
                        be.reduce(ReduceOp.SUM, dInput, 0, dbIh, null);
                    }
                    if (dbHh != null) {
                        be.reduce(ReduceOp.SUM, dHidden, 0, dbHh, null);
                    }
                } else if (db != null) {
                    be.reduce(ReduceOp.SUM, dInput, 0, db, null);
                }
            }
            if (!gru() && dbIh != null && dbHh != null) {
                be.copy(dbIh, dbHh);
            }
        }

        /** A contiguous tensor's elements seen with another shape of the same size. */
        private static Tensor as(Tensor t, int... shape) {
            return t.view(shape, Shape.contiguousStrides(shape), t.offset());
        }
    }
}
