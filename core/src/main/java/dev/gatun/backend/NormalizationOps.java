package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * Batch normalization: x is [N, C] or [N, C, ...], statistics per channel (axis 1). Core ops of
 * every {@link Backend}.
 */
public interface NormalizationOps {
    /**
     * Training-mode batch norm, as cuDNN's ForwardTraining: y = (x − mean)·invStd·gamma + beta with
     * the batch's biased variance; saveMean and saveInvStd [C] receive mean and 1/√(var + eps);
     * runningMean/runningVar [C] (may be null) are updated in place as
     * r = (1 − momentum)·r + momentum·batch value, with the unbiased variance (PyTorch's rule).
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param beta the per-channel shift [C]
     * @param eps added to the variance before the square root
     * @param momentum the weight of the batch statistics in the running ones
     * @param runningMean the running mean [C], updated in place; may be null
     * @param runningVar the running unbiased variance [C], updated in place; may be null
     * @param y the output, of x's shape
     * @param saveMean receives the batch mean [C]
     * @param saveInvStd receives 1/√(var + eps) [C]
     */
    default void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                                Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        NormalizationChecks.batchNormTrain(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean,
                saveInvStd);
        batchNormTrainUnchecked(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
    }

    /**
     * {@link #batchNormTrain} on arguments it has checked.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param beta the per-channel shift [C]
     * @param eps added to the variance before the square root
     * @param momentum the weight of the batch statistics in the running ones
     * @param runningMean the running mean [C], updated in place; may be null
     * @param runningVar the running unbiased variance [C], updated in place; may be null
     * @param y the output, of x's shape
     * @param saveMean receives the batch mean [C]
     * @param saveInvStd receives 1/√(var + eps) [C]
     */
    void batchNormTrainUnchecked(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                                 Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /**
     * Evaluation-mode batch norm with the running statistics: y = (x − rm)/√(rv + eps)·gamma + beta.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param beta the per-channel shift [C]
     * @param runningMean the running mean [C]
     * @param runningVar the running variance [C]
     * @param eps added to the variance before the square root
     * @param y the output, of x's shape
     */
    default void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                    double eps, Tensor y) {
        NormalizationChecks.batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
        batchNormInferenceUnchecked(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    /**
     * {@link #batchNormInference} on arguments it has checked.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param beta the per-channel shift [C]
     * @param runningMean the running mean [C]
     * @param runningVar the running variance [C]
     * @param eps added to the variance before the square root
     * @param y the output, of x's shape
     */
    void batchNormInferenceUnchecked(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                     double eps, Tensor y);

    /**
     * Gradients of {@link #batchNormTrain} (batch statistics): dx, dgamma, dbeta, all overwritten.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param saveMean the batch mean [C] from the forward pass
     * @param saveInvStd 1/√(var + eps) [C] from the forward pass
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x
     * @param dgamma receives the gradient with respect to gamma [C]
     * @param dbeta receives the gradient with respect to beta [C]
     */
    default void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                                   Tensor dgamma, Tensor dbeta) {
        NormalizationChecks.batchNormBackward(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
        batchNormBackwardUnchecked(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
    }

    /**
     * {@link #batchNormBackward} on arguments it has checked.
     *
     * @param x the input [N, C] or [N, C, H, W]
     * @param gamma the per-channel scale [C]
     * @param saveMean the batch mean [C] from the forward pass
     * @param saveInvStd 1/√(var + eps) [C] from the forward pass
     * @param dy the gradient with respect to y
     * @param dx receives the gradient with respect to x
     * @param dgamma receives the gradient with respect to gamma [C]
     * @param dbeta receives the gradient with respect to beta [C]
     */
    void batchNormBackwardUnchecked(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                                    Tensor dgamma, Tensor dbeta);
}
