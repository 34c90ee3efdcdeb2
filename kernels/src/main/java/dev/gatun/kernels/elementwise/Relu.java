package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * ReLU.
 *   forward:  x[n] -> y[n]             y  = max(x, 0)
 *   backward: x[n], dy[n] -> dx[n]     dx = x > 0 ? dy : 0
 *
 * forward follows Math.max: NaN stays NaN (as in PyTorch) and -0 becomes +0. backward selects
 * rather than multiplies, so a NaN or infinite dy where x <= 0 still gives 0. Both are exact,
 * so the vector and scalar versions agree bit for bit. Outputs may alias inputs at the same
 * offset: every element is read before it is written.
 */
/** ReLU, max(x, 0), and its gradient. */
public final class Relu {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    // Below this the thread hand-off costs more than the memory traffic it splits.
    private static final long PARALLEL_MIN = 1 << 16;
    // Chunk starts stay multiples of every vector length, so only the last chunk has a tail.

    private Relu() {}

    /**
     * {@code y[i] = max(x[i], 0)} for {@code i < n}.
     *
     * @param x the forward input
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
        checkForward(x, xOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                forwardVector(x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start));
    }

    /**
     * Scalar twin of {@link #forward}: same arguments, same results bit for bit.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        checkForward(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, Math.max(x.getAtIndex(FLOAT, xOff + i), 0f));
        }
    }

    /**
     * {@code dx[i] = x[i] > 0 ? dy[i] : 0} for {@code i < n}.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     * @param n the number of elements
     */
    public static void backward(MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff, long n) {
        if (!Simd.ENABLED) {
            backwardScalar(x, xOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        checkBackward(x, xOff, dy, dyOff, dx, dxOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                backwardVector(x, (xOff + start) * Float.BYTES, dy, (dyOff + start) * Float.BYTES, dx, (dxOff + start) * Float.BYTES, end - start));
    }

    /**
     * Scalar twin of {@link #backward}: same arguments, same results bit for bit.
     *
     * @param x the forward input
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient of the loss with respect to y
     * @param dyOff offset of dy's first element, in floats
     * @param dx receives the gradient with respect to x
     * @param dxOff offset of dx's first element, in floats
     * @param n the number of elements
     */
    public static void backwardScalar(MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                      MemorySegment dx, long dxOff, long n) {
        checkBackward(x, xOff, dy, dyOff, dx, dxOff, n);
        for (long i = 0; i < n; i++) {
            float g = dy.getAtIndex(FLOAT, dyOff + i);
            dx.setAtIndex(FLOAT, dxOff + i, x.getAtIndex(FLOAT, xOff + i) > 0f ? g : 0f);
        }
    }

    private static void forwardVector(MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        FloatVector zero = FloatVector.zero(F);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector.fromMemorySegment(F, x, xb + o, ORDER).max(zero).intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, Math.max(x.get(FLOAT, xb + o), 0f));
        }
    }

    private static void backwardVector(MemorySegment x, long xb, MemorySegment dy, long dyb,
                                       MemorySegment dx, long dxb, long n) {
        FloatVector zero = FloatVector.zero(F);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector xv = FloatVector.fromMemorySegment(F, x, xb + o, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, dyb + o, ORDER);
            zero.blend(g, xv.compare(VectorOperators.GT, 0f)).intoMemorySegment(dx, dxb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            float g = dy.get(FLOAT, dyb + o);
            dx.set(FLOAT, dxb + o, x.get(FLOAT, xb + o) > 0f ? g : 0f);
        }
    }


    private static void checkForward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }

    private static void checkBackward(MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                      MemorySegment dx, long dxOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("dy", dy, dyOff, n);
        SegmentBounds.floats("dx", dx, dxOff, n);
    }
}
