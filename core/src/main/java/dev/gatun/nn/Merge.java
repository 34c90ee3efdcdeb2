package dev.gatun.nn;

import dev.gatun.tensor.Tensor;
import java.util.List;

/**
 * A layer that joins several tensors into one, such as {@link Add} (a residual sum) or {@link
 * Concat}. In a {@link Graph} it is the only kind of layer that may take more than one input.
 */
public abstract class Merge extends Module {
    /** A merge layer; merges have no parameters. */
    protected Merge() {}

    /**
     * Joins the inputs.
     *
     * @param inputs the tensors, at least one, each with its batch axis first
     * @return the joined tensor
     */
    public abstract Tensor forward(List<Tensor> inputs);

    /** A single input is joined with nothing: it is returned as {@link #forward(List)} gives it. */
    @Override
    public final Tensor forward(Tensor x) {
        return forward(List.of(x));
    }

    /** Rejects an empty input list, naming the layer. */
    static void requireInputs(String layer, List<Tensor> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException(layer + ": needs at least one input");
        }
    }
}
