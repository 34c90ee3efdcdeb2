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

    /** One Adam/AdamW update of contiguous param, grad, m, v (see {@link dev.gatun.optim.Adam}). */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                  double eps, double weightDecay, boolean decoupled, int step);

    /** One SGD update (PyTorch semantics); momentumBufOrNull when momentum == 0. */
    void sgdStep(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                 double dampening, double weightDecay, boolean nesterov, boolean firstStep);
}
