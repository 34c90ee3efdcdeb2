package dev.gatun.kernels.pool;

import static dev.gatun.kernels.pool.PairLanes.F;
import static dev.gatun.kernels.pool.PairLanes.L;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/*
 * 2-D average pooling over contiguous planes (see PoolShape).
 *   forward:  x[planes, inH, inW] -> y[planes, outH, outW]    y = (sum of the window's input elements) / div
 *   backward: dy[planes, outH, outW] -> dx[planes, inH, inW]  dx = sum over windows covering it of dy / div
 * div = kernelH·kernelW when countIncludePad (PyTorch's default: padded zeros count), else the
 * number of input elements in the window.
 *
 * The scalar twin sums each window in double and rounds once. The vector version has a fast
 * path for 2×2 windows, stride 2, no padding (div = 4 either way), staged through arrays as in
 * MaxPool: the two rows' even and odd columns are split by lane permutes (PairLanes) and added
 * in float, (x00 + x01) + (x10 + x11), then scaled by 0.25, so it differs from the twin by a
 * float rounding or two of the sum; its
 * backward writes dy/4 into the four positions through the inverse permutes, bit-identical to
 * the twin (dividing by 4 is exact). Other geometries run the twin's loops, threaded over planes.
 */
/** 2-D average pooling over contiguous planes, and its gradient. */
public final class AvgPool {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private AvgPool() {}

    /**
     * Average pooling of every plane of x into y.
     *
     * @param s the pooling's sizes
     * @param countIncludePad whether padded zeros count in the divisor (PyTorch's default)
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output
     * @param yOff offset of y's first element, in floats
     */
    public static void forward(PoolShape s, boolean countIncludePad, MemorySegment x, long xOff,
                               MemorySegment y, long yOff) {
        if (!Simd.ENABLED) {
            forwardScalar(s, countIncludePad, x, xOff, y, yOff);
            return;
        }
        s.checkInput("x", x, xOff);
        s.checkOutput("y", y, yOff);
        MaxPool.eachPlane(s, (p, st) -> {
            long xp = xOff + p * s.inPlane();
            long yp = yOff + p * s.outPlane();
            if (st != null) {
                forwardPlaneTwoByTwo(s, x, xp, y, yp, st);
            } else {
                forwardPlane(s, countIncludePad, x, xp, y, yp);
            }
        });
    }

    /**
     * Scalar twin of {@link #forward}: window sums in double, one rounding.
     *
     * @param s the pooling's sizes
     * @param countIncludePad whether padded zeros count in the divisor (PyTorch's default)
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output
     * @param yOff offset of y's first element, in floats
     */
    public static void forwardScalar(PoolShape s, boolean countIncludePad, MemorySegment x, long xOff,
                                     MemorySegment y, long yOff) {
        s.checkInput("x", x, xOff);
        s.checkOutput("y", y, yOff);
        for (int p = 0; p < s.planes(); p++) {
            forwardPlane(s, countIncludePad, x, xOff + p * s.inPlane(), y, yOff + p * s.outPlane());
        }
    }

