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
 * Exponential.
 *   forward: x[n] -> y[n]     y = e^x
 *
 * The vector version uses lanewise(EXP), which C2 turns into the JDK's SVML vector exp on x86
 * (about 13x faster than Math.exp per element here); it is within a few ulp of the scalar twin,
 * which rounds the double Math.exp once. Overflow gives +inf, underflow 0, NaN stays NaN.
 * y may alias x at the same offset.
 */
public final class Exp {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    private static final long CHUNK_ALIGN = 64;

    private Exp() {}

    /** {@code y[i] = exp(x[i])} for {@code i < n}. */
    public static void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n);
            return;
        }
        check(x, xOff, y, yOff, n);
        if (n < PARALLEL_MIN || Parallel.THREADS == 1) {
            forwardVector(x, xOff * Float.BYTES, y, yOff * Float.BYTES, n);
            return;
        }
        long perThread = (n + Parallel.THREADS - 1) / Parallel.THREADS;
        long chunk = (perThread + CHUNK_ALIGN - 1) & -CHUNK_ALIGN;
        Parallel.forEach(Parallel.THREADS, t -> {
            long start = Math.min(n, t * chunk);
            long end = Math.min(n, start + chunk);
            forwardVector(x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start);
        });
    }

    /** Scalar twin of {@link #forward}: {@code (float) Math.exp(x)}. */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        check(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, (float) Math.exp(x.getAtIndex(FLOAT, xOff + i)));
        }
    }

    private static void forwardVector(MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            FloatVector.fromMemorySegment(F, x, xb + o, ORDER).lanewise(VectorOperators.EXP)
                    .intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, (float) Math.exp(x.get(FLOAT, xb + o)));
        }
    }

    private static void check(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }
}
