package dev.gatun.nn;

import dev.gatun.backend.UnaryOp;
import dev.gatun.ops.Activations;
import dev.gatun.tensor.Tensor;

/** An element-wise activation as a layer: {@code new Activation(UnaryOp.RELU)} or the factories. */
public final class Activation extends Module {
    private final UnaryOp op;

    /** The layer applying {@code op}. */
    public Activation(UnaryOp op) {
        this.op = op;
    }

    /** ReLU layer. */
    public static Activation relu() {
        return new Activation(UnaryOp.RELU);
    }

    /** Sigmoid layer. */
    public static Activation sigmoid() {
        return new Activation(UnaryOp.SIGMOID);
    }

    /** Tanh layer. */
    public static Activation tanh() {
        return new Activation(UnaryOp.TANH);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.unary(op, x);
    }

    @Override
    public String toString() {
        return switch (op) {
            case RELU -> "ReLU";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case EXP -> "Exp";
            case LOG -> "Log";
        };
    }
}
