package dev.gatun.backend;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.elementwise.Binary;
import dev.gatun.kernels.elementwise.Clamp;
import dev.gatun.kernels.elementwise.Dropout;
import dev.gatun.kernels.elementwise.Exp;
import dev.gatun.kernels.elementwise.Log;
import dev.gatun.kernels.elementwise.Relu;
import dev.gatun.kernels.elementwise.Scale;
import dev.gatun.kernels.elementwise.Sigmoid;
import dev.gatun.kernels.elementwise.Tanh;
import dev.gatun.kernels.gemm.Dgemm;
import dev.gatun.kernels.gemm.Sgemm;
import dev.gatun.kernels.optim.AdamStep;
import dev.gatun.kernels.optim.SgdStep;
import dev.gatun.kernels.reduce.Argmax;
import dev.gatun.kernels.reduce.AxisMax;
import dev.gatun.kernels.reduce.AxisSum;
import dev.gatun.kernels.reduce.CrossEntropy;
import dev.gatun.kernels.reduce.LogSoftmax;
import dev.gatun.kernels.reduce.Softmax;
import dev.gatun.kernels.Parallel;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The CPU backend: float32 on contiguous data runs the Vector API kernels of {@code kernels/};
 * GEMM also takes transposed views directly and runs float64 through {@link Dgemm}. Anything
 * else (float64 element-wise ops, odd strides) falls back to the scalar reference, which is
 * correct for every layout.
 */
public final class CpuBackend implements Backend {
    private final ScalarBackend reference = new ScalarBackend();

