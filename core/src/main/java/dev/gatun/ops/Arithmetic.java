package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * Broadcasting element-wise arithmetic. Gradients of broadcast operands are summed back to
 * their own shapes.
 */
public final class Arithmetic {
    private Arithmetic() {}

    private static Tensor compute(BinaryOp op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op.name().toLowerCase(java.util.Locale.ROOT) + ": dtype mismatch "
                    + a.describe() + " vs " + b.describe());
        }
        // binary writes every element of out, and axpby with beta = 0 never reads it: both start empty.
        Tensor out = a.newEmpty(Shape.broadcast(a.shape(), b.shape()));
        BackendRegistry.of(a).binary(op, a, b, out);
        return out;
    }

    /**
     * {@return a + b, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     */
    public static Tensor add(Tensor a, Tensor b) {
        return Autograd.record(compute(BinaryOp.ADD, a, b), "add",
                g -> new Tensor[] {Autograd.sumToShape(g, a.shape()), Autograd.sumToShape(g, b.shape())}, a, b);
    }

    /**
     * {@return a - b, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     */
    public static Tensor sub(Tensor a, Tensor b) {
        return Autograd.record(compute(BinaryOp.SUB, a, b), "sub",
                g -> new Tensor[] {Autograd.sumToShape(g, a.shape()),
                                   b.requiresGrad() ? Autograd.sumToShape(g.neg(), b.shape()) : null}, a, b);
    }

    /**
     * {@return a * b, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     */
    public static Tensor mul(Tensor a, Tensor b) {
        return Autograd.record(compute(BinaryOp.MUL, a, b), "mul",
                g -> new Tensor[] {a.requiresGrad() ? Autograd.sumToShape(g.mul(b), a.shape()) : null,
                                   b.requiresGrad() ? Autograd.sumToShape(g.mul(a), b.shape()) : null}, a, b);
    }

    /**
     * {@return a / b, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand, broadcast against a
     */
    public static Tensor div(Tensor a, Tensor b) {
        return Autograd.record(compute(BinaryOp.DIV, a, b), "div", g -> {
            Tensor da = a.requiresGrad() ? Autograd.sumToShape(g.div(b), a.shape()) : null;
            // d(a/b)/db = -a/b²
            Tensor db = b.requiresGrad() ? Autograd.sumToShape(g.mul(a).div(b.mul(b)).neg(), b.shape()) : null;
            return new Tensor[] {da, db};
        }, a, b);
    }

    /**
     * {@return x * c for a constant c}
     *
     * @param x the tensor
     * @param c the constant
     */
    public static Tensor scale(Tensor x, double c) {
        Backend be = BackendRegistry.of(x);
        Tensor out = x.newEmpty(x.shape());
        be.axpby(c, x, 0, out);
        return Autograd.record(out, "scale", g -> new Tensor[] {scale(g, c)}, x);
    }
}
