package dev.gatun.kernels.half;

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
 * Rounding float32 values to what a 16-bit float holds, kept in float32 storage.
 *   bf16: x[n] -> y[n]     y = fromBf16(toBf16(x))
 *   fp16: x[n] -> y[n]     y = fromFp16(toFp16(x))
 *
 * The vector versions convert each lane to the 16-bit bits and back in registers, with
 * HalfConversion's lane arithmetic (the Vector API has no 16-bit float lanes), so rounding and
 * conversion cannot disagree.
 * A NaN stays a quiet NaN with its sign and top payload bits. The scalar twins are HalfBits'
 * definitions, and the two agree bit for bit on every value.
 */
/** Rounds float32 elements to bfloat16 or float16 precision (and float16's range), in place or not. */
public final class HalfRounding {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private HalfRounding() {}

    /**
     * {@code y[i] = HalfBits.roundToBf16(x[i])} for {@code i < n}.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void bf16(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        round(HalfRounding::bf16Vector, HalfBits::roundToBf16, x, xOff, y, yOff, n);
    }

    /**
     * Scalar twin of {@link #bf16}: same arguments, same results bit for bit.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void bf16Scalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        roundScalar(HalfBits::roundToBf16, x, xOff, y, yOff, n);
    }

    /**
     * {@code y[i] = HalfBits.roundToFp16(x[i])} for {@code i < n}: infinity past 65504.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void fp16(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        round(HalfRounding::fp16Vector, HalfBits::roundToFp16, x, xOff, y, yOff, n);
    }

    /**
     * Scalar twin of {@link #fp16}: same arguments, same results bit for bit.
     *
     * @param x the input
     * @param xOff offset of x's first element, in floats
     * @param y the output; may alias x at the same offset
     * @param yOff offset of y's first element, in floats
     * @param n the number of elements
     */
    public static void fp16Scalar(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        roundScalar(HalfBits::roundToFp16, x, xOff, y, yOff, n);
    }

    /** A vector loop over n elements from byte offsets xb and yb. */
    private interface Block {
        void run(MemorySegment x, long xb, MemorySegment y, long yb, long n);
    }

    /** A scalar definition: HalfBits' roundToBf16 or roundToFp16. */
    private interface Definition {
        float round(float v);
    }

    private static void round(Block block, Definition definition, MemorySegment x, long xOff, MemorySegment y,
                              long yOff, long n) {
        if (!Simd.ENABLED) {
            roundScalar(definition, x, xOff, y, yOff, n);
            return;
        }
        check(x, xOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                block.run(x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start));
    }

    private static void roundScalar(Definition definition, MemorySegment x, long xOff, MemorySegment y, long yOff,
                                    long n) {
        check(x, xOff, y, yOff, n);
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, yOff + i, definition.round(x.getAtIndex(FLOAT, xOff + i)));
        }
    }

    private static void bf16Vector(MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            HalfConversion.bf16Bits(FloatVector.fromMemorySegment(F, x, xb + o, ORDER))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, HalfBits.roundToBf16(x.get(FLOAT, xb + o)));
        }
    }

    private static void fp16Vector(MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long o = i * Float.BYTES;
            HalfConversion.fp16Value(HalfConversion.fp16Bits(FloatVector.fromMemorySegment(F, x, xb + o, ORDER)))
                    .intoMemorySegment(y, yb + o, ORDER);
        }
        for (; i < n; i++) {
            long o = i * Float.BYTES;
            y.set(FLOAT, yb + o, HalfBits.roundToFp16(x.get(FLOAT, xb + o)));
        }
    }

    private static void check(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }
}
