package dev.gatun.backend;

import dev.gatun.backend.operand.AxisSplit;
import dev.gatun.backend.operand.ClassLabels;
import dev.gatun.backend.operand.MatrixLayout;
import dev.gatun.kernels.gemm.SgemmReference;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The reference backend: plain loops over any strides and dtypes, accumulating in double.
 * Always present; every faster backend is tested against it. It implements every op itself, the
 * composite ones included, so that their defaults are tested against it too.
 */
public final class ScalarBackend implements Backend, ScalarConvolution, ScalarPooling, ScalarBatchNorm,
        ScalarRecurrentCells {
    /** A scalar backend; it holds no state. */
    public ScalarBackend() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "scalar (plain Java loops, reference)";
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
        int m = c.dim(0), n = c.dim(1), k = GemmChecks.inner(transA, a);
        MatrixLayout la = MatrixLayout.of(a);
        MatrixLayout lb = MatrixLayout.of(b);
        if (c.dtype() == DType.FLOAT32 && la != null && lb != null) {
            // The kernels' plain triple loop: still scalar, but without a strided read per element.
            SgemmReference.sgemm(transA ^ la.transposed(), transB ^ lb.transposed(), m, n, k, (float) alpha,
                    a.segment(), la.offset(), la.ld(), b.segment(), lb.offset(), lb.ld(), (float) beta,
                    c.segment(), c.offset(), Math.max(n, 1));
            return;
        }
        int[] opA = {m, k};
        int[] opB = {k, n};
        Tensor av = transA ? a.transpose(0, 1) : a;
        Tensor bv = transB ? b.transpose(0, 1) : b;
        Elements.Reader ra = Elements.reader(av, opA);
        Elements.Reader rb = Elements.reader(bv, opB);
        MemorySegment cs = c.segment();
        DType dt = c.dtype();
        long co = c.offset();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += ra.at((long) i * k + p) * rb.at((long) p * n + j);
                }
                long idx = co + (long) i * n + j;
                double prior = beta == 0 ? 0 : beta * Elements.get(cs, dt, idx);
                Elements.set(cs, dt, idx, alpha * acc + prior);
            }
        }
    }

    @Override
    public void binaryUnchecked(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        int[] target = out.shape();
        Elements.Reader ra = Elements.reader(a, target);
        Elements.Reader rb = Elements.reader(b, target);
        MemorySegment os = out.segment();
        for (long i = 0, n = out.size(); i < n; i++) {
            Elements.set(os, out.dtype(), out.offset() + i, op.apply(ra.at(i), rb.at(i)));
        }
    }

    @Override
    public void unaryUnchecked(UnaryFn f, Tensor x, Tensor y) {
        Elements.Reader rx = Elements.reader(x, x.shape());
        MemorySegment ys = y.segment();
        for (long i = 0, n = y.size(); i < n; i++) {
            Elements.set(ys, y.dtype(), y.offset() + i, f.apply(rx.at(i)));
        }
    }

    @Override
    public void unaryBackwardUnchecked(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        int[] s = dx.shape();
        Elements.Reader rx = x == null ? null : Elements.reader(x, s);
        Elements.Reader ry = y == null ? null : Elements.reader(y, s);
        Elements.Reader rdy = Elements.reader(dy, s);
        MemorySegment out = dx.segment();
        for (long i = 0, n = dx.size(); i < n; i++) {
            double xv = rx == null ? Double.NaN : rx.at(i);
            double yv = ry == null ? Double.NaN : ry.at(i);
            Elements.set(out, dx.dtype(), dx.offset() + i, rdy.at(i) * f.derivative(xv, yv));
        }
    }

    @Override
    public void reduceUnchecked(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        AxisSplit split = AxisSplit.of(x, axis);
        Elements.Reader rx = Elements.reader(x, x.shape());
        MemorySegment ys = y.segment();
        for (int o = 0; o < split.outer(); o++) {
            for (int i = 0; i < split.inner(); i++) {
                double acc = op == ReduceOp.SUM ? 0 : Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int l = 0; l < split.len(); l++) {
                    double v = rx.at(((long) o * split.len() + l) * split.inner() + i);
                    if (op == ReduceOp.SUM) {
                        acc += v;
                    } else if (v > acc || (l == 0) || (Double.isNaN(v) && !Double.isNaN(acc))) {
                        acc = v;
                        arg = l;
                    }
                }
                long yi = (long) o * split.inner() + i;
                Elements.set(ys, y.dtype(), y.offset() + yi, acc);
                if (argOrNull != null) {
                    Elements.set(argOrNull.segment(), DType.INT32, argOrNull.offset() + yi, arg);
                }
            }
        }
    }

    @Override
    public void softmaxUnchecked(Tensor x, Tensor y, boolean log) {
        int cols = x.dim(-1);
        long rows = cols == 0 ? 0 : x.size() / cols;
        Elements.Reader rx = Elements.reader(x, x.shape());
        MemorySegment ys = y.segment();
        for (long r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, rx.at(r * cols + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(rx.at(r * cols + c) - max);
            }
            double logSum = Math.log(sum);
            for (int c = 0; c < cols; c++) {
                double z = rx.at(r * cols + c) - max;
                Elements.set(ys, y.dtype(), y.offset() + r * cols + c, log ? z - logSum : Math.exp(z) / sum);
            }
        }
    }

    @Override
    public void softmaxBackwardUnchecked(Tensor y, Tensor dy, Tensor dx, boolean log) {
        int cols = y.dim(-1);
        long rows = cols == 0 ? 0 : y.size() / cols;
        Elements.Reader ry = Elements.reader(y, y.shape());
        Elements.Reader rdy = Elements.reader(dy, y.shape());
        MemorySegment out = dx.segment();
        for (long r = 0; r < rows; r++) {
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                long i = r * cols + c;
                dot += log ? rdy.at(i) : rdy.at(i) * ry.at(i);
            }
            for (int c = 0; c < cols; c++) {
                long i = r * cols + c;
                double v = log ? rdy.at(i) - Math.exp(ry.at(i)) * dot : ry.at(i) * (rdy.at(i) - dot);
                Elements.set(out, dx.dtype(), dx.offset() + i, v);
            }
        }
    }

    @Override
    public double crossEntropyUnchecked(Tensor logits, Tensor labels, Tensor probs) {
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        Elements.Reader rx = Elements.reader(logits, logits.shape());
        Elements.Reader rl = Elements.reader(labels, labels.shape());
        MemorySegment ps = probs.segment();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int label = ClassLabels.check(rl.at(r), r, cols);
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, rx.at((long) r * cols + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(rx.at((long) r * cols + c) - max);
            }
            for (int c = 0; c < cols; c++) {
                double p = Math.exp(rx.at((long) r * cols + c) - max) / sum;
                Elements.set(ps, probs.dtype(), probs.offset() + (long) r * cols + c, p);
            }
            total += Math.log(sum) + max - rx.at((long) r * cols + label);
        }
        return total;
    }

    @Override
    public void crossEntropyBackwardUnchecked(Tensor probs, Tensor labels, double scale, Tensor dx) {
        int rows = probs.dim(0);
        int cols = probs.dim(1);
        Elements.Reader rp = Elements.reader(probs, probs.shape());
        Elements.Reader rl = Elements.reader(labels, labels.shape());
        MemorySegment out = dx.segment();
        for (int r = 0; r < rows; r++) {
            int label = ClassLabels.check(rl.at(r), r, cols);
            for (int c = 0; c < cols; c++) {
                long i = (long) r * cols + c;
                Elements.set(out, dx.dtype(), dx.offset() + i, (rp.at(i) - (c == label ? 1 : 0)) * scale);
            }
        }
    }

    @Override
    public void argmaxUnchecked(Tensor x, Tensor out) {
        int rows = x.dim(0);
        int cols = x.dim(1);
        Elements.Reader rx = Elements.reader(x, x.shape());
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bestV = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                double v = rx.at((long) r * cols + c);
                if (c == 0 || v > bestV) {
                    bestV = v;
                    best = c;
                }
            }
            Elements.set(out.segment(), DType.INT32, out.offset() + r, best);
        }
    }

    @Override
    public void axpbyUnchecked(double alpha, Tensor x, double beta, Tensor y) {
        Elements.Reader rx = Elements.reader(x, x.shape());
        MemorySegment ys = y.segment();
        for (long i = 0, n = y.size(); i < n; i++) {
            long yi = y.offset() + i;
            double prior = beta == 0 ? 0 : beta * Elements.get(ys, y.dtype(), yi);
            Elements.set(ys, y.dtype(), yi, alpha * rx.at(i) + prior);
        }
    }

    @Override
    public void clampUnchecked(Tensor x, double lo, double hi, Tensor y) {
        Elements.Reader rx = Elements.reader(x, x.shape());
        for (long i = 0, n = y.size(); i < n; i++) {
            Elements.set(y.segment(), y.dtype(), y.offset() + i, Math.min(Math.max(rx.at(i), lo), hi));
        }
    }

    @Override
    public void fill(Tensor y, double value) {
        MemorySegment ys = y.segment();
        int[] s = y.shape();
        long[] st = y.strides();
        for (long i = 0, n = y.size(); i < n; i++) {
            Elements.set(ys, y.dtype(), Elements.physical(s, st, y.offset(), i), value);
        }
    }

    @Override
    public void copyUnchecked(Tensor src, Tensor dst) {
        Elements.Reader rs = Elements.reader(src, src.shape());
        MemorySegment ds = dst.segment();
        int[] s = dst.shape();
        long[] st = dst.strides();
        for (long i = 0, n = dst.size(); i < n; i++) {
            Elements.set(ds, dst.dtype(), Elements.physical(s, st, dst.offset(), i), rs.at(i));
        }
    }

    @Override
    public void dropoutUnchecked(Tensor x, Tensor mask, Tensor y, double p, long seed) {
        Elements.Reader rx = Elements.reader(x, x.shape());
        float keepScale = (float) (1.0 / (1.0 - p));
        for (long i = 0, n = y.size(); i < n; i++) {
            double m = DropoutMask.keep(seed, i, p) ? keepScale : 0;
            Elements.set(mask.segment(), mask.dtype(), mask.offset() + i, m);
            Elements.set(y.segment(), y.dtype(), y.offset() + i, rx.at(i) * m);
        }
    }

    @Override
    public void adamStepUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                  double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        DType dt = param.dtype();
        for (long i = 0, n = param.size(); i < n; i++) {
            double p = Elements.get(param.segment(), dt, param.offset() + i);
            double g = Elements.get(grad.segment(), dt, grad.offset() + i);
            if (decoupled) {
                p *= 1 - lr * weightDecay;
            } else {
                g += weightDecay * p;
            }
            double mi = beta1 * Elements.get(m.segment(), dt, m.offset() + i) + (1 - beta1) * g;
            double vi = beta2 * Elements.get(v.segment(), dt, v.offset() + i) + (1 - beta2) * g * g;
            Elements.set(m.segment(), dt, m.offset() + i, mi);
            Elements.set(v.segment(), dt, v.offset() + i, vi);
            p -= lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps);
            Elements.set(param.segment(), dt, param.offset() + i, p);
        }
    }

    @Override
    public void sgdStepUnchecked(Tensor param, Tensor grad, Tensor buf, double lr, double momentum, double dampening,
                                 double weightDecay, boolean nesterov, boolean firstStep) {
        DType dt = param.dtype();
        for (long i = 0, n = param.size(); i < n; i++) {
            double p = Elements.get(param.segment(), dt, param.offset() + i);
            double g = Elements.get(grad.segment(), dt, grad.offset() + i) + weightDecay * p;
            if (momentum != 0) {
                double b = firstStep ? g : momentum * Elements.get(buf.segment(), dt, buf.offset() + i) + (1 - dampening) * g;
                Elements.set(buf.segment(), dt, buf.offset() + i, b);
                g = nesterov ? g + momentum * b : b;
            }
            Elements.set(param.segment(), dt, param.offset() + i, p - lr * g);
        }
    }

    @Override
    public void rmspropStepUnchecked(Tensor param, Tensor grad, Tensor squareAvg, Tensor buf, Tensor gradAvg,
                                     double lr, double alpha, double eps, double weightDecay, double momentum,
                                     boolean centered) {
        DType dt = param.dtype();
        for (long i = 0, n = param.size(); i < n; i++) {
            double p = Elements.get(param.segment(), dt, param.offset() + i);
            double g = Elements.get(grad.segment(), dt, grad.offset() + i) + weightDecay * p;
            double s = alpha * Elements.get(squareAvg.segment(), dt, squareAvg.offset() + i) + (1 - alpha) * g * g;
            Elements.set(squareAvg.segment(), dt, squareAvg.offset() + i, s);
            double avg;
            if (centered) {
                double ga = alpha * Elements.get(gradAvg.segment(), dt, gradAvg.offset() + i) + (1 - alpha) * g;
                Elements.set(gradAvg.segment(), dt, gradAvg.offset() + i, ga);
                avg = Math.sqrt(s - ga * ga) + eps;
            } else {
                avg = Math.sqrt(s) + eps;
            }
            if (momentum != 0) {
                double b = momentum * Elements.get(buf.segment(), dt, buf.offset() + i) + g / avg;
                Elements.set(buf.segment(), dt, buf.offset() + i, b);
                p -= lr * b;
            } else {
                p -= lr * g / avg;
            }
            Elements.set(param.segment(), dt, param.offset() + i, p);
        }
    }

    @Override
    public void adagradStepUnchecked(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay,
                                     double weightDecay, double eps, int step) {
        double clr = lr / (1 + (step - 1) * lrDecay);
        DType dt = param.dtype();
        for (long i = 0, n = param.size(); i < n; i++) {
            double p = Elements.get(param.segment(), dt, param.offset() + i);
            double g = Elements.get(grad.segment(), dt, grad.offset() + i) + weightDecay * p;
            double s = Elements.get(sum.segment(), dt, sum.offset() + i) + g * g;
            Elements.set(sum.segment(), dt, sum.offset() + i, s);
            Elements.set(param.segment(), dt, param.offset() + i, p - clr * g / (Math.sqrt(s) + eps));
        }
    }

    // ---- half precision -----------------------------------------------------------------------

    /** Element by element through {@link #copyUnchecked}, which rounds as {@code HalfBits} does. */
    @Override
    public void castUnchecked(Tensor src, Tensor dst) {
        copyUnchecked(src, dst);
    }

    /** The scalar definition, {@code HalfBits} element by element: the reference of the others. */
    @Override
    public void roundToHalfUnchecked(Precision precision, Tensor x, Tensor y) {
        HalfRoundingReference.round(precision, x, y);
    }
}
