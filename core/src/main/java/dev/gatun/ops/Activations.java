package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.UnaryOp;
import dev.gatun.tensor.Tensor;

/** Element-wise functions: relu, sigmoid, tanh, exp, log. */
public final class Activations {
    private Activations() {}

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return unary(UnaryOp.RELU, x);
    }

    /** 1 / (1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return unary(UnaryOp.SIGMOID, x);
    }

    /** tanh(x). */
    public static Tensor tanh(Tensor x) {
        return unary(UnaryOp.TANH, x);
    }

    /** e^x. */
    public static Tensor exp(Tensor x) {
        return unary(UnaryOp.EXP, x);
    }

    /** ln(x). */
    public static Tensor log(Tensor x) {
        return unary(UnaryOp.LOG, x);
    }

    /** y = op(x), recording dx = dy * op'(x). */
    public static Tensor unary(UnaryOp op, Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(op.name().toLowerCase(java.util.Locale.ROOT) + ": needs a float tensor, got "
                    + x.describe());
        }
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newEmpty(x.shape());
        be.unary(op, x, y);
        return Autograd.record(y, op.name().toLowerCase(java.util.Locale.ROOT), g -> {
            Tensor dx = x.newEmpty(x.shape());
            be.unaryBackward(op, x, y, g, dx);
            return new Tensor[] {dx};
        }, x);
    }
}
