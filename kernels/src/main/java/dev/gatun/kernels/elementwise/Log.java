package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/*
 * Natural logarithm.
 *   forward: x[n] -> y[n]     y = ln x
 *
 * The vector version uses lanewise(LOG), which C2 turns into the JDK's SVML vector log on x86:
 * over 10x faster than Math.log per element here, and measured within 1 ulp of the scalar twin
 * (which rounds the double Math.log once). As with Math.log: log(0) = -inf, log(x < 0) = NaN,
 * log(+inf) = +inf, NaN stays NaN.
 * y may alias x at the same offset.
 */
public final class Log {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Log() {}

    /** {@code y[i] = log(x[i])} for {@code i < n}. */
    public static void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n);
            return;
        }
        StagedMath.forward(StagedMath.Fn.LOG, x, xOff, y, yOff, n);
    }

    /** Scalar twin of {@link #forward}: {@code (float) Math.log(x)}. */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        StagedMath.check(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, (float) Math.log(x.getAtIndex(FLOAT, xOff + i)));
        }
    }
}
