package dev.gatun.backend;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * The argument checks of the optimizer family, run by {@link OptimizerOps}'s entry points for
 * every backend: the parameter, its gradient and its state buffers of one float dtype and shape,
 * all contiguous, and the buffers the hyperparameters need present.
 */
final class OptimizerChecks {
    private OptimizerChecks() {}

    static void adam(Tensor param, Tensor grad, Tensor m, Tensor v, int step) {
        tensors("adam", param, grad, m, v, null);
        firstStepIsOne("adam", step);
    }

    static void adamCounted(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor step) {
        tensors("adam", param, grad, m, v, null);
        if (step == null || step.size() != 1 || step.dtype() != DType.FLOAT32 || !step.device().equals(param.device())) {
            throw new IllegalArgumentException("adam: the step count must be one float32 element on " + param.device()
                    + ", got " + (step == null ? "null" : step.describe() + " on " + step.device()));
        }
    }

    /** The step count read from a counter tensor: a whole number from 1 on. */
    static int stepCount(String op, double value) {
        if (!(value >= 1 && value <= Integer.MAX_VALUE) || value != Math.rint(value)) {
            throw new IllegalArgumentException(op + ": step count must be a whole number >= 1, got " + value);
        }
        return (int) value;
    }

    static void sgd(Tensor param, Tensor grad, Tensor momentumBufOrNull, double momentum) {
        tensors("sgd", param, grad, momentumBufOrNull, null, null);
        if (momentum != 0 && momentumBufOrNull == null) {
            throw new IllegalArgumentException("sgd: momentum = " + momentum + " needs a momentum buffer, got null");
        }
    }

    static void rmsprop(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull, Tensor gradAvgOrNull,
                        double momentum, boolean centered) {
        tensors("rmsprop", param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull);
        if (momentum != 0 && momentumBufOrNull == null) {
            throw new IllegalArgumentException("rmsprop: momentum = " + momentum + " needs a momentum buffer, got null");
        }
        if (centered && gradAvgOrNull == null) {
            throw new IllegalArgumentException("rmsprop: centered needs a gradient average buffer, got null");
        }
    }

    static void adagrad(Tensor param, Tensor grad, Tensor sum, int step) {
        tensors("adagrad", param, grad, sum, null, null);
        firstStepIsOne("adagrad", step);
    }

    /** param float and contiguous; grad and the buffers that are not null of its dtype and shape, contiguous. */
    private static void tensors(String op, Tensor param, Tensor grad, Tensor a, Tensor b, Tensor c) {
        if (!param.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": needs float tensors, got " + param.describe());
        }
        Elements.requireNotHalf(op, param);
        Elements.requireContiguous(op, param);
        like(op, param, grad);
        like(op, param, a);
        like(op, param, b);
        like(op, param, c);
    }

    private static void like(String op, Tensor param, Tensor t) {
        if (t == null) {
            return;
        }
        Elements.requireSameShape(op, param, t);
        Elements.requireContiguous(op, t);
        if (t.dtype() != param.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch " + param.describe() + " vs " + t.describe());
        }
    }

    private static void firstStepIsOne(String op, int step) {
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step must be >= 1 (the first step is 1), got " + step);
        }
    }
}
