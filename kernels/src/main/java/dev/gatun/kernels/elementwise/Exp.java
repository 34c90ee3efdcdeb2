package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/*
 * Exponential.
 *   forward: x[n] -> y[n]     y = e^x
 *
 * The vector version is VectorMath.exp over float[] blocks (see StagedMath): exact lane-wise
 * arithmetic, so it gives the same bits in every JIT tier, and the same bits as the scalar twin
 * (VectorMath's scalar exp); within 1 ulp of Math.exp. Not lanewise(EXP): C2 makes that the
 * JDK's SVML exp while the interpreter uses Math.exp per lane, and the two round differently.
 * Overflow gives +inf, underflow 0 (subnormals kept), NaN stays NaN. y may alias x.
 */
/** Elementwise e^x, the same bits in the vector version and its scalar twin. */
public final class Exp {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Exp() {}

    /**
     * {@code y[i] = exp(x[i])} for {@code i < n}.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void forward(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        if (!Simd.ENABLED) {
            forwardScalar(x, xOff, y, yOff, n);
            return;
        }
        StagedMath.forward(StagedMath.Fn.EXP, x, xOff, y, yOff, n);
    }

    /**
     * Scalar twin of {@link #forward}: {@link VectorMath#exp(float)}, the same bits.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void forwardScalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        StagedMath.check(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, VectorMath.exp(x.getAtIndex(FLOAT, xOff + i)));
        }
    }
}
