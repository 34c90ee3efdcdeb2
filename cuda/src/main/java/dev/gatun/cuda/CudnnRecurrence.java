package dev.gatun.cuda;

import static dev.gatun.bindings.CudaStatus.checkCudnn;
import static dev.gatun.cuda.CudnnConvolution.seg;

import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.FusedRecurrence;
import dev.gatun.bindings.cudnn.cudnn_h;
import dev.gatun.device.DeviceBlock;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import dev.gatun.tensor.internal.TensorInternals;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * One recurrent layer, one direction, through cuDNN's RNN API: cudnnRNNForward in training mode,
 * then cudnnRNNBackwardData_v8 and cudnnRNNBackwardWeights_v8.
 *
 * <p><b>Weights.</b> cuDNN keeps one layer's weights in a "weight space" of its own layout and
 * hands out where each piece lives (cudnnGetRNNWeightParams, by linear-layer id). Ours are
 * PyTorch's: W_ih [G·H, in] and W_hh [G·H, H] with the gate blocks stacked in the order cuDNN
 * numbers them (LSTM i f g o, GRU r z n), biases b_ih and b_hh [G·H]. Id k &lt; G is gate k's
 * input matrix [H, in] (row-major, the same memory as block k of W_ih) with b_ih's block k; id
 * G + k is its recurrent matrix [H, H] with b_hh's block k. So packing is 4·G contiguous
 * device-to-device copies per forward pass, and the weight gradients come back the same way.
 *
 * <p><b>Time order.</b> cuDNN's unidirectional mode runs forward in time; a reverse layer feeds it
 * the time-reversed input (a negative-stride copy) and reverses its outputs back.
 *
 * <p><b>States.</b> cuDNN returns every hidden state (y) and the final hidden and cell states;
 * the intermediate cell states live only in its reserve space, which the backward pass reads.
 *
 * <p>Descriptors are made once per (cell, T, B, in, H) and kept, like the convolution plans.
 */
final class CudnnRecurrence implements FusedRecurrence {
    private final CudaContext ctx;
    private final CudaBackend backend;
    private final boolean tf32;
    private final Map<Key, Plan> plans = new HashMap<>();

    private record Key(int gates, int steps, int batch, int in, int hidden) {}

    private record Plan(MemorySegment rnn, MemorySegment xDesc, MemorySegment yDesc, MemorySegment hDesc,
                        MemorySegment matrixDesc, MemorySegment biasDesc, long weightBytes, long workBytes,
                        long reserveBytes, DeviceBlock seqLengths) {}

    // h0 and c0 are the states tensor's own initial slots, not the caller's tensors, which the
    // caller may change before the backward pass (the step-by-step path reads only its states too).
    private record State(Key key, Plan plan, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor y,
                         Tensor weights, Tensor reserve) implements Saved {}

    CudnnRecurrence(CudaContext ctx, CudaBackend backend, boolean tf32) {
        this.ctx = ctx;
        this.backend = backend;
        this.tf32 = tf32;
    }

