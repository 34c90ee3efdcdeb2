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
 * Hyperbolic tangent.
 *   forward:  x[n] -> y[n]             y  = tanh(x)
 *   backward: y[n], dy[n] -> dx[n]     dx = dy * (1 - y*y)     (y is the forward output)
 *
 * forward uses lanewise(TANH), the JDK's SVML vector tanh on x86; it saturates to +-1 for large
 * |x| without overflow and stays within a few ulp of the scalar twin, (float) Math.tanh.
 * backward is plain float arithmetic in the same order in both versions: bit-identical.
 * Outputs may alias inputs at the same offset.
 */
public final class Tanh {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    private static final long CHUNK_ALIGN = 64;

    private Tanh() {}

    /** {@code y[i] = tanh(x[i])} for {@code i < n}. */
    public static void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n);
            return;
        }
        check("x", x, xOff, "y", y, yOff, null, null, 0, n);
        if (n < PARALLEL_MIN || Parallel.THREADS == 1) {
            forwardVector(x, xOff * Float.BYTES, y, yOff * Float.BYTES, n);
            return;
        }
        long chunk = chunk(n);
        Parallel.forEach(Parallel.THREADS, t -> {
            long start = Math.min(n, t * chunk);
            long end = Math.min(n, start + chunk);
            forwardVector(x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start);
        });
    }

    /** Scalar twin of {@link #forward}: {@code (float) Math.tanh(x)}. */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        check("x", x, xOff, "y", y, yOff, null, null, 0, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, (float) Math.tanh(x.getAtIndex(FLOAT, xOff + i)));
        }
    }

    /** {@code dx[i] = dy[i] * (1 - y[i]*y[i])} for {@code i < n}, where y is the forward output. */
    public static void backward(MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                MemorySegment dx, long dxOff, long n) {
        if (!Simd.ENABLED) {
            backwardScalar(y, yOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        check("y", y, yOff, "dy", dy, dyOff, "dx", dx, dxOff, n);
        if (n < PARALLEL_MIN || Parallel.THREADS == 1) {
            backwardVector(y, yOff * Float.BYTES, dy, dyOff * Float.BYTES, dx, dxOff * Float.BYTES, n);
            return;
        }
        long chunk = chunk(n);
        Parallel.forEach(Parallel.THREADS, t -> {
            long start = Math.min(n, t * chunk);
            long end = Math.min(n, start + chunk);
            backwardVector(y, (yOff + start) * Float.BYTES, dy, (dyOff + start) * Float.BYTES,
                    dx, (dxOff + start) * Float.BYTES, end - start);
        });
    }

    /** Scalar twin of {@link #backward}: same arguments, same results bit for bit. */
    public static void backwardScalar(MemorySegment y, long yOff, MemorySegment dy, long dyOff,
                                      MemorySegment dx, long dxOff, long n) {
        check("y", y, yOff, "dy", dy, dyOff, "dx", dx, dxOff, n);
        for (long i = 0; i < n; i++) {
            float yi = y.getAtIndex(FLOAT, yOff + i);
            dx.setAtIndex(FLOAT, dxOff + i, dy.getAtIndex(FLOAT, dyOff + i) * (1f - yi * yi));
        }
    }

    private static void forwardVector(MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector.fromMemorySegment(F, x, xb + o, ORDER).lanewise(VectorOperators.TANH)
                    .intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, (float) Math.tanh(x.get(FLOAT, xb + o)));
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
            g.mul(one.sub(yv.mul(yv))).intoMemorySegment(dx, dxb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            float yi = y.get(FLOAT, yb + o);
            dx.set(FLOAT, dxb + o, dy.get(FLOAT, dyb + o) * (1f - yi * yi));
        }
    }

    private static long chunk(long n) {
        long perThread = (n + Parallel.THREADS - 1) / Parallel.THREADS;
        return (perThread + CHUNK_ALIGN - 1) & -CHUNK_ALIGN;
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
