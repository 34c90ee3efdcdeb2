package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The scalar operand of a composite op's {@link ElementwiseOps#binary} calls: a rank-0 tensor. */
final class ScalarOperand {
    private ScalarOperand() {}

    /** value as a rank-0 tensor of like's dtype on like's device, in the current scope, filled by be. */
    static Tensor of(ElementwiseOps be, Tensor like, double value) {
        Tensor t = like.newEmpty();
        be.fill(t, value);
        return t;
    }
}
