package dev.gatun.backend;

import dev.gatun.backend.operand.AxisSplit;
import dev.gatun.backend.operand.MatrixLayout;
import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.elementwise.Binary;
import dev.gatun.kernels.elementwise.Clamp;
import dev.gatun.kernels.elementwise.Dropout;
import dev.gatun.kernels.elementwise.Elu;
import dev.gatun.kernels.elementwise.Exp;
import dev.gatun.kernels.elementwise.Gelu;
import dev.gatun.kernels.elementwise.GeluTanh;
import dev.gatun.kernels.elementwise.LeakyRelu;
import dev.gatun.kernels.elementwise.Log;
import dev.gatun.kernels.elementwise.Relu;
import dev.gatun.kernels.elementwise.Scale;
import dev.gatun.kernels.elementwise.Sigmoid;
import dev.gatun.kernels.elementwise.Silu;
import dev.gatun.kernels.elementwise.Softplus;
import dev.gatun.kernels.elementwise.StagedActivation;
import dev.gatun.kernels.elementwise.Tanh;
import dev.gatun.kernels.gemm.Dgemm;
import dev.gatun.kernels.gemm.Sgemm;
import dev.gatun.kernels.half.HalfConversion;
import dev.gatun.kernels.half.HalfRounding;
import dev.gatun.kernels.optim.AdamStep;
import dev.gatun.kernels.optim.SgdStep;
import dev.gatun.kernels.reduce.Argmax;
import dev.gatun.kernels.reduce.AxisMax;
import dev.gatun.kernels.reduce.AxisSum;
import dev.gatun.kernels.reduce.CrossEntropy;
import dev.gatun.kernels.reduce.LogSoftmax;
import dev.gatun.kernels.reduce.Softmax;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The CPU backend: float32 on contiguous data runs the Vector API kernels of {@code kernels/};
 * GEMM also takes transposed views directly and runs float64 through {@link Dgemm}. Anything
 * else (float64 element-wise ops, odd strides) falls back to the scalar reference, which is
 * correct for every layout. The convolution, pooling, batch-norm and cell ops come from
 * {@link CpuConvolution}, {@link CpuPooling}, {@link CpuBatchNorm} and {@link CpuRecurrentCells},
 * recurrent layers from {@link CpuRecurrence}.
 */
public final class CpuBackend implements Backend, CpuConvolution, CpuPooling, CpuBatchNorm, CpuRecurrentCells {
    private final ScalarBackend reference = new ScalarBackend();
    private final CpuRecurrence recurrence = new CpuRecurrence(this);

    /** A CPU backend with its own scalar reference and recurrence. */
    public CpuBackend() {}

    @Override
    public String name() {
        return "cpu";
    }

    /** Packed W_hh and the batch's rows over the threads; see {@link CpuRecurrence}. */
    @Override
    public FusedRecurrence fusedRecurrence() {
        return recurrence;
    }

    @Override
    public String description() {
        return "cpu (Vector API kernels, " + Simd.describe() + ", " + Parallel.THREADS + " threads)";
    }

    private static boolean fast(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && (t.dtype() != DType.FLOAT32 || !t.isContiguous())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void gemmUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        if (a.dtype().isHalf()) {
            // Widened to float32 first: the products and sums are then float32's, as on CUDA.
            try (Scope s = Scope.open("gemm of halves")) {
                gemmUnchecked(transA, transB, alpha, GemmChecks.widened(this, a), GemmChecks.widened(this, b), beta, c);
            }
            return;
        }
        MatrixLayout la = MatrixLayout.of(a);
        MatrixLayout lb = MatrixLayout.of(b);
        if (la == null || lb == null) {
            reference.gemmUnchecked(transA, transB, alpha, a, b, beta, c);
            return;
        }
        // A transposed view of a row-major matrix is that matrix with the transpose flag flipped.
        boolean ta = transA ^ la.transposed();
        boolean tb = transB ^ lb.transposed();
        int m = c.dim(0), n = c.dim(1), k = GemmChecks.inner(transA, a);
        int ldc = Math.max(n, 1);
        if (c.dtype() == DType.FLOAT32) {
            Sgemm.sgemm(ta, tb, m, n, k, (float) alpha, a.segment(), la.offset(), la.ld(),
                    b.segment(), lb.offset(), lb.ld(), (float) beta, c.segment(), c.offset(), ldc);
        } else {
            Dgemm.dgemm(ta, tb, m, n, k, alpha, a.segment(), la.offset(), la.ld(),
                    b.segment(), lb.offset(), lb.ld(), beta, c.segment(), c.offset(), ldc);
        }
    }

