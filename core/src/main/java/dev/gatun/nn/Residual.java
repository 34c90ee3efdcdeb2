package dev.gatun.nn;

import dev.gatun.tensor.Tensor;
import java.util.List;

/**
 * A residual block: {@code body(x) + x}, or {@code body(x) + projection(x)} when the body changes
 * the shape (a 1×1 convolution or a linear layer that brings x to the body's output shape). Its
 * children are named {@code body} and {@code projection}. Gradients of x from both paths add up.
 */
public final class Residual extends Module {
    private final Module body;
    private final Module projection;

    /**
     * A block adding x to the body's output.
     *
     * @param body the branch, whose output has the shape of its input
     */
    public Residual(Module body) {
        this(body, null);
    }

    /**
     * A block adding the projected x to the body's output.
     *
     * @param body the branch
     * @param projection the layer that gives x the body's output shape, or null for the identity
     */
    public Residual(Module body, Module projection) {
        this.body = register("body", body);
        this.projection = projection == null ? null : register("projection", projection);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor branch = body.forward(x);
        return Add.sum(List.of(branch, projection == null ? x : projection.forward(x)));
    }

    /** {@return the branch} */
    public Module body() {
        return body;
    }

    /** {@return the projection of the skip path, or null when it is the identity} */
    public Module projection() {
        return projection;
    }
}
