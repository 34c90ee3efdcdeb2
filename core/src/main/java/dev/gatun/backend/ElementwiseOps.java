package dev.gatun.backend;

import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;

/**
 * Element-wise ops. Core: binary, unary, unaryBackward, clamp, fill, copy, dropout; axpby has a
 * default built from {@link #binary}.
 */
public interface ElementwiseOps {
    /**
     * out = a op b with NumPy broadcasting of a and b to out's shape. out may be a or b.
     *
     * @param op the operation
     * @param a the left operand, broadcast to out's shape
     * @param b the right operand, broadcast to out's shape
     * @param out the result; may be a or b
     */
    default void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        ElementwiseChecks.binary(op, a, b, out);
        binaryUnchecked(op, a, b, out);
    }

    /**
     * {@link #binary} on arguments it has checked.
     *
     * @param op the operation
     * @param a the left operand, broadcast to out's shape
     * @param b the right operand, broadcast to out's shape
     * @param out the result; may be a or b
     */
    void binaryUnchecked(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /**
     * y = f(x), same shape. y may be x.
     *
     * @param f the function, with its parameter
     * @param x the input
     * @param y the output, of x's shape; may be x
     */
    default void unary(UnaryFn f, Tensor x, Tensor y) {
        ElementwiseChecks.unary(f, x, y);
        unaryUnchecked(f, x, y);
    }

    /**
     * {@link #unary} on arguments it has checked.
     *
     * @param f the function, with its parameter
     * @param x the input
     * @param y the output, of x's shape; may be x
     */
    void unaryUnchecked(UnaryFn f, Tensor x, Tensor y);

    /**
     * dx = dy * f'(x) for the ops whose derivative {@link UnaryOp#backwardUsesOutput() uses} y
     * (sigmoid, tanh, exp) or x (the others); x and y are both passed, and the one not used may
     * be null.
     *
     * @param f the function, with its parameter
     * @param x the forward input; may be null when f's derivative uses y
     * @param y the forward output; may be null when f's derivative uses x
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x
     */
    default void unaryBackward(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        ElementwiseChecks.unaryBackward(f, x, y, dy, dx);
        unaryBackwardUnchecked(f, x, y, dy, dx);
    }

    /**
     * {@link #unaryBackward} on arguments it has checked.
     *
     * @param f the function, with its parameter
     * @param x the forward input; may be null when f's derivative uses y
     * @param y the forward output; may be null when f's derivative uses x
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x
     */
    void unaryBackwardUnchecked(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /**
     * y = alpha * x + beta * y, same shapes; beta == 0 overwrites y.
     *
     * @param alpha the factor of x
     * @param x the input, of y's shape
     * @param beta the factor of y; 0 overwrites y without reading it
     * @param y the output, also an input unless beta is 0
     */
    default void axpby(double alpha, Tensor x, double beta, Tensor y) {
        ElementwiseChecks.axpby(x, y);
        axpbyUnchecked(alpha, x, beta, y);
    }

    /**
     * {@link #axpby} on arguments it has checked. The default multiplies and adds with
     * {@link #binary} (a factor of 1 costs no pass): in float64 that is the reference's arithmetic
     * exactly (but for the sign of a zero), in float32 each pass rounds where the reference rounds
     * once.
     *
     * @param alpha the factor of x
     * @param x the input, of y's shape
     * @param beta the factor of y; 0 overwrites y without reading it
     * @param y the output, also an input unless beta is 0
     */
    default void axpbyUnchecked(double alpha, Tensor x, double beta, Tensor y) {
        try (Scope s = Scope.open("axpby")) {
            if (beta == 0) {
                binary(BinaryOp.MUL, x, ScalarOperand.of(this, y, alpha), y);
                return;
            }
            Tensor ax = x;
            if (alpha != 1) {
                ax = y.newEmpty(y.shape());
                binary(BinaryOp.MUL, x, ScalarOperand.of(this, y, alpha), ax);
            }
            if (beta != 1) {
                binary(BinaryOp.MUL, y, ScalarOperand.of(this, y, beta), y);
            }
            binary(BinaryOp.ADD, ax, y, y);
        }
    }

    /**
     * y = min(max(x, lo), hi), same shape; NaN stays NaN. y may be x.
     *
     * @param x the input
     * @param lo the lower bound
     * @param hi the upper bound
     * @param y the output, of x's shape; may be x
     */
    default void clamp(Tensor x, double lo, double hi, Tensor y) {
        ElementwiseChecks.clamp(x, lo, hi, y);
        clampUnchecked(x, lo, hi, y);
    }

    /**
     * {@link #clamp} on arguments it has checked.
     *
     * @param x the input
     * @param lo the lower bound
     * @param hi the upper bound
     * @param y the output, of x's shape; may be x
     */
    void clampUnchecked(Tensor x, double lo, double hi, Tensor y);

    /**
     * y = x rounded to the nearest value of {@code precision}'s 16-bit format (bfloat16, or float16
     * with its range: infinity past 65504), kept in float32: the operand a half-precision product
     * sees. x and y are float32 of one shape; y may be x. {@link Backend}'s default casts into a
     * 16-bit temporary and back on the tensors' device.
     *
     * @param precision {@link Precision#BF16} or {@link Precision#FP16}
     * @param x the input, float32
     * @param y the output, float32 of x's shape; may be x
     */
    default void roundToHalf(Precision precision, Tensor x, Tensor y) {
        ElementwiseChecks.roundToHalf(precision, x, y);
        roundToHalfUnchecked(precision, x, y);
    }

    /**
     * {@link #roundToHalf} on arguments it has checked.
     *
     * @param precision {@link Precision#BF16} or {@link Precision#FP16}
     * @param x the input, float32
     * @param y the output, float32 of x's shape; may be x
     */
    void roundToHalfUnchecked(Precision precision, Tensor x, Tensor y);

    /**
     * Sets every element of y (any dtype, any strides).
     *
     * @param y the tensor to fill
     * @param value the value written, converted to y's dtype
     */
    void fill(Tensor y, double value);

    /**
     * Copies src into dst of the same shape (any strides); converts dtype when they differ.
     *
     * @param src the source
     * @param dst the destination, of src's shape
     */
    default void copy(Tensor src, Tensor dst) {
        ElementwiseChecks.copy(src, dst);
        copyUnchecked(src, dst);
    }

    /**
     * {@link #copy} on arguments it has checked.
     *
     * @param src the source
     * @param dst the destination, of src's shape
     */
    void copyUnchecked(Tensor src, Tensor dst);

    /**
     * Inverted dropout: mask = 0 or 1/(1-p) from a counter-based RNG seeded by seed, y = x * mask.
     *
     * @param x the input
     * @param mask receives 0 or 1/(1-p) per element, of x's shape
     * @param y the output x·mask, of x's shape
     * @param p the probability of dropping an element, in [0, 1]
     * @param seed the seed the mask is drawn from
     */
    default void dropout(Tensor x, Tensor mask, Tensor y, double p, long seed) {
        ElementwiseChecks.dropout(x, mask, y, p);
        dropoutUnchecked(x, mask, y, p, seed);
    }

    /**
     * {@link #dropout} on arguments it has checked.
     *
     * @param x the input
     * @param mask receives 0 or 1/(1-p) per element, of x's shape
     * @param y the output x·mask, of x's shape
     * @param p the probability of dropping an element, in [0, 1]
     * @param seed the seed the mask is drawn from
     */
    void dropoutUnchecked(Tensor x, Tensor mask, Tensor y, double p, long seed);
}