    @Override
    public void gemmAddRowUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, Tensor row,
                                    Tensor c) {
        MatrixLayout la = MatrixLayout.of(a);
        MatrixLayout lb = MatrixLayout.of(b);
        if (c.dtype() != DType.FLOAT32 || a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32 || la == null
                || lb == null || (row.dim(0) > 1 && row.strides()[0] != 1)) {
            Backend.super.gemmAddRowUnchecked(transA, transB, alpha, a, b, row, c);
            return;
        }
        int m = c.dim(0), n = c.dim(1), k = GemmChecks.inner(transA, a);
        Sgemm.sgemmAddRow(transA ^ la.transposed(), transB ^ lb.transposed(), m, n, k, (float) alpha, a.segment(),
                la.offset(), la.ld(), b.segment(), lb.offset(), lb.ld(), row.segment(), row.offset(), c.segment(),
                c.offset(), Math.max(n, 1));
    }

    @Override
    public void binaryUnchecked(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (!fast(out) || a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32) {
            reference.binaryUnchecked(op, a, b, out);
            return;
        }
        int[] target = out.shape();
        Binary.Op kop = Binary.Op.valueOf(op.name());
        long n = out.size();
        if (n == 0) {
            return;
        }
        // Whole-tensor runs: same-shape contiguous operands, or one side a single element.
        int aStep = a.size() == 1 ? 0 : 1;
        int bStep = b.size() == 1 ? 0 : 1;
        if ((aStep == 0 || (a.isContiguous() && a.size() == n)) && (bStep == 0 || (b.isContiguous() && b.size() == n))) {
            Binary.apply(kop, a.segment(), a.offset(), aStep, b.segment(), b.offset(), bStep,
                    out.segment(), out.offset(), n);
            return;
        }
        // Otherwise walk the outer axes and hand the kernel one innermost row at a time, which
        // covers bias rows ([N, M] + [M]) and per-row scalars ([N, M] * [N, 1]).
        int rank = target.length;
        int cols = target[rank - 1];
        long[] sa = Shape.broadcastStrides(a.shape(), a.strides(), target);
        long[] sb = Shape.broadcastStrides(b.shape(), b.strides(), target);
        if ((sa[rank - 1] != 0 && sa[rank - 1] != 1) || (sb[rank - 1] != 0 && sb[rank - 1] != 1)) {
            reference.binaryUnchecked(op, a, b, out);
            return;
        }
        long rows = n / cols;
        int[] outer = Arrays.copyOf(target, rank - 1);
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        // Rows go to threads in contiguous ranges (a row's own kernel call then stays on its
        // thread): one thread walking an LSTM's [1792, 512] bias rows took 4.7% of its training step.
        int threads = n < BROADCAST_ROWS_PARALLEL_MIN ? 1 : (int) Math.min(Parallel.THREADS, rows);
        Parallel.forEach(threads, t -> {
            for (long r = rows * t / threads; r < rows * (t + 1) / threads; r++) {
                long ao = Elements.physical(outer, sa, a.offset(), r);
                long bo = Elements.physical(outer, sb, b.offset(), r);
                Binary.apply(kop, as, ao, (int) sa[rank - 1], bs, bo, (int) sb[rank - 1], os, out.offset() + r * cols, cols);
            }
        });
    }

    /** Fewest output elements for which a row-by-row broadcast binary op splits its rows over the threads. */
    private static final long BROADCAST_ROWS_PARALLEL_MIN = 1 << 16;

    @Override
    public void unaryUnchecked(UnaryFn f, Tensor x, Tensor y) {
        if (!fast(x, y)) {
            reference.unaryUnchecked(f, x, y);
            return;
        }
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        long xo = x.offset();
        long yo = y.offset();
        long n = x.size();
        Runnable kernel = switch (f.op()) {
            case RELU -> () -> Relu.forward(xs, xo, ys, yo, n);
            case SIGMOID -> () -> Sigmoid.forward(xs, xo, ys, yo, n);
            case TANH -> () -> Tanh.forward(xs, xo, ys, yo, n);
            case EXP -> () -> Exp.forward(xs, xo, ys, yo, n);
            case LOG -> () -> Log.forward(xs, xo, ys, yo, n);
            case GELU, GELU_TANH, LEAKY_RELU, ELU, SILU, SOFTPLUS ->
                    () -> staged(f.op()).forward(xs, xo, ys, yo, n, (float) f.parameter());
        };
        kernel.run();
    }

    @Override
    public void unaryBackwardUnchecked(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        UnaryOp op = f.op();
        Tensor kept = op.backwardUsesOutput() ? y : x;
        if (!fast(kept, dy, dx)) {
            reference.unaryBackwardUnchecked(f, x, y, dy, dx);
            return;
        }
        MemorySegment ks = kept.segment();
        MemorySegment gs = dy.segment();
        MemorySegment ds = dx.segment();
        long ko = kept.offset();
        long go = dy.offset();
        long o = dx.offset();
        long n = dx.size();
        Runnable kernel = switch (op) {
            case RELU -> () -> Relu.backward(ks, ko, gs, go, ds, o, n);
            case SIGMOID -> () -> Sigmoid.backward(ks, ko, gs, go, ds, o, n);
            case TANH -> () -> Tanh.backward(ks, ko, gs, go, ds, o, n);
            case EXP -> () -> Binary.apply(Binary.Op.MUL, gs, go, 1, ks, ko, 1, ds, o, n);
            case LOG -> () -> Binary.apply(Binary.Op.DIV, gs, go, 1, ks, ko, 1, ds, o, n);
            case GELU, GELU_TANH, LEAKY_RELU, ELU, SILU, SOFTPLUS ->
                    () -> staged(op).backward(ks, ko, gs, go, ds, o, n, (float) f.parameter());
        };
        kernel.run();
    }

    /** The kernel of an activation computed by a {@link StagedActivation}; null for the others. */
    private static StagedActivation staged(UnaryOp op) {
        return switch (op) {
            case GELU -> Gelu.KERNEL;
            case GELU_TANH -> GeluTanh.KERNEL;
            case LEAKY_RELU -> LeakyRelu.KERNEL;
            case ELU -> Elu.KERNEL;
            case SILU -> Silu.KERNEL;
            case SOFTPLUS -> Softplus.KERNEL;
            case RELU, SIGMOID, TANH, EXP, LOG -> null;
        };
    }

    @Override
    public void reduceUnchecked(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        if (!fast(x, y)) {
            reference.reduceUnchecked(op, x, axis, y, argOrNull);
            return;
        }
        AxisSplit s = AxisSplit.of(x, axis);
        if (op == ReduceOp.SUM) {
            AxisSum.run(x.segment(), x.offset(), s.outer(), s.len(), s.inner(), y.segment(), y.offset());
        } else {
            AxisMax.run(x.segment(), x.offset(), s.outer(), s.len(), s.inner(), y.segment(), y.offset(),
                    argOrNull == null ? null : argOrNull.segment(), argOrNull == null ? 0 : argOrNull.offset());
        }
    }

    @Override
    public void softmaxUnchecked(Tensor x, Tensor y, boolean log) {
        if (!fast(x, y)) {
            reference.softmaxUnchecked(x, y, log);
            return;
        }
        int cols = x.dim(-1);
        int rows = cols == 0 ? 0 : Math.toIntExact(x.size() / cols);
        if (log) {
            LogSoftmax.forward(x.segment(), x.offset(), rows, cols, y.segment(), y.offset());
        } else {
            Softmax.forward(x.segment(), x.offset(), rows, cols, y.segment(), y.offset());
        }
    }

    @Override
    public void softmaxBackwardUnchecked(Tensor y, Tensor dy, Tensor dx, boolean log) {
        if (!fast(y, dy, dx)) {
            reference.softmaxBackwardUnchecked(y, dy, dx, log);
            return;
        }
        int cols = y.dim(-1);
        int rows = cols == 0 ? 0 : Math.toIntExact(y.size() / cols);
        if (log) {
            LogSoftmax.backward(y.segment(), y.offset(), dy.segment(), dy.offset(), dx.segment(), dx.offset(), rows, cols);
        } else {
            Softmax.backward(y.segment(), y.offset(), dy.segment(), dy.offset(), dx.segment(), dx.offset(), rows, cols);
        }
    }

    @Override
    public double crossEntropyUnchecked(Tensor logits, Tensor labels, Tensor probs) {
        if (!fast(logits, probs) || !labels.isContiguous()) {
            return reference.crossEntropyUnchecked(logits, labels, probs);
        }
        return CrossEntropy.forward(logits.segment(), logits.offset(), labels.segment(), labels.offset(),
                logits.dim(0), logits.dim(1), probs.segment(), probs.offset());
    }

    @Override
    public void crossEntropyBackwardUnchecked(Tensor probs, Tensor labels, double scale, Tensor dx) {
        if (!fast(probs, dx) || !labels.isContiguous()) {
            reference.crossEntropyBackwardUnchecked(probs, labels, scale, dx);
            return;
        }
        CrossEntropy.backward(probs.segment(), probs.offset(), labels.segment(), labels.offset(), probs.dim(0),
                probs.dim(1), (float) scale, dx.segment(), dx.offset());
    }

    @Override
    public void argmaxUnchecked(Tensor x, Tensor out) {
        if (!fast(x)) {
            reference.argmaxUnchecked(x, out);
            return;
        }
        Argmax.run(x.segment(), x.offset(), x.dim(0), x.dim(1), out.segment(), out.offset());
    }

    @Override
    public void axpbyUnchecked(double alpha, Tensor x, double beta, Tensor y) {
        if (!fast(x, y)) {
            reference.axpbyUnchecked(alpha, x, beta, y);
            return;
        }
        Scale.axpby((float) alpha, x.segment(), x.offset(), (float) beta, y.segment(), y.offset(), y.size());
    }

    @Override
    public void roundToHalfUnchecked(Precision precision, Tensor x, Tensor y) {
        if (!x.isContiguous()) {
            HalfRoundingReference.round(precision, x, y);
            return;
        }
        switch (precision) {
            case BF16 -> HalfRounding.bf16(x.segment(), x.offset(), y.segment(), y.offset(), x.size());
            case FP16 -> HalfRounding.fp16(x.segment(), x.offset(), y.segment(), y.offset(), x.size());
            case FP32, TF32 -> throw new IllegalArgumentException("roundToHalf: " + precision + " is not a 16-bit format");
        }
    }

    @Override
    public void clampUnchecked(Tensor x, double lo, double hi, Tensor y) {
        if (!fast(x, y)) {
            reference.clampUnchecked(x, lo, hi, y);
            return;
        }
        Clamp.forward(x.segment(), x.offset(), y.segment(), y.offset(), x.size(), (float) lo, (float) hi);
    }

    @Override
    public void fill(Tensor y, double value) {
        if (!fast(y)) {
            reference.fill(y, value);
            return;
        }
        Scale.fill(y.segment(), y.offset(), y.size(), (float) value);
    }

    @Override
    public void copyUnchecked(Tensor src, Tensor dst) {
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            long bytes = src.size() * src.dtype().byteSize();
            MemorySegment.copy(src.segment(), src.offset() * src.dtype().byteSize(), dst.segment(),
                    dst.offset() * dst.dtype().byteSize(), bytes);
            return;
        }
        reference.copyUnchecked(src, dst);
    }

    @Override
    public void dropoutUnchecked(Tensor x, Tensor mask, Tensor y, double p, long seed) {
        if (!fast(x, mask, y)) {
            reference.dropoutUnchecked(x, mask, y, p, seed);
            return;
        }
        Dropout.forward(x.segment(), x.offset(), mask.segment(), mask.offset(), y.segment(), y.offset(), x.size(),
                (float) p, seed);
    }

    @Override
    public void adamStepUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                  double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        if (!fast(param, grad, m, v)) {
            reference.adamStepUnchecked(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
            return;
        }
        AdamStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(), m.segment(), m.offset(),
                v.segment(), v.offset(), param.size(), lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override
    public void sgdStepUnchecked(Tensor param, Tensor grad, Tensor buf, double lr, double momentum, double dampening,
                                 double weightDecay, boolean nesterov, boolean firstStep) {
        if (!fast(param, grad, buf)) {
            reference.sgdStepUnchecked(param, grad, buf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
            return;
        }
        SgdStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(),
                buf == null ? null : buf.segment(), buf == null ? 0 : buf.offset(), param.size(), lr, momentum,
                dampening, weightDecay, nesterov, firstStep);
    }

    @Override
    public void rmspropStepUnchecked(Tensor param, Tensor grad, Tensor squareAvg, Tensor buf, Tensor gradAvg,
                                     double lr, double alpha, double eps, double weightDecay, double momentum,
                                     boolean centered) {
        if (!fast(param, grad, squareAvg, buf, gradAvg)) {
            reference.rmspropStepUnchecked(param, grad, squareAvg, buf, gradAvg, lr, alpha, eps, weightDecay, momentum, centered);
            return;
        }
        dev.gatun.kernels.optim.RmspropStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(),
                squareAvg.segment(), squareAvg.offset(), buf == null ? null : buf.segment(),
                buf == null ? 0 : buf.offset(), gradAvg == null ? null : gradAvg.segment(),
                gradAvg == null ? 0 : gradAvg.offset(), param.size(), lr, alpha, eps, weightDecay, momentum,
                centered);
    }

    @Override
    public void adagradStepUnchecked(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay,
                                     double weightDecay, double eps, int step) {
        if (!fast(param, grad, sum)) {
            reference.adagradStepUnchecked(param, grad, sum, lr, lrDecay, weightDecay, eps, step);
            return;
        }
        dev.gatun.kernels.optim.AdagradStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(),
                sum.segment(), sum.offset(), param.size(), lr, lrDecay, weightDecay, eps, step);
    }

    // ---- half precision -----------------------------------------------------------------------

    /** Contiguous float32 to or from a half runs {@link HalfConversion}; the rest the reference. */
    @Override
    public void castUnchecked(Tensor src, Tensor dst) {
        DType from = src.dtype();
        DType to = dst.dtype();
        if (from == to || !src.isContiguous()) {
            if (from == to) {
                copyUnchecked(src, dst);
            } else {
                reference.castUnchecked(src, dst);
            }
            return;
        }
        MemorySegment s = src.segment();
        MemorySegment d = dst.segment();
        long so = src.offset();
        long o = dst.offset();
        long n = src.size();
        if (from == DType.FLOAT32 && to == DType.BFLOAT16) {
            HalfConversion.toBf16(s, so, d, o, n);
        } else if (from == DType.FLOAT32 && to == DType.FLOAT16) {
            HalfConversion.toFp16(s, so, d, o, n);
        } else if (from == DType.BFLOAT16 && to == DType.FLOAT32) {
            HalfConversion.fromBf16(s, so, d, o, n);
        } else if (from == DType.FLOAT16 && to == DType.FLOAT32) {
            HalfConversion.fromFp16(s, so, d, o, n);
        } else {
            reference.castUnchecked(src, dst);
        }
    }
}
