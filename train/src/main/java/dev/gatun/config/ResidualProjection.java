package dev.gatun.config;

import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The skip path of a {@code residual} block whose layers change the shape: between images
 * [C, H, W] → [C', H', W'] a 1×1 conv2d without bias from C to C' channels, with the stride that
 * gives H' and W' (2 halves the size, as in ResNet's downsampling blocks); between flat examples
 * [F] → [F'] a dense layer without bias. Any other change has no projection and is refused.
 */
final class ResidualProjection {
    private ResidualProjection() {}

    /**
     * Checks that a block turning {@code in} into {@code out} can be built.
     *
     * @throws ConfigException at {@code path} when no projection maps one shape to the other
     */
    static void check(int[] in, int[] out, String path) {
        if (Arrays.equals(in, out) || in.length == 1 && out.length == 1) {
            return;
        }
        if (in.length == 3 && out.length == 3 && stride(in[1], out[1]) > 0 && stride(in[2], out[2]) > 0) {
            return;
        }
        throw new ConfigException(path, "the residual block turns " + Shape.str(in) + " into " + Shape.str(out)
                + ", and x cannot be projected to that: a projection (1×1 conv2d, or dense) exists between images "
                + "whose height and width shrink by a whole stride, or between flat [features]");
    }

    /** The stride s of a 1×1 window with (in - 1) / s + 1 == out, or 0 when none gives it. */
    private static int stride(int in, int out) {
        if (out <= 0 || out > in) {
            return 0;
        }
        // The largest s with (in - 1) / s >= out - 1; a smaller one cannot give fewer outputs.
        int s = out == 1 ? in : (in - 1) / (out - 1);
        return (in - 1) / s + 1 == out ? s : 0;
    }

    /** The projection's parameters; 0 when the block keeps the shape. */
    static long parameters(int[] in, int[] out) {
        return Arrays.equals(in, out) ? 0 : (long) in[0] * out[0];
    }

    /**
     * The projection, its weights drawn from {@code rng} as the layer's default; null when the
     * block keeps the shape.
     */
    static Module module(int[] in, int[] out, RandomGenerator rng) {
        if (Arrays.equals(in, out)) {
            return null;
        }
        if (in.length == 1) {
            return new Linear(in[0], out[0], false, DType.FLOAT32, rng);
        }
        int[] stride = {stride(in[1], out[1]), stride(in[2], out[2])};
        return new Conv2d(in[0], out[0], new int[] {1, 1}, stride, new int[] {0, 0}, new int[] {1, 1}, 1, false,
                DType.FLOAT32, rng);
    }
}
