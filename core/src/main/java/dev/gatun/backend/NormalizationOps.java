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
     */
    default void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                                Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        NormalizationChecks.batchNormTrain(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean,
                saveInvStd);
        batchNormTrainUnchecked(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
    }

    /** {@link #batchNormTrain} on arguments it has checked. */
    void batchNormTrainUnchecked(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean,
                                 Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /** Evaluation-mode batch norm with the running statistics: y = (x − rm)/√(rv + eps)·gamma + beta. */
    default void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                    double eps, Tensor y) {
        NormalizationChecks.batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
        batchNormInferenceUnchecked(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    /** {@link #batchNormInference} on arguments it has checked. */
    void batchNormInferenceUnchecked(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                     double eps, Tensor y);

    /** Gradients of {@link #batchNormTrain} (batch statistics): dx, dgamma, dbeta, all overwritten. */
    default void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                                   Tensor dgamma, Tensor dbeta) {
        NormalizationChecks.batchNormBackward(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
        batchNormBackwardUnchecked(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
    }

    /** {@link #batchNormBackward} on arguments it has checked. */
    void batchNormBackwardUnchecked(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx,
                                    Tensor dgamma, Tensor dbeta);
}
