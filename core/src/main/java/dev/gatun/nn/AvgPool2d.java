package dev.gatun.nn;

import dev.gatun.ops.Pooling;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;

/** 2-D average pooling of [N, C, H, W] inputs (PyTorch's {@code AvgPool2d}, floor mode); no parameters. */
public final class AvgPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    /**
     * A square kernel with stride = kernel, no padding.
     *
     * @param kernel the window's side, also the stride
     */
    public AvgPool2d(int kernel) {
        this(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0});
    }

    /**
     * Kernel, stride and padding as {height, width}; padded zeros count in the divisor (PyTorch's default).
     *
     * @param kernel the window {height, width}
     * @param stride the step between windows {height, width}
     * @param padding the implicit zero padding {height, width}
     */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding) {
        this(kernel, stride, padding, true);
    }

    /**
     * As above; with countIncludePad false the divisor is the number of input elements in the window.
     *
     * @param kernel the window {height, width}
     * @param stride the step between windows {height, width}
     * @param padding the implicit zero padding {height, width}
     * @param countIncludePad whether padded zeros count in the divisor
     */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = MaxPool2d.checkedPair("AvgPool2d", "kernel", kernel, 1);
        this.stride = MaxPool2d.checkedPair("AvgPool2d", "stride", stride, 1);
        this.padding = MaxPool2d.checkedPair("AvgPool2d", "padding", padding, 0);
        MaxPool2d.checkPadding("AvgPool2d", this.kernel, this.padding);
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
                + Arrays.toString(padding) + (countIncludePad ? "" : ", countIncludePad=false") + ")";
    }
}
