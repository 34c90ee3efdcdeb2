package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/** The CPU backend's BatchNorm ops: Vector API kernels for float32, the scalar reference otherwise. */
final class CpuBatchNorm {
    private CpuBatchNorm() {}

    static void batchNormTrain(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum, Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        ScalarBatchNorm.batchNormTrain(x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd);
    }

    static void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double eps, Tensor y) {
        ScalarBatchNorm.batchNormInference(x, gamma, beta, runningMean, runningVar, eps, y);
    }

    static void batchNormBackward(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy, Tensor dx, Tensor dgamma, Tensor dbeta) {
        ScalarBatchNorm.batchNormBackward(x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
    }
}