    @Override
    public String name() {
        return "cpu";
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
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        int[] mnk = MatrixLayout.gemmDims(transA, transB, a, b, c);
        Elements.requireFloatDType("gemm", c, a, b);
        Elements.requireContiguous("gemm", c);
        MatrixLayout la = MatrixLayout.of(a);
        MatrixLayout lb = MatrixLayout.of(b);
        if (la == null || lb == null) {
            reference.gemm(transA, transB, alpha, a, b, beta, c);
            return;
        }
        // A transposed view of a row-major matrix is that matrix with the transpose flag flipped.
        boolean ta = transA ^ la.transposed();
        boolean tb = transB ^ lb.transposed();
        int ldc = Math.max(mnk[1], 1);
        if (c.dtype() == DType.FLOAT32) {
            Sgemm.sgemm(ta, tb, mnk[0], mnk[1], mnk[2], (float) alpha, a.segment(), la.offset(), la.ld(),
                    b.segment(), lb.offset(), lb.ld(), (float) beta, c.segment(), c.offset(), ldc);
        } else {
            Dgemm.dgemm(ta, tb, mnk[0], mnk[1], mnk[2], alpha, a.segment(), la.offset(), la.ld(),
                    b.segment(), lb.offset(), lb.ld(), beta, c.segment(), c.offset(), ldc);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (!fast(out) || a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32) {
            reference.binary(op, a, b, out);
            return;
        }
        int[] target = out.shape();
        if (!Arrays.equals(Shape.broadcast(a.shape(), b.shape()), target)) {
            reference.binary(op, a, b, out); // reports the mismatch
            return;
        }
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
            reference.binary(op, a, b, out);
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
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        if (!fast(x, y) || !Arrays.equals(x.shape(), y.shape())) {
            reference.unary(op, x, y);
            return;
        }
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        long n = x.size();
        switch (op) {
            case RELU -> Relu.forward(xs, x.offset(), ys, y.offset(), n);
            case SIGMOID -> Sigmoid.forward(xs, x.offset(), ys, y.offset(), n);
            case TANH -> Tanh.forward(xs, x.offset(), ys, y.offset(), n);
            case EXP -> Exp.forward(xs, x.offset(), ys, y.offset(), n);
            case LOG -> Log.forward(xs, x.offset(), ys, y.offset(), n);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        boolean viaOutput = op.backwardUsesOutput();
        Tensor kept = viaOutput ? y : x;
        if (kept == null || !fast(kept, dy, dx) || !Arrays.equals(kept.shape(), dx.shape())
                || !Arrays.equals(dy.shape(), dx.shape())) {
            reference.unaryBackward(op, x, y, dy, dx);
            return;
        }
        long n = dx.size();
        switch (op) {
            case RELU -> Relu.backward(x.segment(), x.offset(), dy.segment(), dy.offset(), dx.segment(), dx.offset(), n);
            case SIGMOID -> Sigmoid.backward(y.segment(), y.offset(), dy.segment(), dy.offset(), dx.segment(), dx.offset(), n);
            case TANH -> Tanh.backward(y.segment(), y.offset(), dy.segment(), dy.offset(), dx.segment(), dx.offset(), n);
            case EXP -> Binary.apply(Binary.Op.MUL, dy.segment(), dy.offset(), 1, y.segment(), y.offset(), 1,
                    dx.segment(), dx.offset(), n);
            case LOG -> Binary.apply(Binary.Op.DIV, dy.segment(), dy.offset(), 1, x.segment(), x.offset(), 1,
                    dx.segment(), dx.offset(), n);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        if (!fast(x, y) || (argOrNull != null && !argOrNull.isContiguous())) {
            reference.reduce(op, x, axis, y, argOrNull);
            return;
        }
        AxisSplit s = AxisSplit.of(x, axis, y);
        if (op == ReduceOp.SUM) {
            AxisSum.run(x.segment(), x.offset(), s.outer(), s.len(), s.inner(), y.segment(), y.offset());
        } else {
            AxisMax.run(x.segment(), x.offset(), s.outer(), s.len(), s.inner(), y.segment(), y.offset(),
                    argOrNull == null ? null : argOrNull.segment(), argOrNull == null ? 0 : argOrNull.offset());
        }
    }

    @Override
    public void softmax(Tensor x, Tensor y, boolean log) {
        if (!fast(x, y) || !Arrays.equals(x.shape(), y.shape()) || x.rank() == 0) {
            reference.softmax(x, y, log);
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
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        if (!fast(y, dy, dx) || !Arrays.equals(y.shape(), dx.shape()) || !Arrays.equals(dy.shape(), dx.shape())
                || y.rank() == 0) {
            reference.softmaxBackward(y, dy, dx, log);
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
    public double crossEntropy(Tensor logits, Tensor labels, Tensor probs) {
        CrossEntropyShapes.check(logits, labels, probs);
        if (!fast(logits, probs) || !labels.isContiguous()) {
            return reference.crossEntropy(logits, labels, probs);
        }
        return CrossEntropy.forward(logits.segment(), logits.offset(), labels.segment(), labels.offset(),
                logits.dim(0), logits.dim(1), probs.segment(), probs.offset());
    }

    @Override
    public void crossEntropyBackward(Tensor probs, Tensor labels, double scale, Tensor dx) {
        if (!fast(probs, dx) || !labels.isContiguous() || !Arrays.equals(probs.shape(), dx.shape())) {
            reference.crossEntropyBackward(probs, labels, scale, dx);
            return;
        }
        CrossEntropy.backward(probs.segment(), probs.offset(), labels.segment(), labels.offset(), probs.dim(0),
                probs.dim(1), (float) scale, dx.segment(), dx.offset());
    }

    @Override
    public void argmax(Tensor x, Tensor out) {
        if (!fast(x) || x.rank() != 2 || out.rank() != 1 || out.dtype() != DType.INT32 || !out.isContiguous()
                || out.dim(0) != x.dim(0)) {
            reference.argmax(x, out);
            return;
        }
        Argmax.run(x.segment(), x.offset(), x.dim(0), x.dim(1), out.segment(), out.offset());
    }

    @Override
    public void axpby(double alpha, Tensor x, double beta, Tensor y) {
        if (!fast(x, y) || !Arrays.equals(x.shape(), y.shape())) {
            reference.axpby(alpha, x, beta, y);
            return;
        }
        Scale.axpby((float) alpha, x.segment(), x.offset(), (float) beta, y.segment(), y.offset(), y.size());
    }

    @Override
    public void clamp(Tensor x, double lo, double hi, Tensor y) {
        if (!fast(x, y) || !Arrays.equals(x.shape(), y.shape())) {
            reference.clamp(x, lo, hi, y);
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
    public void copy(Tensor src, Tensor dst) {
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()
                && Arrays.equals(src.shape(), dst.shape())) {
            long bytes = src.size() * src.dtype().byteSize();
            MemorySegment.copy(src.segment(), src.offset() * src.dtype().byteSize(), dst.segment(),
                    dst.offset() * dst.dtype().byteSize(), bytes);
            return;
        }
        reference.copy(src, dst);
    }

    @Override
    public void dropout(Tensor x, Tensor mask, Tensor y, double p, long seed) {
        if (!fast(x, mask, y) || !Arrays.equals(x.shape(), y.shape()) || !Arrays.equals(x.shape(), mask.shape())) {
            reference.dropout(x, mask, y, p, seed);
            return;
        }
        DropoutMask.check(p);
        Dropout.forward(x.segment(), x.offset(), mask.segment(), mask.offset(), y.segment(), y.offset(), x.size(),
                (float) p, seed);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, int step) {
        OptimizerShapes.check("adam", param, grad, m, v);
        if (!fast(param, grad, m, v)) {
            reference.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
            return;
        }
        AdamStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(), m.segment(), m.offset(),
                v.segment(), v.offset(), param.size(), lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor buf, double lr, double momentum, double dampening,
                        double weightDecay, boolean nesterov, boolean firstStep) {
        OptimizerShapes.check("sgd", param, grad, buf);
        if (!fast(param, grad, buf)) {
            reference.sgdStep(param, grad, buf, lr, momentum, dampening, weightDecay, nesterov, firstStep);
            return;
        }
        SgdStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(),
                buf == null ? null : buf.segment(), buf == null ? 0 : buf.offset(), param.size(), lr, momentum,
                dampening, weightDecay, nesterov, firstStep);
    }

    @Override
    public void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        CpuConvolution.conv2d(g, x, w, biasOrNull, y);
    }

    @Override
    public void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        CpuConvolution.conv2dBackwardData(g, dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        CpuConvolution.conv2dBackwardWeight(g, x, dy, dw, dbiasOrNull);
    }

    @Override
    public void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        CpuPooling.maxPool2d(g, x, y, argmax);
    }

    @Override
    public void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        CpuPooling.maxPool2dBackward(g, dy, argmax, dx);
    }

    @Override
    public void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        CpuPooling.avgPool2d(g, countIncludePad, x, y);
    }

    @Override
    public void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        CpuPooling.avgPool2dBackward(g, countIncludePad, dy, dx);
    }

    @Override
    public void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        CpuBatchNorm.batchNormTrain(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
    }

    @Override
    public void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double eps, Tensor y) {
        CpuBatchNorm.batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx, Tensor dgamma, Tensor dbeta) {
        CpuBatchNorm.batchNormBackward(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
    }

    @Override
    public void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        CpuRecurrentCells.lstmCell(gates, cPrev, c, h);
    }

