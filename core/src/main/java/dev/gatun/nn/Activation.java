package dev.gatun.nn;

import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.ops.Activations;
import dev.gatun.tensor.Tensor;

/**
 * An activation as a layer: any element-wise {@link UnaryOp} ({@code new Activation(UnaryOp.GELU)},
 * {@code new Activation(UnaryFn.of(UnaryOp.LEAKY_RELU, 0.2))}), softmax over the last axis, or one
 * named as configs name them ({@link #of(String)}, see {@link ActivationTypes}).
 */
public final class Activation extends Module {
    /** The element-wise function, or null for softmax. */
    private final UnaryFn fn;

    /**
     * The layer applying {@code op} with its default parameter.
     *
     * @param op the operation
     */
    public Activation(UnaryOp op) {
        this(UnaryFn.of(op));
    }

    /**
     * The layer applying {@code fn}.
     *
     * @param fn the function, with its parameter
     */
    public Activation(UnaryFn fn) {
        if (fn == null) {
            throw new IllegalArgumentException("activation: fn is null; use Activation.softmax() for softmax");
        }
        this.fn = fn;
    }

    private Activation() {
        this.fn = null;
    }

    /** {@return a ReLU layer} */
    public static Activation relu() {
        return new Activation(UnaryOp.RELU);
    }

    /** {@return a sigmoid layer} */
    public static Activation sigmoid() {
        return new Activation(UnaryOp.SIGMOID);
    }

    /** {@return a tanh layer} */
    public static Activation tanh() {
        return new Activation(UnaryOp.TANH);
    }

    /** {@return a softmax layer over the last axis} */
    public static Activation softmax() {
        return new Activation();
    }

    /**
     * The activation a config calls {@code type} ({@code gelu}, {@code swish}, ...), with its defaults.
     *
     * @param type the layer type or alias
     * @return the layer
     */
    public static Activation of(String type) {
        return ActivationTypes.layer(type, null, Double.NaN);
    }

    /** {@return the element-wise function applied, or null for softmax} */
    public UnaryFn function() {
        return fn;
    }

    @Override
    public Tensor forward(Tensor x) {
        return fn == null ? x.softmax() : Activations.unary(fn, x);
    }

    @Override
    public String toString() {
        return fn == null ? ActivationTypes.SOFTMAX : fn.toString();
    }
}
