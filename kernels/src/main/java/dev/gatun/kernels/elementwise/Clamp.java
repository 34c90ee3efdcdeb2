package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Clamp (gradient clipping by value, among others).
 *   forward: x[n] -> y[n]     y = min(max(x, lo), hi)
 *
 * Follows Math.max/Math.min, as torch.clamp does: NaN stays NaN. Exact, so the vector and
 * scalar versions agree bit for bit. y may alias x at the same offset.
 */
/** Clamps every element into [lo, hi]; NaN stays NaN. */
public final class Clamp {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private Clamp() {}

    /**
     * {@code y[i] = min(max(x[i], lo), hi)} for {@code i < n}; needs {@code lo <= hi}.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param lo the lower bound
     * @param hi the upper bound, at least lo
     */
    public static void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n, float lo, float hi) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n, lo, hi);
            return;
        }
        check(x, xOff, y, yOff, n, lo, hi);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                forwardVector(x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start, lo, hi));
    }

    /**
     * Scalar twin of {@link #forward}: same arguments, same results bit for bit.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param lo the lower bound
     * @param hi the upper bound, at least lo
     */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n,
                                     float lo, float hi) {
        check(x, xOff, y, yOff, n, lo, hi);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, Math.min(Math.max(x.getAtIndex(FLOAT, xOff + i), lo), hi));
        }
    }

    private static void forwardVector(MemorySegment x, long xb, MemorySegment y, long yb, long n,
                                      float lo, float hi) {
        FloatVector low = FloatVector.broadcast(F, lo);
        FloatVector high = FloatVector.broadcast(F, hi);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector.fromMemorySegment(F, x, xb + o, ORDER).max(low).min(high).intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, Math.min(Math.max(x.get(FLOAT, xb + o), lo), hi));
        }
    }

    private static void check(MemorySegment x, long xOff, MemorySegment y, long yOff, long n, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp needs lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }
}
