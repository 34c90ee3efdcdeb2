package dev.gatun.nn;

import dev.gatun.ops.AxisConcat;
import dev.gatun.tensor.Tensor;
import java.util.List;

/**
 * Joins tensors along the axis after the batch axis: channels of images [N, C, H, W], features of
 * flat examples [N, F], steps of sequences [N, T, F]. The inputs must agree on every other axis.
 */
public final class Concat extends Merge {
    /** A concat layer; it has no parameters. */
    public Concat() {}

    @Override
    public Tensor forward(List<Tensor> inputs) {
        requireInputs("Concat", inputs);
        for (Tensor t : inputs) {
            if (t.rank() < 2) {
                throw new IllegalArgumentException("Concat: inputs need a batch axis and at least one more, got "
                        + t.describe());
            }
        }
        return AxisConcat.apply(1, inputs.toArray(Tensor[]::new));
    }
}
