package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/*
 * Natural logarithm.
 *   forward: x[n] -> y[n]     y = ln x
 *
 * The vector version is VectorMath.log over float[] blocks (see StagedMath): the same bits in
 * every JIT tier and as the scalar twin (VectorMath's scalar log), within 1 ulp of Math.log (not
 * lanewise(LOG), which rounds differently once C2 compiles it). As with Math.log: log(0) = -inf,
 * log(x < 0) = NaN, log(+inf) = +inf, NaN stays NaN.
 * y may alias x at the same offset.
 */
/** Elementwise natural logarithm, the same bits in the vector version and its scalar twin. */
public final class Log {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Log() {}

    /**
     * {@code y[i] = log(x[i])} for {@code i < n}.
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
        StagedMath.forward(StagedMath.Fn.LOG, x, xOff, y, yOff, n);
    }

    /**
     * Scalar twin of {@link #forward}: {@link VectorMath#log(float)}, the same bits.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        StagedMath.check(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, VectorMath.log(x.getAtIndex(FLOAT, xOff + i)));
        }
    }
}
