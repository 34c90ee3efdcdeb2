package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.tensor.Tensor;

/** Element-wise functions: relu, sigmoid, tanh, exp, log, and any {@link UnaryOp} through {@link #unary}. */
public final class Activations {
    private Activations() {}

    /**
     * {@return max(x, 0), element-wise}
     *
     * @param x the input
     */
    public static Tensor relu(Tensor x) {
        return unary(UnaryOp.RELU, x);
    }

    /**
     * {@return 1 / (1 + e^-x), element-wise}
     *
     * @param x the input
     */
    public static Tensor sigmoid(Tensor x) {
        return unary(UnaryOp.SIGMOID, x);
    }

    /**
     * {@return tanh(x), element-wise}
     *
     * @param x the input
     */
    public static Tensor tanh(Tensor x) {
        return unary(UnaryOp.TANH, x);
    }

    /**
     * {@return e^x, element-wise}
     *
     * @param x the input
     */
    public static Tensor exp(Tensor x) {
        return unary(UnaryOp.EXP, x);
    }

    /**
     * {@return ln(x), element-wise}
     *
     * @param x the input
     */
    public static Tensor log(Tensor x) {
        return unary(UnaryOp.LOG, x);
    }

    /**
     * y = op(x) with the op's default parameter, recording dx = dy * op'(x).
     *
     * @param op the operation
     * @param x the input
     * @return a new tensor of x's shape
     */
    public static Tensor unary(UnaryOp op, Tensor x) {
        return unary(UnaryFn.of(op), x);
    }

    /**
     * y = f(x), recording dx = dy * f'(x).
     *
     * @param f the function, with its parameter
     * @param x the input
     * @return a new tensor of x's shape
     */
    public static Tensor unary(UnaryFn f, Tensor x) {
        String name = f.op().name().toLowerCase(java.util.Locale.ROOT);
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": needs a float tensor, got " + x.describe());
        }
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newEmpty(x.shape());
        be.unary(f, x, y);
        return Autograd.record(y, name, g -> {
            Tensor dx = x.newEmpty(x.shape());
            be.unaryBackward(f, x, y, g, dx);
            return new Tensor[] {dx};
        }, x);
    }
}
