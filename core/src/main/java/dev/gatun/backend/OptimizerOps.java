package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * One optimizer update of a contiguous parameter, in place, with PyTorch's semantics. None is
 * core: each has a default built from the element-wise ops ({@link ComposedOptimizerSteps}).
 */
public interface OptimizerOps extends ElementwiseOps {
    /**
     * One Adam/AdamW update of contiguous param, grad, m, v (see {@link dev.gatun.optim.Adam}); step is 1 first.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param m the first-moment estimate, updated in place
     * @param v the second-moment estimate, updated in place
     * @param lr the learning rate
     * @param beta1 the decay rate of m
     * @param beta2 the decay rate of v
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     * @param step the step number, 1 on the first call
     */
    default void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                          double eps, double weightDecay, boolean decoupled, int step) {
        OptimizerChecks.adam(param, grad, m, v, step);
        adamStepUnchecked(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * {@link #adamStep} with the step number read from {@code step}, a one-element float32 tensor on
     * param's device, when the update runs rather than when it is queued: a captured device graph
     * then replays it with each replay's count.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param m the first-moment estimate, updated in place
     * @param v the second-moment estimate, updated in place
     * @param lr the learning rate
     * @param beta1 the decay rate of m
     * @param beta2 the decay rate of v
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     * @param step the step number (1 on the first call), one float32 element
     */
    default void adamStepCounted(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                 double beta2, double eps, double weightDecay, boolean decoupled, Tensor step) {
        OptimizerChecks.adamCounted(param, grad, m, v, step);
        adamStepCountedUnchecked(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * {@link #adamStepCounted} on arguments it has checked. By default the host reads the count and
     * calls {@link #adamStepUnchecked}: right for host memory (the fake device's kernels read it
     * there when they run), a host synchronization on a GPU, which a graph capture refuses.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param m the first-moment estimate, updated in place
     * @param v the second-moment estimate, updated in place
     * @param lr the learning rate
     * @param beta1 the decay rate of m
     * @param beta2 the decay rate of v
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     * @param step the step number (1 on the first call), one float32 element
     */
    default void adamStepCountedUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                          double beta2, double eps, double weightDecay, boolean decoupled,
                                          Tensor step) {
        int count = OptimizerChecks.stepCount("adam", step.item());
        adamStepUnchecked(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, count);
    }

    /**
     * {@link #adamStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#adam}.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param m the first-moment estimate, updated in place
     * @param v the second-moment estimate, updated in place
     * @param lr the learning rate
     * @param beta1 the decay rate of m
     * @param beta2 the decay rate of v
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
     * @param step the step number, 1 on the first call
     */
    default void adamStepUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                   double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        ComposedOptimizerSteps.adam(this, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * One SGD update; momentumBufOrNull may be null when momentum == 0.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param momentumBufOrNull the momentum buffer, updated in place; null when momentum is 0
     * @param lr the learning rate
     * @param momentum the momentum factor; 0 for none
     * @param dampening the dampening of the momentum
     * @param weightDecay the weight decay; 0 for none
     * @param nesterov whether to use Nesterov momentum
     * @param firstStep whether the momentum buffer holds nothing yet
     */
    default void sgdStep(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                         double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        OptimizerChecks.sgd(param, grad, momentumBufOrNull, momentum);
        sgdStepUnchecked(param, grad, momentumBufOrNull, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    /**
     * {@link #sgdStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#sgd}.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param momentumBufOrNull the momentum buffer, updated in place; null when momentum is 0
     * @param lr the learning rate
     * @param momentum the momentum factor; 0 for none
     * @param dampening the dampening of the momentum
     * @param weightDecay the weight decay; 0 for none
     * @param nesterov whether to use Nesterov momentum
     * @param firstStep whether the momentum buffer holds nothing yet
     */
    default void sgdStepUnchecked(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                                  double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        ComposedOptimizerSteps.sgd(this, param, grad, momentumBufOrNull, lr, momentum, dampening, weightDecay, nesterov,
                firstStep);
    }

    /**
     * One RMSprop update (see {@link dev.gatun.optim.Rmsprop}) of param, grad and squareAvg;
     * momentumBufOrNull may be null when momentum == 0, gradAvgOrNull unless centered.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param squareAvg the running average of squared gradients, updated in place
     * @param momentumBufOrNull the momentum buffer, updated in place; null when momentum is 0
     * @param gradAvgOrNull the running average of gradients, updated in place; null unless centered
     * @param lr the learning rate
     * @param alpha the smoothing constant of the averages
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param momentum the momentum factor; 0 for none
     * @param centered whether to divide by the estimated variance rather than the mean square
     */
    default void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull,
                             Tensor gradAvgOrNull, double lr, double alpha, double eps, double weightDecay,
                             double momentum, boolean centered) {
        OptimizerChecks.rmsprop(param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull, momentum, centered);
        rmspropStepUnchecked(param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull, lr, alpha, eps, weightDecay,
                momentum, centered);
    }

    /**
     * {@link #rmspropStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#rmsprop}.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param squareAvg the running average of squared gradients, updated in place
     * @param momentumBufOrNull the momentum buffer, updated in place; null when momentum is 0
     * @param gradAvgOrNull the running average of gradients, updated in place; null unless centered
     * @param lr the learning rate
     * @param alpha the smoothing constant of the averages
     * @param eps the term added to the denominator for stability
     * @param weightDecay the weight decay; 0 for none
     * @param momentum the momentum factor; 0 for none
     * @param centered whether to divide by the estimated variance rather than the mean square
     */
    default void rmspropStepUnchecked(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull,
                                      Tensor gradAvgOrNull, double lr, double alpha, double eps, double weightDecay,
                                      double momentum, boolean centered) {
        ComposedOptimizerSteps.rmsprop(this, param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull, lr, alpha, eps,
                weightDecay, momentum, centered);
    }

    /**
     * One Adagrad update (see {@link dev.gatun.optim.Adagrad}); step is 1 on the first call.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param sum the accumulated squared gradients, updated in place
     * @param lr the learning rate
     * @param lrDecay the learning-rate decay per step
     * @param weightDecay the weight decay; 0 for none
     * @param eps the term added to the denominator for stability
     * @param step the step number, 1 on the first call
     */
    default void adagradStep(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay, double weightDecay,
                             double eps, int step) {
        OptimizerChecks.adagrad(param, grad, sum, step);
        adagradStepUnchecked(param, grad, sum, lr, lrDecay, weightDecay, eps, step);
    }

    /**
     * {@link #adagradStep} on arguments it has checked; by default {@link ComposedOptimizerSteps#adagrad}.
     *
     * @param param the parameters, updated in place
     * @param grad the gradients, of param's shape
     * @param sum the accumulated squared gradients, updated in place
     * @param lr the learning rate
     * @param lrDecay the learning-rate decay per step
     * @param weightDecay the weight decay; 0 for none
     * @param eps the term added to the denominator for stability
     * @param step the step number, 1 on the first call
     */
    default void adagradStepUnchecked(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay,
                                      double weightDecay, double eps, int step) {
        ComposedOptimizerSteps.adagrad(this, param, grad, sum, lr, lrDecay, weightDecay, eps, step);
    }
}
