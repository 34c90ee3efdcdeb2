package dev.gatun.nn;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** Batch normalization of [N, C] or [N, C, L] inputs over N (and L), per feature C (PyTorch's BatchNorm1d). */
public final class BatchNorm1d extends BatchNormLayer {
    /**
     * float32, eps 1e-5, momentum 0.1.
     *
     * @param features the number of features C of the [N, C] input
     */
    public BatchNorm1d(int features) {
        this(features, DType.FLOAT32);
    }

    /**
     * eps 1e-5, momentum 0.1, in the given dtype.
     *
     * @param features the number of features C of the [N, C] input
     * @param dtype the dtype of the parameters and running statistics
     */
    public BatchNorm1d(int features, DType dtype) {
        this(features, 1e-5, 0.1, dtype);
    }

    /**
     * All options.
     *
     * @param features the number of features C of the [N, C] input
     * @param eps added to the variance before the square root
     * @param momentum the weight of each batch's statistics in the running ones
     * @param dtype the dtype of the parameters and running statistics
     */
    public BatchNorm1d(int features, double eps, double momentum, DType dtype) {
        super("BatchNorm1d", features, eps, momentum, dtype);
    }

    @Override
    void checkInput(Tensor x) {
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException(this + ": input must be 2-D [N, " + channels() + "] or 3-D [N, "
                    + channels() + ", L], got " + x.describe());
        }
    }
}
