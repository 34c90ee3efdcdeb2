package dev.gatun.nn;

import dev.gatun.ops.Pooling;
import dev.gatun.tensor.Tensor;

/** The mean of each channel's plane: [N, C, H, W] → [N, C] (PyTorch's AdaptiveAvgPool2d(1) then flatten). */
public final class GlobalAvgPool2d extends Module {
    /** A global average pooling layer; it has no parameters. */
    public GlobalAvgPool2d() {}

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.globalAvgPool2d(x);
    }
}
