package dev.gatun.nn;

import dev.gatun.tensor.Tensor;

/**
 * A trainable tensor with a name. Its tensor requires gradients and lives in the scope the
 * module was built in; {@code backward()} accumulates into {@code tensor().grad()}.
 *
 * @param name the dotted name, e.g. {@code 0.weight}
 * @param tensor the trainable tensor
 */
public record Parameter(String name, Tensor tensor) {
    /** Marks the tensor as requiring gradients. */
    public Parameter {
        tensor.requiresGrad(true);
    }

    /** {@return the accumulated gradient, or null before the first backward pass} */
    public Tensor grad() {
        return tensor.grad();
    }

    /**
     * {@return whether the parameter is trained: false once its module was frozen with
     * {@link Module#setTrainable}, whose tensor then requires no gradient}
     */
    public boolean trainable() {
        return tensor.requiresGrad();
    }

    /** Sets the gradient to zero, keeping its memory ({@link Tensor#zeroGrad}). */
    public void zeroGrad() {
        tensor.zeroGrad();
    }
}
