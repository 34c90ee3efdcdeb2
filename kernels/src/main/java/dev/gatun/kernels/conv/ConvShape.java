package dev.gatun.kernels.conv;

import dev.gatun.kernels.SegmentBounds;
import java.lang.foreign.MemorySegment;

/**
 * The sizes of one NCHW 2-D convolution as the kernels see them.
 *
 * <pre>
 * x [batch, inChannels, inH, inW]
 * w [outChannels, inChannels / groups, kernelH, kernelW]
 * y [batch, outChannels, outH, outW]
 * outH = (inH + 2·padH − dilationH·(kernelH − 1) − 1) / strideH + 1     (floor), same for W
 * </pre>
 * Kernels are public and take raw segments, so the checks live here; the runtime's
 * {@code Conv2dGeometry} runs them through this record too.
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
public record ConvShape(int batch, int inChannels, int inH, int inW, int outChannels,
                        int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                        int dilationH, int dilationW, int groups) {
    /** Validates every size; the message names the offending one. */
    public ConvShape {
        positive("batch", batch);
        positive("inChannels", inChannels);
        positive("inH", inH);
        positive("inW", inW);
        positive("outChannels", outChannels);
        positive("kernelH", kernelH);
        positive("kernelW", kernelW);
        positive("strideH", strideH);
        positive("strideW", strideW);
        positive("dilationH", dilationH);
        positive("dilationW", dilationW);
        positive("groups", groups);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv: padding must be >= 0, got (" + padH + ", " + padW + ")");
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv: groups=" + groups + " must divide inChannels=" + inChannels
                    + " and outChannels=" + outChannels);
        }
        long spanH = (long) dilationH * (kernelH - 1) + 1;
        long spanW = (long) dilationW * (kernelW - 1) + 1;
        if (spanH > inH + 2L * padH || spanW > inW + 2L * padW) {
            throw new IllegalArgumentException("conv: kernel span " + spanH + "x" + spanW
                    + " is larger than the padded input " + (inH + 2L * padH) + "x" + (inW + 2L * padW));
        }
        long col = SegmentBounds.product("conv column rows", (long) inChannels / groups * kernelH, kernelW);
        long outPixels = ((inH + 2L * padH - spanH) / strideH + 1) * ((inW + 2L * padW - spanW) / strideW + 1);
        SegmentBounds.product("conv column buffer", col, outPixels);
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("conv: " + what + " must be > 0, got " + v);
        }
    }

    /** {@return the output height} */
    public int outH() {
        return outSize(inH, padH, dilationH, kernelH, strideH);
    }

    /** {@return the output width} */
    public int outW() {
        return outSize(inW, padW, dilationW, kernelW, strideW);
    }

    /**
     * Output length along one axis: (in + 2·pad − dilation·(kernel − 1) − 1) / stride + 1, floored.
     *
     * @param in the input length along the axis
     * @param pad the padding on each side
     * @param dilation the spacing of kernel taps
     * @param kernel the kernel length
     * @param stride the step between windows
     * @return the output length
     */
    public static int outSize(int in, int pad, int dilation, int kernel, int stride) {
        return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
    }

    /** {@return the pixels of one input plane, inH·inW} */
    public int inPlane() {
        return inH * inW;
    }

    /** {@return the pixels of one output plane, outH·outW} */
    public int outPlane() {
        return outH() * outW();
    }

    /** {@return the input channels per group} */
    public int groupIn() {
        return inChannels / groups;
    }

    /** {@return the output channels per group} */
    public int groupOut() {
        return outChannels / groups;
    }

    /** {@return the rows of a group's column matrix, the GEMM depth: groupIn·kernelH·kernelW} */
    public int patch() {
        return groupIn() * kernelH * kernelW;
    }

    /** {@return the elements of x, batch·inChannels·inH·inW} */
    public long inputSize() {
        return (long) batch * inChannels * inPlane();
    }

    /** {@return the elements of w, outChannels·patch} */
    public long weightSize() {
        return (long) outChannels * patch();
    }

    /** {@return the elements of y, batch·outChannels·outH·outW} */
    public long outputSize() {
        return (long) batch * outChannels * outPlane();
    }

    /**
     * {@return the multiply-adds of the forward pass times two (the same for each backward pass)}
     */
    public double flops() {
        return 2.0 * outputSize() * patch();
    }

    void checkInput(String name, MemorySegment s, long off) {
        SegmentBounds.floats(name, s, off, inputSize());
    }

    void checkWeight(String name, MemorySegment s, long off) {
        SegmentBounds.floats(name, s, off, weightSize());
    }

    void checkOutput(String name, MemorySegment s, long off) {
        SegmentBounds.floats(name, s, off, outputSize());
    }

    void checkBias(String name, MemorySegment s, long off) {
        if (s != null) {
            SegmentBounds.floats(name, s, off, outChannels);
        }
    }
}
