package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The ops every backend implements, on tensors whose outputs the caller has allocated.
 *
 * <p>Backends do arithmetic only: no autograd, no allocation of results. Inputs may be strided
 * views unless a method says otherwise; outputs are contiguous. Float32 and float64 are
 * supported everywhere, int32 where a method says so. The scalar backend is the reference every
 * other backend is tested against.
 */
public interface Backend {
    /** Short name used by {@code gatun.backend}: scalar, cpu, cuda. */
    String name();

    /** One line for logs: name plus what it runs on. */
    String description();

    /** A fused whole-sequence recurrent layer, or null to run sequences step by step (the default). */
    default FusedRecurrence fusedRecurrence() {
        return null;
    }

    /** The device whose tensors this backend computes on: the host unless overridden. */
    default dev.gatun.tensor.Device device() {
        return dev.gatun.tensor.Device.CPU;
    }

    /**
     * C = alpha * op(A) * op(B) + beta * C for 2-D tensors; op transposes when asked. A and B may
     * be row-major or transposed views with unit stride in one axis; C is contiguous.
     */
    void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /** out = a op b with NumPy broadcasting of a and b to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** y = f(x), same shape. */
    void unary(UnaryOp op, Tensor x, Tensor y);

    /**
     * dx = dy * f'(x) for the ops whose derivative {@link UnaryOp#backwardUsesOutput() uses} y
     * (sigmoid, tanh, exp) or x (relu, log); x and y are both passed.
     */
    void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /**
     * Reduces {@code axis} of x into y (x's shape with that axis set to 1 or removed; same
     * element count either way). For MAX, {@code argOrNull} (int32, y's size) receives the index
     * of the first maximum along the axis.
     */
    void reduce(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull);

    /** Row-wise softmax (or log-softmax) over the last axis of a 2-D x. */
    void softmax(Tensor x, Tensor y, boolean log);

