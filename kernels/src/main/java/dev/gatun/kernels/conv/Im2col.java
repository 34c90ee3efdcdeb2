package dev.gatun.kernels.conv;

import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.ThreadFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * The column matrix of one image's channel range, and its adjoint.
 *   im2col: x[channels, inH, inW] -> col[channels·kH·kW, outH·outW]   (row stride ldCol)
 *           col[(c·kH + i)·kW + j, oh·outW + ow] = x[c, oh·sH − pH + i·dH, ow·sW − pW + j·dW], 0 outside
 *   col2im: col -> dx, dx[c, ih, iw] += every col entry that im2col read from there
 *
 * ldCol >= outH·outW lets several images sit side by side in one column matrix (image b at
 * column b·outH·outW), so one GEMM covers a chunk of the batch.
 *
 * im2col is only the plain reference now: the convolutions pack Sgemm's panels straight from
 * the image (ColumnPanels, an implicit GEMM), whose tests compare against it.
 *
 * col2im, the backward-data path where the implicit GEMM does not pay, first copies each plane
 * into a zero-bordered float[] (per thread, reused) and accumulates every (c, i, j, oh) run into
 * it with no bounds tests, then copies the interior back (6.4-8.5 ms for the CNN's second layer's
 * batch on one thread; keeping a plane row in registers and adding all kW shifted runs with
 * masked loads measured 14 ms). Its twin visits elements in the same order and does the same
 * float additions, so results are bit-identical.
 */
/**
 * The column matrix of one image's channel range (im2col) and its adjoint (col2im), for tests and
 * backward data.
 */
public final class Im2col {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ThreadFloats PLANE = new ThreadFloats(1);

    private Im2col() {}