    /**
     * Gradient of {@link #forward}: dx is overwritten.
     *
     * @param s the pooling's sizes
     * @param countIncludePad whether padded zeros count in the divisor (PyTorch's default)
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backward(PoolShape s, boolean countIncludePad, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff) {
        if (!Simd.ENABLED) {
            backwardScalar(s, countIncludePad, dy, dyOff, dx, dxOff);
            return;
        }
        s.checkOutput("dy", dy, dyOff);
        s.checkInput("dx", dx, dxOff);
        MaxPool.eachPlane(s, (p, st) -> {
            long dyp = dyOff + p * s.outPlane();
            long dxp = dxOff + p * s.inPlane();
            if (st != null) {
                backwardPlaneTwoByTwo(s, dy, dyp, dx, dxp, st);
            } else {
                backwardPlane(s, countIncludePad, dy, dyp, dx, dxp);
            }
        });
    }

    /**
     * Scalar twin of {@link #backward}.
     *
     * @param s the pooling's sizes
     * @param countIncludePad whether padded zeros count in the divisor (PyTorch's default)
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backwardScalar(PoolShape s, boolean countIncludePad, MemorySegment dy, long dyOff,
                                      MemorySegment dx, long dxOff) {
        s.checkOutput("dy", dy, dyOff);
        s.checkInput("dx", dx, dxOff);
        for (int p = 0; p < s.planes(); p++) {
            backwardPlane(s, countIncludePad, dy, dyOff + p * s.outPlane(), dx, dxOff + p * s.inPlane());
        }
    }

    private static void forwardPlane(PoolShape s, boolean countIncludePad, MemorySegment x, long xp,
                                     MemorySegment y, long yp) {
        int outW = s.outW();
        for (int oh = 0; oh < s.outH(); oh++) {
            int h0 = Math.max(s.rowStart(oh), 0);
            int h1 = Math.min(s.rowStart(oh) + s.kernelH(), s.inH());
            for (int ow = 0; ow < outW; ow++) {
                int w0 = Math.max(s.colStart(ow), 0);
                int w1 = Math.min(s.colStart(ow) + s.kernelW(), s.inW());
                double sum = 0;
                for (int h = h0; h < h1; h++) {
                    for (int w = w0; w < w1; w++) {
                        sum += x.getAtIndex(FLOAT, xp + (long) h * s.inW() + w);
                    }
                }
                int div = countIncludePad ? s.kernelH() * s.kernelW() : (h1 - h0) * (w1 - w0);
                y.setAtIndex(FLOAT, yp + (long) oh * outW + ow, (float) (sum / div));
            }
        }
    }

    private static void backwardPlane(PoolShape s, boolean countIncludePad, MemorySegment dy, long dyp,
                                      MemorySegment dx, long dxp) {
        dx.asSlice(dxp * Float.BYTES, s.inPlane() * Float.BYTES).fill((byte) 0);
        int outW = s.outW();
        for (int oh = 0; oh < s.outH(); oh++) {
            int h0 = Math.max(s.rowStart(oh), 0);
            int h1 = Math.min(s.rowStart(oh) + s.kernelH(), s.inH());
            for (int ow = 0; ow < outW; ow++) {
                int w0 = Math.max(s.colStart(ow), 0);
                int w1 = Math.min(s.colStart(ow) + s.kernelW(), s.inW());
                int div = countIncludePad ? s.kernelH() * s.kernelW() : (h1 - h0) * (w1 - w0);
                float g = (float) (dy.getAtIndex(FLOAT, dyp + (long) oh * outW + ow) / (double) div);
                for (int h = h0; h < h1; h++) {
                    for (int w = w0; w < w1; w++) {
                        long at = dxp + (long) h * s.inW() + w;
                        dx.setAtIndex(FLOAT, at, dx.getAtIndex(FLOAT, at) + g);
                    }
                }
            }
        }
    }

    // Staged through heap arrays with whole-vector steps only, as in MaxPool (which see).

    private static void forwardPlaneTwoByTwo(PoolShape s, MemorySegment x, long xp, MemorySegment y, long yp,
                                             MaxPool.Staging st) {
        int inW = s.inW();
        int outW = s.outW();
        MemorySegment.copy(x, FLOAT, xp * Float.BYTES, st.in, 0, (int) s.inPlane());
        for (int oh = 0; oh < s.outH(); oh++) {
            int r0 = 2 * oh * inW;
            int o = oh * outW;
            for (int next = 0; next < outW; next += L) {
                int ow = outW < L ? 0 : Math.min(next, outW - L);
                windowMean(st.in, r0 + 2 * ow, inW, st.out, o + ow);
            }
        }
        MemorySegment.copy(st.out, 0, y, FLOAT, yp * Float.BYTES, (int) s.outPlane());
    }

    /** L windows whose first top-left element is in[at]: (x00 + x01) + (x10 + x11), times 1/4, to out[o]. */
    private static void windowMean(float[] in, int at, int inW, float[] out, int o) {
        FloatVector a0 = FloatVector.fromArray(F, in, at);
        FloatVector a1 = FloatVector.fromArray(F, in, at + L);
        FloatVector b0 = FloatVector.fromArray(F, in, at + inW);
        FloatVector b1 = FloatVector.fromArray(F, in, at + inW + L);
        FloatVector top = PairLanes.evens(a0, a1).add(PairLanes.odds(a0, a1));
        FloatVector bottom = PairLanes.evens(b0, b1).add(PairLanes.odds(b0, b1));
        top.add(bottom).mul(0.25f).intoArray(out, o);
    }

    private static void backwardPlaneTwoByTwo(PoolShape s, MemorySegment dy, long dyp, MemorySegment dx, long dxp,
                                              MaxPool.Staging st) {
        int inW = s.inW();
        int outW = s.outW();
        MemorySegment.copy(dy, FLOAT, dyp * Float.BYTES, st.out, 0, (int) s.outPlane());
        for (int oh = 0; oh < s.outH(); oh++) {
            int r0 = 2 * oh * inW;
            int o = oh * outW;
            for (int next = 0; next < outW; next += L) {
                int ow = outW < L ? 0 : Math.min(next, outW - L);
                windowSpread(st.out, o + ow, r0 + 2 * ow, inW, st.in);
            }
        }
        st.clearUncovered(s);
        MemorySegment.copy(st.in, 0, dx, FLOAT, dxp * Float.BYTES, (int) s.inPlane());
    }

    /** Writes g[o...]/4 to all four positions of L windows whose first top-left element is dx[at]. */
    private static void windowSpread(float[] g, int o, int at, int inW, float[] dx) {
        FloatVector q = FloatVector.fromArray(F, g, o).mul(0.25f);
        FloatVector lo = PairLanes.interleaveLow(q, q);
        FloatVector hi = PairLanes.interleaveHigh(q, q);
        lo.intoArray(dx, at);
        hi.intoArray(dx, at + L);
        lo.intoArray(dx, at + inW);
        hi.intoArray(dx, at + inW + L);
    }
}
