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
 * Scaled accumulation and fill.
 *   axpby: x[n], y[n] -> y[n]     y = alpha*x + beta*y
 *   fill:  y[n]                   y = value
 *
 * beta == 0 means "overwrite": y is not read at all, so NaN or garbage in a fresh buffer cannot
 * leak through 0*NaN. Products and the sum are separately rounded (no fused multiply-add) in
 * both versions, so they agree bit for bit. x may alias y at the same offset.
 */
/** Scaled accumulation (y = alpha·x + beta·y) and fill. */
public final class Scale {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private Scale() {}

    /**
     * {@code y[i] = alpha*x[i] + beta*y[i]} for {@code i < n}; with {@code beta == 0} y is only written.
     *
     * @param alpha the factor of x
     * @param x the input; may alias y at the same offset
     * @param xOff offset of x's first element, in floats
     * @param beta the factor of y; 0 overwrites y without reading it
     * @param y the output, also an input unless beta is 0
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void axpby(float alpha, MemorySegment x, long xOff, float beta, MemorySegment y, long yOff, long n) {
        if (!Simd.ENABLED) {
            axpbyScalar(alpha, x, xOff, beta, y, yOff, n);
            return;
        }
        checkAxpby(x, xOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                axpbyVector(alpha, x, (xOff + start) * Float.BYTES, beta, y, (yOff + start) * Float.BYTES, end - start));
    }

    /**
     * Scalar twin of {@link #axpby}: same arguments, same results bit for bit.
     *
     * @param alpha the factor of x
     * @param x the input; may alias y at the same offset
     * @param xOff offset of x's first element, in floats
     * @param beta the factor of y; 0 overwrites y without reading it
     * @param y the output, also an input unless beta is 0
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void axpbyScalar(float alpha, MemorySegment x, long xOff, float beta, MemorySegment y, long yOff,
                                   long n) {
        checkAxpby(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            float ax = alpha * x.getAtIndex(FLOAT, xOff + i);
            y.setAtIndex(FLOAT, yOff + i, beta == 0f ? ax : ax + beta * y.getAtIndex(FLOAT, yOff + i));
        }
    }

    /**
     * {@code y[i] = value} for {@code i < n}.
     *
     * @param y the output
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param value the value written
     */
    public static void fill(MemorySegment y, long yOff, long n, float value) {
        if (!Simd.ENABLED) {
            fillScalar(y, yOff, n, value);
            return;
        }
        checkFill(y, yOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                fillVector(y, (yOff + start) * Float.BYTES, end - start, value));
    }

    /**
     * Scalar twin of {@link #fill}.
     *
     * @param y the output, also an input unless beta is 0
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     * @param value the value written
     */
    public static void fillScalar(MemorySegment y, long yOff, long n, float value) {
        checkFill(y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, value);
        }
    }

    private static void axpbyVector(float alpha, MemorySegment x, long xb, float beta, MemorySegment y, long yb,
                                    long n) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        FloatVector bv = FloatVector.broadcast(F, beta);
        long bound = F.loopBound(n);
        long i = 0;
        if (beta == 0f) {
            for (; i < bound; i += F.length()) {
                long o = i * Float.BYTES;
                FloatVector.fromMemorySegment(F, x, xb + o, ORDER).mul(av).intoMemorySegment(y, yb + o, ORDER);
            }
            for (; i < n; i++) {
                long o = i * Float.BYTES;
                y.set(FLOAT, yb + o, alpha * x.get(FLOAT, xb + o));
            }
            return;
        }
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector ax = FloatVector.fromMemorySegment(F, x, xb + o, ORDER).mul(av);
            FloatVector by = FloatVector.fromMemorySegment(F, y, yb + o, ORDER).mul(bv);
            ax.add(by).intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, alpha * x.get(FLOAT, xb + o) + beta * y.get(FLOAT, yb + o));
        }
    }

    private static void fillVector(MemorySegment y, long yb, long n, float value) {
        FloatVector v = FloatVector.broadcast(F, value);
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            v.intoMemorySegment(y, yb + i * Float.BYTES, ORDER);
        }
        for (; i < n; i++) {
            y.set(FLOAT, yb + i * Float.BYTES, value);
        }
    }


    private static void checkAxpby(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }

    private static void checkFill(MemorySegment y, long yOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("y", y, yOff, n);
    }
}
