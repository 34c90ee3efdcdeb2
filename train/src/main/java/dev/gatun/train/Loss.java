package dev.gatun.train;

import dev.gatun.ops.Losses;
import dev.gatun.tensor.Tensor;

/** A loss: model output and target → a scalar tensor to differentiate. */
@FunctionalInterface
public interface Loss {
    /** Mean cross-entropy of class logits against int32 labels (fused with log-softmax). */
    Loss CROSS_ENTROPY = Losses::crossEntropy;

    /** Mean squared error. */
    Loss MSE = Losses::mse;

    /**
     * The loss of one batch.
     *
     * @param output the model's output
     * @param target the targets
     * @return the loss, a scalar tensor
     */
    Tensor apply(Tensor output, Tensor target);
}
