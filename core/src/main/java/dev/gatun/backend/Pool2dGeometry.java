package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The sizes of one 2-D pooling, NCHW: x [batch, channels, inH, inW] → y [batch, channels, outH, outW]
 * with outH = (inH + 2·padH − kernelH) / strideH + 1 (floor, PyTorch's default), same for W.
 * Padding may be at most half the kernel (PyTorch's rule), so every window overlaps the input.
 *
 * @param batch the number of images
 * @param channels the channels per image
 * @param inH the input height
 * @param inW the input width
 * @param kernelH the window height
 * @param kernelW the window width
 * @param strideH the vertical step between windows
 * @param strideW the horizontal step between windows
 * @param padH the implicit padding above and below, at most kernelH / 2
 * @param padW the implicit padding left and right, at most kernelW / 2
 */
public record Pool2dGeometry(int batch, int channels, int inH, int inW, int kernelH, int kernelW,
                             int strideH, int strideW, int padH, int padW) {
    /** Validates every size; the message names the offending one. */
    public Pool2dGeometry {
        if (batch <= 0 || channels <= 0 || inH <= 0 || inW <= 0) {
            throw new IllegalArgumentException("pool2d: input sizes must be > 0, got [" + batch + ", " + channels + ", "
                    + inH + ", " + inW + "]");
        }
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("pool2d: kernel " + kernelH + "x" + kernelW + " and stride " + strideH
                    + "x" + strideW + " must be > 0");
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool2d: padding (" + padH + ", " + padW
                    + ") must be >= 0 and at most half the kernel " + kernelH + "x" + kernelW);
        }
        if (kernelH > inH + 2 * padH || kernelW > inW + 2 * padW) {
            throw new IllegalArgumentException("pool2d: kernel " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + (inH + 2 * padH) + "x" + (inW + 2 * padW));
        }
    }

    /**
     * The geometry of pooling x [batch, channels, h, w].
     *
     * @param x the input [batch, channels, h, w]
     * @param kernel the window {height, width}
     * @param stride the step between windows {height, width}
     * @param padding the implicit padding {height, width}
     * @return the geometry
     */
    public static Pool2dGeometry of(Tensor x, int[] kernel, int[] stride, int[] padding) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("pool2d: input must be 4-D [batch, channels, height, width], got "
                    + x.describe());
        }
        return new Pool2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernel[0], kernel[1], stride[0], stride[1],
                padding[0], padding[1]);
    }

    /** {@return the output height} */
    public int outH() {
        return (inH + 2 * padH - kernelH) / strideH + 1;
    }

    /** {@return the output width} */
    public int outW() {
        return (inW + 2 * padW - kernelW) / strideW + 1;
    }

    /** {@return {batch, channels, outH, outW}} */
    public int[] outputShape() {
        return new int[] {batch, channels, outH(), outW()};
    }
}
