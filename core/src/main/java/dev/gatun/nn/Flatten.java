package dev.gatun.nn;

import dev.gatun.tensor.Tensor;

/**
 * [N, d1, d2, ...] → [N, d1·d2·...] (PyTorch's {@code Flatten()}): a view when x is contiguous,
 * else a contiguous copy first. Gradients flow back through the reshape.
 */
public final class Flatten extends Module {
    /** A flatten layer; it has no parameters. */
    public Flatten() {}

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("Flatten: input must have a batch axis, got " + x.describe());
        }
        if (x.rank() == 2) {
            return x;
        }
        long features = x.dim(0) == 0 ? 0 : x.size() / x.dim(0);
        if (features > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Flatten: " + x.describe() + " has more than 2^31 features per sample");
        }
        return x.contiguous().reshape(x.dim(0), (int) features);
    }
}
