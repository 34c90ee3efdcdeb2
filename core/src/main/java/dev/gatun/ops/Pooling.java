package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Pool2dGeometry;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;

/**
 * 2-D pooling over NCHW tensors, with gradients.
 *
 * <pre>
 * maxPool2d:       x [N, C, H, W] → y [N, C, outH, outW]   dx = dy scattered to each window's argmax
 * avgPool2d:       x [N, C, H, W] → y [N, C, outH, outW]   dx = dy / divisor spread over each window
 * globalAvgPool2d: x [N, C, H, W] → y [N, C]              y = mean over H·W
 * </pre>
 * outH = (H + 2·padding[0] − kernel[0]) / stride[0] + 1 (floor), same for W; kernel, stride and
 * padding are {height, width}. See {@link Pool2dGeometry} for the rules on sizes.
 */
public final class Pooling {
    private Pooling() {}

    /**
     * Max pooling; the gradient goes to the first maximum of each window.
     *
     * @param x the input [N, C, H, W]
     * @param kernel the window {height, width}
     * @param stride the step between windows {height, width}
     * @param padding the implicit padding {height, width}, at most half the window
     * @return the output [N, C, outH, outW]
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        Pool2dGeometry g = geometry("maxPool2d", x, kernel, stride, padding);
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newEmpty(g.outputShape());
        Tensor argmax = x.newEmpty(DType.INT32, g.outputShape());
        be.maxPool2d(g, x, y, argmax);
        return Autograd.record(y, "maxPool2d", dy -> {
            Tensor dx = x.newEmpty(x.shape());
            be.maxPool2dBackward(g, dy, argmax, dx);
            return new Tensor[] {dx};
        }, x);
    }

    /**
     * Average pooling; the divisor counts padded positions when countIncludePad (PyTorch's default).
     *
     * @param x the input [N, C, H, W]
     * @param kernel the window {height, width}
     * @param stride the step between windows {height, width}
     * @param padding the implicit padding {height, width}, at most half the window
     * @param countIncludePad whether padded zeros count in the divisor
     * @return the output [N, C, outH, outW]
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Pool2dGeometry g = geometry("avgPool2d", x, kernel, stride, padding);
        Backend be = BackendRegistry.of(x);
        Tensor y = x.newEmpty(g.outputShape());
        be.avgPool2d(g, countIncludePad, x, y);
        return Autograd.record(y, "avgPool2d", dy -> {
            Tensor dx = x.newEmpty(x.shape());
            be.avgPool2dBackward(g, countIncludePad, dy, dx);
            return new Tensor[] {dx};
        }, x);
    }

    /**
     * The mean of each [H, W] plane: [N, C, H, W] → [N, C].
     *
     * @param x the input [N, C, H, W]
     * @return the means [N, C]
     */
    public static Tensor globalAvgPool2d(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("globalAvgPool2d: input must be 4-D [batch, channels, height, width], got "
                    + x.describe());
        }
        if (x.size() == 0) {
            throw new IllegalArgumentException("globalAvgPool2d: input " + x.describe() + " is empty");
        }
        // A row mean over the contiguous [N, C, H·W] view runs the vectorized axis reduction.
        return x.contiguous().reshape(x.dim(0), x.dim(1), x.dim(2) * x.dim(3)).mean(2, false);
    }

    private static Pool2dGeometry geometry(String op, Tensor x, int[] kernel, int[] stride, int[] padding) {
        pair(op, "kernel", kernel);
        pair(op, "stride", stride);
        pair(op, "padding", padding);
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": needs a float tensor, got " + x.describe());
        }
        return Pool2dGeometry.of(x, kernel, stride, padding);
    }

    private static void pair(String op, String name, int[] v) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be {height, width}, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
    }
}