    @Override
    public void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev) {
        CpuRecurrentCells.lstmCellBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
    }

    @Override
    public void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        CpuRecurrentCells.gruCell(xg, hg, hPrev, h, saved);
    }

    @Override
    public void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        CpuRecurrentCells.gruCellBackward(saved, hPrev, dh, dxg, dhg, dhPrev);
    }

    @Override
    public void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor buf, Tensor gradAvg, double lr,
                            double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        OptimizerShapes.check("rmsprop", param, grad, squareAvg, buf, gradAvg);
        if (!fast(param, grad, squareAvg, buf, gradAvg)) {
            reference.rmspropStep(param, grad, squareAvg, buf, gradAvg, lr, alpha, eps, weightDecay, momentum, centered);
            return;
        }
        dev.gatun.kernels.optim.RmspropStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(),
                squareAvg.segment(), squareAvg.offset(), buf == null ? null : buf.segment(),
                buf == null ? 0 : buf.offset(), gradAvg == null ? null : gradAvg.segment(),
                gradAvg == null ? 0 : gradAvg.offset(), param.size(), lr, alpha, eps, weightDecay, momentum,
                centered);
    }

    @Override
    public void adagradStep(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay, double weightDecay,
                            double eps, int step) {
        OptimizerShapes.check("adagrad", param, grad, sum);
        if (!fast(param, grad, sum)) {
            reference.adagradStep(param, grad, sum, lr, lrDecay, weightDecay, eps, step);
            return;
        }
        dev.gatun.kernels.optim.AdagradStep.run(param.segment(), param.offset(), grad.segment(), grad.offset(),
                sum.segment(), sum.offset(), param.size(), lr, lrDecay, weightDecay, eps, step);
    }
}
