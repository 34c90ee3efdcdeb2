package dev.gatun.backend;

import dev.gatun.kernels.conv.ConvShape;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * The sizes of one 2-D convolution, NCHW, as cuDNN describes it.
 *
 * <pre>
 * x [batch, inChannels, inH, inW]
 * w [outChannels, inChannels / groups, kernelH, kernelW]      (PyTorch's and cuDNN's layout)
 * b [outChannels]
 * y [batch, outChannels, outH, outW]
 * outH = (inH + 2·padH − dilationH·(kernelH − 1) − 1) / strideH + 1     (floor), same for W
 * </pre>
 * Group g convolves input channels [g·Cin/G, (g+1)·Cin/G) into output channels
 * [g·Cout/G, (g+1)·Cout/G); groups == inChannels == outChannels is a depthwise convolution.
 *
 * @param batch the number of images
 * @param inChannels the input channels
 * @param inH the input height
 * @param inW the input width
 * @param outChannels the output channels
 * @param kernelH the kernel height
 * @param kernelW the kernel width
 * @param strideH the vertical stride, > 0
 * @param strideW the horizontal stride, > 0
 * @param padH the zero padding above and below, >= 0
 * @param padW the zero padding left and right, >= 0
 * @param dilationH the vertical spacing of kernel taps, > 0
 * @param dilationW the horizontal spacing of kernel taps, > 0
 * @param groups the number of channel groups; divides inChannels and outChannels
 */
public record Conv2dGeometry(int batch, int inChannels, int inH, int inW, int outChannels,
                             int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                             int dilationH, int dilationW, int groups) {
    /** Validates every size (the kernels' {@link ConvShape} rules); the message names the offending one. */
    public Conv2dGeometry {
        try {
            new ConvShape(batch, inChannels, inH, inW, outChannels, kernelH, kernelW, strideH, strideW, padH, padW,
                    dilationH, dilationW, groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("conv2d: " + e.getMessage().replaceFirst("^conv: ", ""), e);
        }
    }

    /** {@return the same sizes as the kernels take them} */
    public ConvShape kernelShape() {
        return new ConvShape(batch, inChannels, inH, inW, outChannels, kernelH, kernelW, strideH, strideW, padH, padW,
                dilationH, dilationW, groups);
    }

    /**
     * The geometry of convolving x with w, checking that their shapes agree.
     *
     * @param x the input [batch, inChannels, inH, inW]
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param stride   {h, w}
     * @param padding  {h, w}
     * @param dilation {h, w}
     * @param groups the number of channel groups; divides inChannels and outChannels
     * @return the geometry
     */
    public static Conv2dGeometry of(Tensor x, Tensor w, int[] stride, int[] padding, int[] dilation, int groups) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("conv2d: input must be 4-D [batch, channels, height, width], got " + x.describe());
        }
        if (w.rank() != 4) {
            throw new IllegalArgumentException("conv2d: weight must be 4-D [outChannels, inChannels/groups, kH, kW], got "
                    + w.describe());
        }
        if (groups <= 0) {
            throw new IllegalArgumentException("conv2d: groups must be > 0, got " + groups);
        }
        if (w.dim(1) * groups != x.dim(1)) {
            throw new IllegalArgumentException("conv2d: channel mismatch: input " + x.describe() + " has " + x.dim(1)
                    + " channels but weight " + Shape.str(w.shape()) + " with groups=" + groups + " expects "
                    + (w.dim(1) * groups));
        }
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException("conv2d: input " + x.describe() + " and weight " + w.describe()
                    + " differ in dtype");
        }
        return new Conv2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], groups);
    }

    /** {@return the output height} */
    public int outH() {
        return ConvShape.outSize(inH, padH, dilationH, kernelH, strideH);
    }

    /** {@return the output width} */
    public int outW() {
        return ConvShape.outSize(inW, padW, dilationW, kernelW, strideW);
    }

    /** {@return {batch, inChannels, inH, inW}} */
    public int[] inputShape() {
        return new int[] {batch, inChannels, inH, inW};
    }

    /** {@return {outChannels, inChannels / groups, kernelH, kernelW}} */
    public int[] weightShape() {
        return new int[] {outChannels, inChannels / groups, kernelH, kernelW};
    }

    /** {@return {batch, outChannels, outH, outW}} */
    public int[] outputShape() {
        return new int[] {batch, outChannels, outH(), outW()};
    }

    /** {@return the multiply-adds of the forward pass times two} */
    public double flops() {
        return 2.0 * batch * outChannels * outH() * outW() * (inChannels / groups) * kernelH * kernelW;
    }
}
