package dev.gatun.kernels.pool;

import dev.gatun.kernels.SegmentBounds;
import java.lang.foreign.MemorySegment;

/**
 * The sizes of one 2-D pooling over {@code planes} contiguous planes (batch × channels of an NCHW
 * tensor): each plane [inH, inW] maps to [outH, outW], outH = (inH + 2·padH − kernelH) / strideH + 1
 * (floor), same for W. Padding is at most half the kernel, so every window holds at least one
 * input element.
 *
 * @param planes the number of planes, batch × channels
 * @param inH the input height
 * @param inW the input width
 * @param kernelH the window height
 * @param kernelW the window width
 * @param strideH the vertical step between windows
 * @param strideW the horizontal step between windows
 * @param padH the implicit padding above and below, at most kernelH / 2
 * @param padW the implicit padding left and right, at most kernelW / 2
 */
public record PoolShape(int planes, int inH, int inW, int kernelH, int kernelW, int strideH, int strideW,
                        int padH, int padW) {
    /** Validates every size; the message names the offending one. */
    public PoolShape {
        if (planes < 0 || inH <= 0 || inW <= 0) {
            throw new IllegalArgumentException("pool: planes must be >= 0 and input " + inH + "x" + inW + " > 0, got planes="
                    + planes);
        }
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("pool: kernel " + kernelH + "x" + kernelW + " and stride " + strideH + "x"
                    + strideW + " must be > 0");
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool: padding (" + padH + ", " + padW
                    + ") must be >= 0 and at most half the kernel " + kernelH + "x" + kernelW);
        }
        if (kernelH > inH + 2 * padH || kernelW > inW + 2 * padW) {
            throw new IllegalArgumentException("pool: kernel " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + (inH + 2 * padH) + "x" + (inW + 2 * padW));
        }
        if ((long) inH * inW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pool: plane " + inH + "x" + inW + " has more elements than an int32 index");
        }
    }

    /**
     * A square kernel with stride = kernel and no padding.
     *
     * @param planes the number of planes, batch × channels
     * @param inH the input height
     * @param inW the input width
     * @param kernel the window's side, also the stride
     * @return the pooling's sizes
     */
    public static PoolShape of(int planes, int inH, int inW, int kernel) {
        return new PoolShape(planes, inH, inW, kernel, kernel, kernel, kernel, 0, 0);
    }

    /** {@return the output height} */
    public int outH() {
        return (inH + 2 * padH - kernelH) / strideH + 1;
    }

    /** {@return the output width} */
    public int outW() {
        return (inW + 2 * padW - kernelW) / strideW + 1;
    }

    /** {@return the elements per input plane} */
    public long inPlane() {
        return (long) inH * inW;
    }

    /** {@return the elements per output plane} */
    public long outPlane() {
        return (long) outH() * outW();
    }

    /** True for 2×2 windows, stride 2, no padding: the common CNN case with vector fast paths. */
    boolean isTwoByTwo() {
        return kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0;
    }

    /** Input row of window row 0 for output row oh (may be negative: padding). */
    int rowStart(int oh) {
        return oh * strideH - padH;
    }

    /** Input column of window column 0 for output column ow (may be negative: padding). */
    int colStart(int ow) {
        return ow * strideW - padW;
    }

    void checkInput(String name, MemorySegment seg, long off) {
        SegmentBounds.floats(name, seg, off, SegmentBounds.product(name + " size", planes, inPlane()));
    }

    void checkOutput(String name, MemorySegment seg, long off) {
        SegmentBounds.floats(name, seg, off, SegmentBounds.product(name + " size", planes, outPlane()));
    }

    void checkIndices(String name, MemorySegment seg, long off) {
        SegmentBounds.ints(name, seg, off, SegmentBounds.product(name + " size", planes, outPlane()));
    }
}