    /** Gradient of {@link #softmax} given its output y and upstream dy. */
    void softmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log);

    /**
     * Fused softmax cross-entropy: writes softmax(logits) into probs and returns the sum over rows
     * of -log p[label]. Labels are int32 [rows] in [0, classes).
     */
    double crossEntropy(Tensor logits, Tensor labels, Tensor probs);

    /** dx = (probs - onehot(labels)) * scale. */
    void crossEntropyBackward(Tensor probs, Tensor labels, double scale, Tensor dx);

    /** Row-wise index of the first maximum of a 2-D x, into int32 out [rows]. */
    void argmax(Tensor x, Tensor out);

    /** y = alpha * x + beta * y, same shapes; beta == 0 overwrites y. */
    void axpby(double alpha, Tensor x, double beta, Tensor y);

    /** y = min(max(x, lo), hi), same shape; NaN stays NaN. y may be x. */
    void clamp(Tensor x, double lo, double hi, Tensor y);

    /** Sets every element of y (any dtype). */
    void fill(Tensor y, double value);

    /** Copies src into dst of the same shape; converts dtype when they differ. */
    void copy(Tensor src, Tensor dst);

    /** Inverted dropout: mask = 0 or 1/(1-p) from a counter-based RNG seeded by seed, y = x * mask. */
    void dropout(Tensor x, Tensor mask, Tensor y, double p, long seed);

    // ---- Convolution (NCHW; see Conv2dGeometry for the shapes) ----

    /** y = conv2d(x, w) + b; biasOrNull may be null. y is overwritten. */
    void conv2d(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y);

    /** dx = the gradient of conv2d with respect to x, given dy; dx is overwritten. */
    void conv2dBackwardData(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx);

    /** dw (and dbias = Σ dy over batch and pixels, when not null) given x and dy; both overwritten. */
    void conv2dBackwardWeight(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull);

    // ---- Pooling (NCHW; see Pool2dGeometry) ----

    /**
     * Max pooling. argmax (int32, y's shape) receives the index h·inW + w, within its input plane,
     * of the first maximum of each window; padding never wins. NaN propagates.
     */
    void maxPool2d(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax);

    /** dx = dy scattered to the argmax positions (overlapping windows add); dx is overwritten. */
    void maxPool2dBackward(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx);

    /** Average pooling; the divisor counts padded positions when countIncludePad (PyTorch's default). */
    void avgPool2d(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y);

    /** Gradient of {@link #avgPool2d}; dx is overwritten. */
    void avgPool2dBackward(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx);

    // ---- Batch normalization (x is [N, C] or [N, C, ...]; statistics per channel, axis 1) ----

    /**
     * Training-mode batch norm, as cuDNN's ForwardTraining: y = (x − mean)·invStd·gamma + beta with
     * the batch's biased variance; saveMean and saveInvStd [C] receive mean and 1/√(var + eps);
     * runningMean/runningVar [C] (may be null) are updated in place as
     * r = (1 − momentum)·r + momentum·batch value, with the unbiased variance (PyTorch's rule).
     */
    void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum,
                        Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /** Evaluation-mode batch norm with the running statistics: y = (x − rm)/√(rv + eps)·gamma + beta. */
    void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                            double eps, Tensor y);

    /** Gradients of {@link #batchNormTrain} (batch statistics): dx, dgamma, dbeta, all overwritten. */
    void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy,
                           Tensor dx, Tensor dgamma, Tensor dbeta);

    // ---- Recurrent cells: the pointwise part of one time step; the GEMMs are separate calls ----

    /**
     * LSTM step. gates [B, 4H] holds the pre-activations x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh in gate
     * order i, f, g, o (PyTorch's and cuDNN's) and is overwritten with σ(i), σ(f), tanh(g), σ(o);
     * then c = f·cPrev + i·g and h = o·tanh(c). cPrev, c, h are [B, H].
     */
    void lstmCell(Tensor gates, Tensor cPrev, Tensor c, Tensor h);

    /**
     * Backward of {@link #lstmCell} given its activated gates, cPrev and c. dh and dc are the
     * gradients reaching h and c (dc from the next step; may be null for none). Writes dGates
     * [B, 4H] (pre-activation gradients) and dcPrev [B, H].
     */
    void lstmCellBackward(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates, Tensor dcPrev);

    /**
     * GRU step, PyTorch's and cuDNN's formulation with gate order r, z, n: xg = x·W_ihᵀ + b_ih and
     * hg = h·W_hhᵀ + b_hh are [B, 3H]; r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn),
     * h = (1 − z)·n + z·hPrev. saved [B, 4H] receives r, z, n, hn for the backward pass.
     */
    void gruCell(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved);

    /**
     * Backward of {@link #gruCell}: from saved, hPrev and dh writes dxg [B, 3H] (the gradient of
     * the input projection), dhg [B, 3H] (of the hidden projection) and dhPrev [B, H] (the direct
     * path z·dh only; the caller adds dhg·W_hh).
     */
    void gruCellBackward(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev);

    // ---- Optimizer steps (PyTorch semantics), in place ----

    /** One Adam/AdamW update of contiguous param, grad, m, v (see {@link dev.gatun.optim.Adam}). */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                  double eps, double weightDecay, boolean decoupled, int step);

    /** One SGD update (PyTorch semantics); momentumBufOrNull when momentum == 0. */
    void sgdStep(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                 double dampening, double weightDecay, boolean nesterov, boolean firstStep);

    /**
     * One RMSprop update (PyTorch semantics, see {@link dev.gatun.optim.Rmsprop}) of contiguous
     * param, grad and squareAvg; momentumBufOrNull when momentum == 0, gradAvgOrNull unless centered.
     */
    void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull, Tensor gradAvgOrNull,
                     double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered);

    /** One Adagrad update (PyTorch semantics, see {@link dev.gatun.optim.Adagrad}); step is 1 on the first call. */
    void adagradStep(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay, double weightDecay, double eps,
                     int step);
}
