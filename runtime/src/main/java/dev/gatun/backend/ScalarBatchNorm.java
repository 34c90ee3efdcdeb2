package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The scalar reference of the BatchNorm ops: plain loops in double over any strides. */
final class ScalarBatchNorm {
    private ScalarBatchNorm() {}

    static void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        throw new UnsupportedOperationException("batchNormTrain: not implemented yet");
    }

    static void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double eps, Tensor y) {
        throw new UnsupportedOperationException("batchNormInference: not implemented yet");
    }

    static void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("batchNormBackward: not implemented yet");
    }
}
