package dev.gatun.autograd;

import dev.gatun.tensor.Tensor;

/**
 * How one op's output was computed: its inputs and the rule that turns the output's gradient
 * into the inputs' gradients.
 *
 * @param name     op name, shown in {@code Tensor.toString()}
 * @param inputs   the op's tensor inputs, in order
 * @param backward output gradient → one gradient per input (null where an input needs none);
 *                 each has its input's shape
 */
public record GradFn(String name, Tensor[] inputs, Backward backward) {
    /** The gradient rule of an op. */
    @FunctionalInterface
    public interface Backward {
        /**
         * The inputs' gradients for one output gradient.
         *
         * @param gradOutput the gradient of the op's output
         * @return one gradient per input, each of its input's shape; null where an input needs none
         */
        Tensor[] apply(Tensor gradOutput);
    }
}
