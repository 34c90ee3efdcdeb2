package dev.gatun.backend;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.gemm.BPanels;
import dev.gatun.kernels.gemm.Sgemm;
import dev.gatun.kernels.gemm.SgemmPackedB;
import dev.gatun.kernels.gemm.SideBySidePanels;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CPU backend's recurrent layer: {@link SteppedRecurrence}'s steps, with three changes. In
 * float32 the per-step GEMMs multiply by W_hh packed once per pass ({@link SgemmPackedB}) instead
 * of repacking it every step, and the weights' and bias's gradients come out of one product
 * ({@link SideBySidePanels}). And since batch rows never mix in a recurrence, the batch is split
 * in row blocks over the threads, each thread taking its block through the whole sequence: one
 * fork per pass instead of two per step, and the small cell kernels run on every core. A thread
 * that runs out of rows takes over half of another's from its next step ({@link BalancedRowBlocks}).
 */
final class CpuRecurrence extends SteppedRecurrence {
    /** Work per step (batch·G·H·H multiply-adds) from which float32 splits rows over threads: about Sgemm's own threshold. */
    private static final long SPLIT_MIN = 1L << 20;
    /** Elements of a block's gates below which no kernel inside splits it again (they split from 2^16). */
    private static final long WHOLE_SEQUENCE_MAX = 1L << 16;
    /** Rows the blocks are made of and split in: whole 8-row register tiles for the GEMM. */
    private static final int ROW_GRANULE = 8;

    CpuRecurrence(Backend be) {
        super(be);
    }

    @Override
    Schedule schedule(Tensor x, Tensor wHh) {
        int batch = x.dim(1);
        int gh = wHh.dim(0);
        int hidden = wHh.dim(1);
        boolean packed = x.dtype() == DType.FLOAT32 && wHh.isContiguous();
        // Float64 serves gradient checks, so it always splits: the split path stays under them.
        long work = (long) batch * gh * hidden;
        boolean split = Parallel.THREADS > 1 && batch >= 2 && (x.dtype() == DType.FLOAT64 || work >= SPLIT_MIN);
        int blocks = split ? Math.min(Parallel.THREADS, batch) : 1;
        int each = Math.ceilDiv(batch, blocks);
        if (x.dtype() == DType.FLOAT32) {
            each = Math.min(batch, Math.ceilDiv(each, ROW_GRANULE) * ROW_GRANULE);
        }
        // A block small enough that no kernel inside splits it again runs the whole sequence on one
        // thread: one fork per pass, not per step. Bigger blocks fork per step, so nested kernel
        // splits never wait on a busy thread.
        boolean wholeSequencePerThread = packed && (long) each * gh < WHOLE_SEQUENCE_MAX;
        return new RowBlocks(packed ? null : new GemmSchedule(be, wHh), wHh, gh, hidden, each,
                Math.ceilDiv(batch, each), wholeSequencePerThread);
    }

    /**
     * Steps over row blocks of rowsPerBlock rows on the kernels' threads; W_hh packed once per pass
     * unless {@code unpacked} (float64, or a strided W_hh) does the products through gemm.
     */
    private static final class RowBlocks implements Schedule {
        private final GemmSchedule unpacked;
        private final Tensor wHh;
        private final int gh;
        private final int hidden;
        private final int rowsPerBlock;
        private final int rowBlocks;
        private final boolean wholeSequencePerThread;
        private SgemmPackedB packedWhhT; // W_hhᵀ packed once for the forward steps
        private SgemmPackedB packedWhh;  // W_hh packed once for the backward steps

        RowBlocks(GemmSchedule unpacked, Tensor wHh, int gh, int hidden, int rowsPerBlock, int rowBlocks,
                  boolean wholeSequencePerThread) {
            this.unpacked = unpacked;
            this.wHh = wHh;
            this.gh = gh;
            this.hidden = hidden;
            this.rowsPerBlock = rowsPerBlock;
            this.rowBlocks = rowBlocks;
            this.wholeSequencePerThread = wholeSequencePerThread;
        }

