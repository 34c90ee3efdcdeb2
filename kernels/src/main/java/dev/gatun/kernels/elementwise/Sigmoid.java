package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Logistic sigmoid.
 *   forward:  x[n] -> y[n]             y  = 1 / (1 + e^-x)
 *   backward: y[n], dy[n] -> dx[n]     dx = dy * y * (1 - y)     (y is the forward output)
 *
 * forward evaluates e = e^-|x|, which lies in (0, 1] and so can neither overflow nor lose the
 * small outputs: y = 1/(1+e) for x >= 0 and e/(1+e) for x < 0 (the same function, mirrored).
 * So y is exactly 0 or 1 only where the true value rounds there, and never NaN unless x is.
 * forward is VectorMath.sigmoid over float[] blocks, within 3 ulp of the exact value, and the
 * scalar twin is VectorMath's scalar sigmoid: the same bits, in every JIT tier. backward is
 * plain float arithmetic in the same order in both versions: bit-identical. Outputs may alias
 * inputs at the same offset.
 */
/** The logistic sigmoid 1 / (1 + e^-x) and its gradient. */
public final class Sigmoid {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    // Blocks are staged through a float[] for VectorMath's array loops (see StagedMath).
    private static final int STAGE = 1024;

    private Sigmoid() {}

    /**
     * {@code y[i] = 1 / (1 + exp(-x[i]))} for {@code i < n}.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n);
            return;
        }
        check("x", x, xOff, "y", y, yOff, null, null, 0, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                forwardVector(x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start));
    }

    /**
     * Scalar twin of {@link #forward}: {@link VectorMath#sigmoid(float)}, the same bits.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        check("x", x, xOff, "y", y, yOff, null, null, 0, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, VectorMath.sigmoid(x.getAtIndex(FLOAT, xOff + i)));
        }
    }

    /**
     * {@code dx[i] = dy[i] * y[i] * (1 - y[i])} for {@code i < n}, where y is the forward output.
     *
     * @param y the forward output
     * @param yOff offset of y's first element, in floats
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     * @param n the number of elements
     */
    public static void backward(MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff, long n) {
        if (!Simd.ENABLED) {
            backwardScalar(y, yOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        check("y", y, yOff, "dy", dy, dyOff, "dx", dx, dxOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                backwardVector(y, (yOff + start) * Float.BYTES, dy, (dyOff + start) * Float.BYTES, dx, (dxOff + start) * Float.BYTES, end - start));
    }

    /**
     * Scalar twin of {@link #backward}: same arguments, same results bit for bit.
     *
     * @param y the forward output
     * @param yOff offset of y's first element, in floats
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     * @param n the number of elements
     */
    public static void backwardScalar(MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                      MemorySegment dx, long dxOff, long n) {
        check("y", y, yOff, "dy", dy, dyOff, "dx", dx, dxOff, n);
        for (long i = 0; i < n; i++) {
            float yi = y.getAtIndex(FLOAT, yOff + i);
            dx.setAtIndex(FLOAT, dxOff + i, dy.getAtIndex(FLOAT, dyOff + i) * yi * (1f - yi));
        }
    }

    private static void forwardVector(MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        float[] buf = new float[(int) Math.min(n, STAGE)];
        for (long done = 0; done < n; done += STAGE) {
            int len = (int) Math.min(STAGE, n - done);
            MemorySegment.copy(x, FLOAT, xb + done * Float.BYTES, buf, 0, len);
            VectorMath.sigmoid(buf, 0, len);
            MemorySegment.copy(buf, 0, y, FLOAT, yb + done * Float.BYTES, len);
        }
    }

    private static void backwardVector(MemorySegment y, long yb, MemorySegment dy, long dyb,
                                       MemorySegment dx, long dxb, long n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector yv = FloatVector.fromMemorySegment(F, y, yb + o, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, dyb + o, ORDER);
            g.mul(yv).mul(one.sub(yv)).intoMemorySegment(dx, dxb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            float yi = y.get(FLOAT, yb + o);
            dx.set(FLOAT, dxb + o, dy.get(FLOAT, dyb + o) * yi * (1f - yi));
        }
    }


    private static void check(String an, MemorySegment a, long aOff, String bn, MemorySegment b, long bOff,
                              String cn, MemorySegment c, long cOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats(an, a, aOff, n);
        SegmentBounds.floats(bn, b, bOff, n);
        if (cn != null) {
            SegmentBounds.floats(cn, c, cOff, n);
        }
    }
}