    /**
     * Writes the column matrix of {@code channels} input channels of one image, starting at
     * {@code xOff} (the image's first channel of the range), into col at {@code colOff}, rows
     * {@code ldCol} floats apart; offsets in floats. One bounds test per element, straight from x:
     * the reference the implicit GEMM's packer ({@link ColumnPanels}) is tested against (the
     * convolutions themselves never materialize this matrix).
     *
     * @param s the convolution's sizes
     * @param x the image's input planes
     * @param xOff offset of the first channel of the range, in floats
     * @param channels the number of channels in the range
     * @param col the column matrix [channels·kernelH·kernelW, outH·outW]
     * @param colOff offset of col's first element, in floats
     * @param ldCol the distance between col's rows, in floats, at least outH·outW
     */
    public static void im2col(ConvShape s, MemorySegment x, long xOff, int channels, MemorySegment col, long colOff, long ldCol) {
        check(s, "x", x, xOff, channels, col, colOff, ldCol);
        int outW = s.outW();
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < s.kernelH(); i++) {
                for (int j = 0; j < s.kernelW(); j++) {
                    long row = colOff + ((long) (c * s.kernelH() + i) * s.kernelW() + j) * ldCol;
                    for (int oh = 0; oh < s.outH(); oh++) {
                        int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                            boolean in = ih >= 0 && ih < s.inH() && iw >= 0 && iw < s.inW();
                            float v = in ? x.getAtIndex(FLOAT, xOff + ((long) c * s.inH() + ih) * s.inW() + iw) : 0f;
                            col.setAtIndex(FLOAT, row + (long) oh * outW + ow, v);
                        }
                    }
                }
            }
        }
    }

    /**
     * Adds the column matrix back into {@code channels} channels of one image at dxOff (the adjoint
     * of {@link #im2col}, same arguments). dx accumulates: zero it first for a plain gradient.
     *
     * @param s the convolution's sizes
     * @param col the column matrix [channels·kernelH·kernelW, outH·outW]
     * @param colOff offset of col's first element, in floats
     * @param ldCol the distance between col's rows, in floats, at least outH·outW
     * @param channels the number of channels in the range
     * @param dx the image's gradient planes, added to
     * @param dxOff offset of the first channel of the range in dx, in floats
     */
    public static void col2im(ConvShape s, MemorySegment col, long colOff, long ldCol, int channels, MemorySegment dx, long dxOff) {
        if (!Simd.ENABLED) {
            col2imScalar(s, col, colOff, ldCol, channels, dx, dxOff);
            return;
        }
        check(s, "dx", dx, dxOff, channels, col, colOff, ldCol);
        int outH = s.outH();
        int outW = s.outW();
        int wp = s.inW() + 2 * s.padW();
        float[] plane = paddedPlane(s);
        for (int c = 0; c < channels; c++) {
            long at = dxOff + (long) c * s.inPlane();
            loadPlane(s, dx, at, plane, wp);
            for (int i = 0; i < s.kernelH(); i++) {
                for (int j = 0; j < s.kernelW(); j++) {
                    long from = colOff + ((long) (c * s.kernelH() + i) * s.kernelW() + j) * ldCol;
                    int dst = i * s.dilationH() * wp + j * s.dilationW();
                    for (int oh = 0; oh < outH; oh++, from += outW) {
                        int to = dst + oh * s.strideH() * wp;
                        if (s.strideW() == 1) {
                            addRun(col, from * Float.BYTES, plane, to, outW);
                        } else {
                            for (int ow = 0; ow < outW; ow++) {
                                plane[to + ow * s.strideW()] += col.getAtIndex(FLOAT, from + ow);
                            }
                        }
                    }
                }
            }
            storePlane(s, plane, wp, dx, at);
        }
    }

    /**
     * Scalar twin of {@link #col2im}: same additions in the same order, bit for bit.
     *
     * @param s the convolution's sizes
     * @param col the column matrix [channels·kernelH·kernelW, outH·outW]
     * @param colOff offset of col's first element, in floats
     * @param ldCol the distance between col's rows, in floats, at least outH·outW
     * @param channels the number of channels in the range
     * @param dx the image's gradient planes, added to
     * @param dxOff offset of the first channel of the range in dx, in floats
     */
    public static void col2imScalar(ConvShape s, MemorySegment col, long colOff, long ldCol, int channels, MemorySegment dx, long dxOff) {
        check(s, "dx", dx, dxOff, channels, col, colOff, ldCol);
        int outW = s.outW();
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < s.kernelH(); i++) {
                for (int j = 0; j < s.kernelW(); j++) {
                    long row = colOff + ((long) (c * s.kernelH() + i) * s.kernelW() + j) * ldCol;
                    for (int oh = 0; oh < s.outH(); oh++) {
                        int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                            if (ih >= 0 && ih < s.inH() && iw >= 0 && iw < s.inW()) {
                                long d = dxOff + ((long) c * s.inH() + ih) * s.inW() + iw;
                                dx.setAtIndex(FLOAT, d, dx.getAtIndex(FLOAT, d) + col.getAtIndex(FLOAT, row + (long) oh * outW + ow));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * dst[to..to+n) += n floats of src from byte offset srcAt. A ragged end (n >= one vector) is
     * one more vector ending at n, summed from the original dst before any store: where it
     * overlaps the last full vector both write the same sums, so each element is still added
     * exactly once. conv2's batch: 6.4-8.5 ms against 11.4 with a scalar loop for the 6-float tail.
     */
    private static void addRun(MemorySegment src, long srcAt, float[] dst, int to, int n) {
        int lanes = F.length();
        if (n < lanes) {
            for (int k = 0; k < n; k++) {
                dst[to + k] += src.get(FLOAT, srcAt + (long) k * Float.BYTES);
            }
            return;
        }
        int last = n - lanes;
        FloatVector end = FloatVector.fromArray(F, dst, to + last)
                .add(FloatVector.fromMemorySegment(F, src, srcAt + (long) last * Float.BYTES, ORDER));
        for (int k = 0; k < last; k += lanes) {
            FloatVector.fromArray(F, dst, to + k).add(FloatVector.fromMemorySegment(F, src, srcAt + (long) k * Float.BYTES, ORDER))
                    .intoArray(dst, to + k);
        }
        end.intoArray(dst, to + last);
    }

    /** This thread's padded plane for s, zeroed (im2col then only writes its interior, so the border stays 0). */
    private static float[] paddedPlane(ConvShape s) {
        int size = (s.inH() + 2 * s.padH()) * (s.inW() + 2 * s.padW());
        float[] plane = PLANE.get(0, size);
        java.util.Arrays.fill(plane, 0, size, 0f);
        return plane;
    }

    /** The interior of the padded plane (row length wp) = x's plane at xOff. */
    private static void loadPlane(ConvShape s, MemorySegment x, long xOff, float[] plane, int wp) {
        for (int h = 0; h < s.inH(); h++) {
            MemorySegment.copy(x, FLOAT, (xOff + (long) h * s.inW()) * Float.BYTES, plane,
                    (h + s.padH()) * wp + s.padW(), s.inW());
        }
    }

    /** dx's plane at at = the interior of the padded plane. */
    private static void storePlane(ConvShape s, float[] plane, int wp, MemorySegment dx, long at) {
        for (int h = 0; h < s.inH(); h++) {
            MemorySegment.copy(plane, (h + s.padH()) * wp + s.padW(), dx, FLOAT, (at + (long) h * s.inW()) * Float.BYTES, s.inW());
        }
    }

    private static void check(ConvShape s, String xn, MemorySegment x, long xOff, int channels,
                              MemorySegment col, long colOff, long ldCol) {
        if (channels < 0 || channels > s.inChannels()) {
            throw new IllegalArgumentException("im2col: channels must be in [0, " + s.inChannels() + "], got " + channels);
        }
        int plane = s.outPlane();
        if (ldCol < plane) {
            throw new IllegalArgumentException("im2col: ldCol must be >= outH·outW = " + plane + ", got " + ldCol);
        }
        SegmentBounds.floats(xn, x, xOff, (long) channels * s.inPlane());
        long rows = (long) channels * s.kernelH() * s.kernelW();
        SegmentBounds.floats("col", col, colOff, rows == 0 ? 0 : (rows - 1) * ldCol + plane);
    }
}
