package dev.gatun.nn;

import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The element-wise sum of tensors of one shape: the join of a residual connection ({@code x +
 * f(x)}). Unlike {@link Tensor#add(Tensor)} it does not broadcast, so a branch of the wrong shape
 * is an error rather than a silent broadcast.
 */
public final class Add extends Merge {
    /** An add layer; it has no parameters. */
    public Add() {}

    @Override
    public Tensor forward(List<Tensor> inputs) {
        return sum(inputs);
    }

    /** The sum of {@link #forward(List)}, for modules that add without an Add layer of their own. */
    static Tensor sum(List<Tensor> inputs) {
        requireInputs("Add", inputs);
        Tensor first = inputs.getFirst();
        Tensor sum = first;
        for (Tensor t : inputs.subList(1, inputs.size())) {
            if (!Arrays.equals(t.shape(), first.shape())) {
                throw new IllegalArgumentException("Add: inputs must have one shape, got " + first.describe() + " and "
                        + t.describe());
            }
            sum = sum.add(t);
        }
        return sum;
    }
}