    @Override
    public Saved forward(int gates, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                         Tensor bIh, Tensor bHh, Tensor states) {
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            return forwardOnDevice(gates, reverse, x, h0, c0, wIh, wHh, bIh, bHh, states);
        }
    }

    @Override
    public void backward(Saved saved, Tensor gradStates, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih, Tensor dWhh,
                         Tensor dbIh, Tensor dbHh) {
        synchronized (ctx.select()) {
            backwardOnDevice((State) saved, gradStates, dx, dh0, dc0, dWih, dWhh, dbIh, dbHh);
        }
    }

    private Saved forwardOnDevice(int gates, boolean reverse, Tensor x, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh,
                                  Tensor bIh, Tensor bHh, Tensor states) {
        int steps = x.dim(0), batch = x.dim(1), in = x.dim(2), hidden = wHh.dim(1);
        Key key = new Key(gates, steps, batch, in, hidden);
        Plan p = plan(key);
        Tensor xs = reverse ? reversed(x) : dense(x);
        Tensor weights = x.newEmpty(DType.FLOAT32, words(p.weightBytes()));
        copyWeights(p, key, weights, wIh, wHh, bIh, bHh, true);
        Tensor y = x.newEmpty(steps, batch, hidden);
        Tensor hy = x.newEmpty(batch, hidden);
        Tensor cy = gates == 4 ? x.newEmpty(batch, hidden) : null;
        Tensor reserve = x.newEmpty(DType.FLOAT32, words(p.reserveBytes()));
        Tensor hx = h0 == null ? null : dense(h0);
        Tensor cx = c0 == null ? null : dense(c0);
        Tensor work = x.newEmpty(DType.FLOAT32, words(p.workBytes()));
        checkCudnn(cudnn_h.cudnnRNNForward(ctx.cudnn(), p.rnn(), cudnn_h.CUDNN_FWD_MODE_TRAINING(),
                seg(p.seqLengths().address()), p.xDesc(), seg(addr(xs)), p.yDesc(), seg(addr(y)), p.hDesc(), seg(addr(hx)),
                seg(addr(hy)), p.hDesc(), seg(addr(cx)), seg(addr(cy)), p.weightBytes(), seg(addr(weights)),
                p.workBytes(), seg(addr(work)), p.reserveBytes(), seg(addr(reserve))), "cudnnRNNForward");
        // states [S, T+1, B, H]: the hidden outputs, then the initial and final cell states.
        int first = reverse ? 0 : 1;
        Tensor outputs = slots(states, 0, first, steps, batch, hidden);
        backend.copy(reverse ? timeReversed(y) : y, outputs);
        int init = reverse ? steps : 0;
        int fin = reverse ? 0 : steps;
        if (h0 != null) {
            backend.copy(matrix(hx, batch, hidden), slot(states, 0, init, batch, hidden));
        }
        if (gates == 4) {
            if (c0 != null) {
                backend.copy(matrix(cx, batch, hidden), slot(states, 1, init, batch, hidden));
            }
            backend.copy(cy, slot(states, 1, fin, batch, hidden));
        }
        return new State(key, p, reverse, xs, h0 == null ? null : slot(states, 0, init, batch, hidden),
                c0 == null ? null : slot(states, 1, init, batch, hidden), y, weights, reserve);
    }

    private void backwardOnDevice(State s, Tensor gradStates, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWih,
                                  Tensor dWhh, Tensor dbIh, Tensor dbHh) {
        Key k = s.key();
        Plan p = s.plan();
        int steps = k.steps(), batch = k.batch(), hidden = k.hidden();
        Tensor gs = dense(gradStates);
        int first = s.reverse() ? 0 : 1;
        int init = s.reverse() ? steps : 0;
        int fin = s.reverse() ? 0 : steps;
        // The final hidden state is also the last output, one slot: its gradient is all in dy.
        Tensor outGrad = slots(gs, 0, first, steps, batch, hidden);
        Tensor dy = s.reverse() ? dense(timeReversed(outGrad)) : outGrad;
        Tensor dcy = k.gates() == 4 ? slot(gs, 1, fin, batch, hidden) : null;
        Tensor dxs = s.x().newEmpty(s.x().shape());
        Tensor dhx = s.h0() == null ? null : s.x().newEmpty(batch, hidden);
        Tensor dcx = s.c0() == null ? null : s.x().newEmpty(batch, hidden);
        Tensor work = s.x().newEmpty(DType.FLOAT32, words(p.workBytes()));
        checkCudnn(cudnn_h.cudnnRNNBackwardData_v8(ctx.cudnn(), p.rnn(), seg(p.seqLengths().address()), p.yDesc(),
                seg(addr(s.y())), seg(addr(dy)), p.xDesc(), seg(addr(dxs)), p.hDesc(), seg(addr(s.h0())), MemorySegment.NULL,
                seg(addr(dhx)), p.hDesc(), seg(addr(s.c0())), seg(addr(dcy)), seg(addr(dcx)), p.weightBytes(),
                seg(addr(s.weights())), p.workBytes(), seg(addr(work)), p.reserveBytes(), seg(addr(s.reserve()))),
                "cudnnRNNBackwardData_v8");
        if (dWih != null || dWhh != null || dbIh != null || dbHh != null) {
            // cuDNN only adds into the weight gradients (CUDNN_WGRAD_MODE_ADD): start from zeros.
            Tensor dWeights = s.x().newZeros(DType.FLOAT32, words(p.weightBytes()));
            checkCudnn(cudnn_h.cudnnRNNBackwardWeights_v8(ctx.cudnn(), p.rnn(), cudnn_h.CUDNN_WGRAD_MODE_ADD(),
                    seg(p.seqLengths().address()), p.xDesc(), seg(addr(s.x())), p.hDesc(), seg(addr(s.h0())), p.yDesc(),
                    seg(addr(s.y())), p.weightBytes(), seg(addr(dWeights)), p.workBytes(), seg(addr(work)),
                    p.reserveBytes(), seg(addr(s.reserve()))), "cudnnRNNBackwardWeights_v8");
            copyWeights(p, k, dWeights, dWih, dWhh, dbIh, dbHh, false);
        }
        if (dx != null) {
            backend.copy(s.reverse() ? timeReversed(dxs) : dxs, dx);
        }
        // Slot init holds h0 (and c0) themselves: a gradient reaching it adds to cuDNN's dhx (dcx).
        if (dh0 != null) {
            backend.binary(BinaryOp.ADD, dhx, slot(gs, 0, init, batch, hidden), matrix(dh0, batch, hidden));
        }
        if (dc0 != null) {
            backend.binary(BinaryOp.ADD, dcx, slot(gs, 1, init, batch, hidden), matrix(dc0, batch, hidden));
        }
    }

    /**
     * Copies between our four weight tensors and a cuDNN weight space (into the space when
     * {@code pack}, out of it otherwise); a null tensor is skipped.
     */
    private void copyWeights(Plan p, Key k, Tensor space, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, boolean pack) {
        int g = k.gates(), h = k.hidden();
        Tensor[] ours = {wIh == null ? null : dense(wIh), wHh == null ? null : dense(wHh),
                bIh == null ? null : dense(bIh), bHh == null ? null : dense(bHh)};
        long matrixIn = (long) h * k.in() * 4, matrixH = (long) h * h * 4, bias = (long) h * 4;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment m = call.allocate(ValueLayout.ADDRESS);
            MemorySegment b = call.allocate(ValueLayout.ADDRESS);
            for (int id = 0; id < 2 * g; id++) {
                boolean input = id < g;
                int gate = input ? id : id - g;
                checkCudnn(cudnn_h.cudnnGetRNNWeightParams(ctx.cudnn(), p.rnn(), 0, p.weightBytes(), seg(addr(space)), id,
                        p.matrixDesc(), m, p.biasDesc(), b), "cudnnGetRNNWeightParams");
                long matrixAt = m.get(ValueLayout.ADDRESS, 0).address();
                long biasAt = b.get(ValueLayout.ADDRESS, 0).address();
                Tensor w = input ? ours[0] : ours[1];
                long mBytes = input ? matrixIn : matrixH;
                if (w != null) {
                    move(addr(w) + gate * mBytes, matrixAt, mBytes, pack);
                }
                Tensor bt = input ? ours[2] : ours[3];
                if (bt != null) {
                    move(addr(bt) + gate * bias, biasAt, bias, pack);
                }
            }
        }
        if (!pack) {
            // dense() may have handed out temporaries: write them back into the callers' tensors.
            Tensor[] targets = {wIh, wHh, bIh, bHh};
            for (int i = 0; i < 4; i++) {
                if (targets[i] != null && ours[i] != targets[i]) {
                    backend.copy(ours[i], targets[i]);
                }
            }
        }
    }

    private void move(long ours, long theirs, long bytes, boolean pack) {
        if (pack) {
            ctx.memory().copyDeviceToDevice(ours, theirs, bytes, ctx.stream());
        } else {
            ctx.memory().copyDeviceToDevice(theirs, ours, bytes, ctx.stream());
        }
    }

    private synchronized Plan plan(Key k) {
        return plans.computeIfAbsent(k, this::makePlan);
    }

    private Plan makePlan(Key k) {
        int f = cudnn_h.CUDNN_DATA_FLOAT();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment ptr = call.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreateDropoutDescriptor(ptr), "cudnnCreateDropoutDescriptor");
            MemorySegment dropout = ptr.get(ValueLayout.ADDRESS, 0);
            // No dropout between layers: each call is one layer (PyTorch sets up the same way).
            checkCudnn(cudnn_h.cudnnSetDropoutDescriptor(dropout, ctx.cudnn(), 0f, MemorySegment.NULL, 0, 0),
                    "cudnnSetDropoutDescriptor");
            checkCudnn(cudnn_h.cudnnCreateRNNDescriptor(ptr), "cudnnCreateRNNDescriptor");
            MemorySegment rnn = ptr.get(ValueLayout.ADDRESS, 0);
            int mode = switch (k.gates()) {
                case 1 -> cudnn_h.CUDNN_RNN_TANH();
                case 3 -> cudnn_h.CUDNN_GRU();
                case 4 -> cudnn_h.CUDNN_LSTM();
                default -> throw new IllegalArgumentException("no cuDNN cell with " + k.gates() + " gates");
            };
            checkCudnn(cudnn_h.cudnnSetRNNDescriptor_v8(rnn, cudnn_h.CUDNN_RNN_ALGO_STANDARD(), mode,
                    cudnn_h.CUDNN_RNN_DOUBLE_BIAS(), cudnn_h.CUDNN_UNIDIRECTIONAL(), cudnn_h.CUDNN_LINEAR_INPUT(), f, f,
                    tf32 ? cudnn_h.CUDNN_TENSOR_OP_MATH() : cudnn_h.CUDNN_FMA_MATH(), k.in(), k.hidden(), k.hidden(), 1,
                    dropout, cudnn_h.CUDNN_RNN_PADDED_IO_DISABLED()), "cudnnSetRNNDescriptor_v8");
            int[] lengths = new int[k.batch()];
            java.util.Arrays.fill(lengths, k.steps());
            MemorySegment hostLengths = call.allocateFrom(ValueLayout.JAVA_INT, lengths);
            MemorySegment xDesc = dataDescriptor(call, k, k.in(), hostLengths);
            MemorySegment yDesc = dataDescriptor(call, k, k.hidden(), hostLengths);
            checkCudnn(cudnn_h.cudnnCreateTensorDescriptor(ptr), "cudnnCreateTensorDescriptor");
            MemorySegment hDesc = ptr.get(ValueLayout.ADDRESS, 0);
            checkCudnn(cudnn_h.cudnnSetTensorNdDescriptor(hDesc, f, 3,
                    call.allocateFrom(ValueLayout.JAVA_INT, 1, k.batch(), k.hidden()),
                    call.allocateFrom(ValueLayout.JAVA_INT, k.batch() * k.hidden(), k.hidden(), 1)),
                    "cudnnSetTensorNdDescriptor");
            checkCudnn(cudnn_h.cudnnCreateTensorDescriptor(ptr), "cudnnCreateTensorDescriptor");
            MemorySegment matrixDesc = ptr.get(ValueLayout.ADDRESS, 0);
            checkCudnn(cudnn_h.cudnnCreateTensorDescriptor(ptr), "cudnnCreateTensorDescriptor");
            MemorySegment biasDesc = ptr.get(ValueLayout.ADDRESS, 0);
            MemorySegment size = call.allocate(ValueLayout.JAVA_LONG);
            MemorySegment reserve = call.allocate(ValueLayout.JAVA_LONG);
            checkCudnn(cudnn_h.cudnnGetRNNWeightSpaceSize(ctx.cudnn(), rnn, size), "cudnnGetRNNWeightSpaceSize");
            long weightBytes = size.get(ValueLayout.JAVA_LONG, 0);
            checkCudnn(cudnn_h.cudnnGetRNNTempSpaceSizes(ctx.cudnn(), rnn, cudnn_h.CUDNN_FWD_MODE_TRAINING(), xDesc, size,
                    reserve), "cudnnGetRNNTempSpaceSizes");
            DeviceBlock seqLengths = ctx.allocator().allocate(hostLengths.byteSize());
            ctx.memory().copyHostToDevice(hostLengths, seqLengths.address(), hostLengths.byteSize(), ctx.stream());
            return new Plan(rnn, xDesc, yDesc, hDesc, matrixDesc, biasDesc, weightBytes, size.get(ValueLayout.JAVA_LONG, 0),
                    reserve.get(ValueLayout.JAVA_LONG, 0), seqLengths);
        }
    }

    private static MemorySegment dataDescriptor(Arena call, Key k, int vector, MemorySegment lengths) {
        MemorySegment ptr = call.allocate(ValueLayout.ADDRESS);
        checkCudnn(cudnn_h.cudnnCreateRNNDataDescriptor(ptr), "cudnnCreateRNNDataDescriptor");
        MemorySegment d = ptr.get(ValueLayout.ADDRESS, 0);
        checkCudnn(cudnn_h.cudnnSetRNNDataDescriptor(d, cudnn_h.CUDNN_DATA_FLOAT(),
                cudnn_h.CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED(), k.steps(), k.batch(), vector, lengths,
                MemorySegment.NULL), "cudnnSetRNNDataDescriptor");
        return d;
    }

    /** Slots [from, from + count) of one plane of a contiguous [S, T+1, B, H] tensor, as [count, B, H]. */
    private static Tensor slots(Tensor states, int plane, int from, int count, int batch, int hidden) {
        int[] s = states.shape();
        long off = (((long) plane * s[1] + from) * batch) * hidden;
        return states.view(new int[] {count, batch, hidden}, new long[] {(long) batch * hidden, hidden, 1},
                states.offset() + off);
    }

    /** One slot of a plane as [B, H]. */
    private static Tensor slot(Tensor states, int plane, int at, int batch, int hidden) {
        return matrix(slots(states, plane, at, 1, batch, hidden), batch, hidden);
    }

    /** A contiguous tensor of B·H elements ([B, H] or [1, B, H]) seen as [B, H], without autograd. */
    private static Tensor matrix(Tensor t, int batch, int hidden) {
        return t.view(new int[] {batch, hidden}, new long[] {hidden, 1}, t.offset());
    }

    /** A view of a contiguous [T, ...] tensor with its first axis reversed (a negative stride). */
    private static Tensor timeReversed(Tensor t) {
        long[] st = t.strides();
        long step = st[0];
        st[0] = -step;
        return t.view(t.shape(), st, t.offset() + (t.dim(0) - 1) * step);
    }

    private Tensor reversed(Tensor x) {
        Tensor out = x.newEmpty(x.shape());
        backend.copy(timeReversed(dense(x)), out);
        return out;
    }

    /** t itself when contiguous, else a contiguous copy (not recorded: this runs inside an autograd op). */
    private Tensor dense(Tensor t) {
        if (t.isContiguous()) {
            return t;
        }
        Tensor c = t.newEmpty(t.shape());
        backend.copy(t, c);
        return c;
    }

    private static int words(long bytes) {
        long words = Math.max(1, (bytes + 3) / 4);
        if (words > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cuDNN asks for " + bytes + " bytes of RNN space, more than one tensor holds");
        }
        return (int) words;
    }

    /** The device address of t's first element; 0 (NULL) for no tensor. */
    private static long addr(Tensor t) {
        return t == null ? 0L : TensorInternals.deviceAddress(t) + t.offset() * t.dtype().byteSize();
    }
}