        @Override
        public void startForward() {
            if (unpacked == null) {
                packedWhhT = SgemmPackedB.pack(true, hidden, gh, wHh.segment(), wHh.offset(), hidden);
            }
        }

        @Override
        public void addHiddenProjection(Tensor h, Tensor out) {
            if (unpacked != null) {
                unpacked.addHiddenProjection(h, out);
                return;
            }
            packedWhhT.multiply(false, h.dim(0), 1f, h.segment(), h.offset(), hidden, 1f, out.segment(), out.offset(), gh);
        }

        @Override
        public void startBackward() {
            if (unpacked == null) {
                packedWhh = SgemmPackedB.pack(false, gh, hidden, wHh.segment(), wHh.offset(), hidden);
            }
        }

        @Override
        public void addHiddenGradient(Tensor dGates, Tensor dh) {
            if (unpacked != null) {
                unpacked.addHiddenGradient(dGates, dh);
                return;
            }
            packedWhh.multiply(false, dGates.dim(0), 1f, dGates.segment(), dGates.offset(), gh, 1f, dh.segment(),
                    dh.offset(), hidden);
        }

        /**
         * One product dGatesᵀ·[H_prev | X | 1] = [dW_hh | dW_ih | db] into a scratch matrix,
         * whose columns are then copied out: dGates (3.7 MB in the LSTM sample) is packed once
         * instead of once for each weight and read again for the bias. The weights' bits are
         * those of their own products. Needs H a whole number of the GEMM's slivers, so that no
         * sliver mixes H_prev and X.
         */
        @Override
        public boolean weightGradients(Tensor dGates, Tensor inputs, Tensor hPrev, Tensor dWih, Tensor dWhh,
                                       Tensor db) {
            if (unpacked != null || hidden % BPanels.SLIVER != 0 || !dGates.isContiguous() || !dWih.isContiguous()
                    || !dWhh.isContiguous() || (db != null && !db.isContiguous())) {
                return false;
            }
            int rows = dGates.dim(0);
            int in = inputs.dim(1);
            SideBySidePanels panels = SideBySidePanels.of(rows, hPrev.segment(), hPrev.offset(), hidden,
                    inputs.segment(), inputs.offset(), in, db != null);
            int cols = panels.columns();
            Tensor all = dGates.newEmpty(gh, cols);
            MemorySegment c = all.segment();
            Sgemm.sgemm(true, gh, cols, rows, 1f, dGates.segment(), dGates.offset(), gh, panels, 0f, c, all.offset(),
                    cols);
            long bytes = Float.BYTES;
            for (int i = 0; i < gh; i++) {
                long row = (all.offset() + (long) i * cols) * bytes;
                MemorySegment.copy(c, row, dWhh.segment(), (dWhh.offset() + (long) i * hidden) * bytes, hidden * bytes);
                MemorySegment.copy(c, row + hidden * bytes, dWih.segment(), (dWih.offset() + (long) i * in) * bytes,
                        in * bytes);
                if (db != null) {
                    db.segment().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, db.offset() + i,
                            c.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, all.offset() + (long) i * cols + hidden + in));
                }
            }
            return true;
        }

        @Override
        public void eachStep(int steps, int batch, boolean backward, StepBlock body) {
            if (rowBlocks == 1) {
                inOrder(steps, backward, body, 0, batch);
            } else if (wholeSequencePerThread) {
                BalancedRowBlocks.run(steps, batch, backward, body, rowsPerBlock, rowBlocks, ROW_GRANULE);
            } else {
                for (int i = 0; i < steps; i++) {
                    int k = backward ? steps - 1 - i : i;
                    Parallel.forEach(rowBlocks, p -> body.run(k, p * rowsPerBlock, Math.min(batch, (p + 1) * rowsPerBlock)));
                }
            }
        }
    }
}
