package dev.gatun.nn;

import dev.gatun.ops.Pooling;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;

/** 2-D max pooling of [N, C, H, W] inputs (PyTorch's {@code MaxPool2d}, floor mode); no parameters. */
public final class MaxPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    /**
     * A square kernel with stride = kernel and no padding: {@code MaxPool2d(2)} halves H and W.
     *
     * @param kernel the window's side, also the stride
     */
    public MaxPool2d(int kernel) {
        this(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0});
    }

    /**
     * Kernel, stride and padding as {height, width}.
     *
     * @param kernel the window {height, width}
     * @param stride the step between windows {height, width}
     * @param padding the implicit padding {height, width}, at most half the window
     */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = checkedPair("MaxPool2d", "kernel", kernel, 1);
        this.stride = checkedPair("MaxPool2d", "stride", stride, 1);
        this.padding = checkedPair("MaxPool2d", "padding", padding, 0);
        checkPadding("MaxPool2d", this.kernel, this.padding);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.maxPool2d(x, kernel, stride, padding);
    }

    @Override
    public String toString() {
        return "MaxPool2d(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
                + Arrays.toString(padding) + ")";
    }

    /** A copy of a {height, width} pair whose values are at least {@code min}. */
    static int[] checkedPair(String layer, String name, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(layer + ": " + name + " must be {height, width} with values >= " + min
                    + ", got " + (v == null ? "null" : Arrays.toString(v)));
        }
        return v.clone();
    }

    /** PyTorch's rule: padding at most half the kernel, so every window overlaps the input. */
    static void checkPadding(String layer, int[] kernel, int[] padding) {
        if (2 * padding[0] > kernel[0] || 2 * padding[1] > kernel[1]) {
            throw new IllegalArgumentException(layer + ": padding " + Arrays.toString(padding)
                    + " must be at most half the kernel " + Arrays.toString(kernel));
        }
    }
}
