package dev.gatun.nn;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** Batch normalization of [N, C, H, W] inputs over N, H and W, per channel C (PyTorch's BatchNorm2d). */
public final class BatchNorm2d extends BatchNormLayer {
    /**
     * float32, eps 1e-5, momentum 0.1.
     *
     * @param channels the number of channels C of the [N, C, H, W] input
     */
    public BatchNorm2d(int channels) {
        this(channels, DType.FLOAT32);
    }

    /**
     * eps 1e-5, momentum 0.1, in the given dtype.
     *
     * @param channels the number of channels C of the [N, C, H, W] input
     * @param dtype the dtype of the parameters and running statistics
     */
    public BatchNorm2d(int channels, DType dtype) {
        this(channels, 1e-5, 0.1, dtype);
    }

    /**
     * All options.
     *
     * @param channels the number of channels C of the [N, C, H, W] input
     * @param eps added to the variance before the square root
     * @param momentum the weight of each batch's statistics in the running ones
     * @param dtype the dtype of the parameters and running statistics
     */
    public BatchNorm2d(int channels, double eps, double momentum, DType dtype) {
        super("BatchNorm2d", channels, eps, momentum, dtype);
    }

    @Override
    void checkInput(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(this + ": input must be 4-D [N, " + channels() + ", H, W], got "
                    + x.describe());
        }
    }
}
