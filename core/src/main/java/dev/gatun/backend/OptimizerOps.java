package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * One optimizer update of a contiguous parameter, in place, with PyTorch's semantics. None is
 * core: each has a default built from the element-wise ops ({@link ComposedOptimizerSteps}).
 */
public interface OptimizerOps extends ElementwiseOps {
    /** One Adam/AdamW update of contiguous param, grad, m, v (see {@link dev.gatun.optim.Adam}); step is 1 first. */
    default void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                          double eps, double weightDecay, boolean decoupled, int step) {
        OptimizerChecks.adam(param, grad, m, v, step);
        adamStepUnchecked(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /** {@link #adamStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#adam}. */
    default void adamStepUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                   double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        ComposedOptimizerSteps.adam(this, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /** One SGD update; momentumBufOrNull may be null when momentum == 0. */
    default void sgdStep(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                         double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        OptimizerChecks.sgd(param, grad, momentumBufOrNull, momentum);
        sgdStepUnchecked(param, grad, momentumBufOrNull, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    /** {@link #sgdStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#sgd}. */
    default void sgdStepUnchecked(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                                  double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        ComposedOptimizerSteps.sgd(this, param, grad, momentumBufOrNull, lr, momentum, dampening, weightDecay, nesterov,
                firstStep);
    }

    /**
     * One RMSprop update (see {@link dev.gatun.optim.Rmsprop}) of param, grad and squareAvg;
     * momentumBufOrNull may be null when momentum == 0, gradAvgOrNull unless centered.
     */
    default void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull,
                             Tensor gradAvgOrNull, double lr, double alpha, double eps, double weightDecay,
                             double momentum, boolean centered) {
        OptimizerChecks.rmsprop(param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull, momentum, centered);
        rmspropStepUnchecked(param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull, lr, alpha, eps, weightDecay,
                momentum, centered);
    }

    /** {@link #rmspropStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#rmsprop}. */
    default void rmspropStepUnchecked(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull,
                                      Tensor gradAvgOrNull, double lr, double alpha, double eps, double weightDecay,
                                      double momentum, boolean centered) {
        ComposedOptimizerSteps.rmsprop(this, param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull, lr, alpha, eps,
                weightDecay, momentum, centered);
    }

    /** One Adagrad update (see {@link dev.gatun.optim.Adagrad}); step is 1 on the first call. */
    default void adagradStep(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay, double weightDecay,
                             double eps, int step) {
        OptimizerChecks.adagrad(param, grad, sum, step);
        adagradStepUnchecked(param, grad, sum, lr, lrDecay, weightDecay, eps, step);
    }

    /** {@link #adagradStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#adagrad}. */
    default void adagradStepUnchecked(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay,
                                      double weightDecay, double eps, int step) {
        ComposedOptimizerSteps.adagrad(this, param, grad, sum, lr, lrDecay, weightDecay, eps, step);
    }
}
