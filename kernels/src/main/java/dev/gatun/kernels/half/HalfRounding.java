package dev.gatun.kernels.half;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Rounding float32 values to what a 16-bit float holds, kept in float32 storage.
 *   bf16: x[n] -> y[n]     y = fromBf16(toBf16(x))
 *   fp16: x[n] -> y[n]     y = fromFp16(toFp16(x))
 *
 * The Vector API has no 16-bit float lanes, so the vector versions work on the float bits:
 *   bf16: add 0x7fff plus the lowest kept bit, clear the low 16 bits (ties to even; the carry
 *         rounds the largest finite values up to infinity, as the conversion does).
 *   fp16: the same with 13 dropped bits where float16 is normal (|x| >= 2^-14), infinity from
 *         65536 up; below 2^-14 the quantum is the fixed 2^-24 of float16's subnormals, which
 *         (|x| + 0.5) - 0.5 rounds to exactly, ties to even, because 0.5's ulp is 2^-24.
 * A NaN stays a quiet NaN with its sign. The scalar twins are HalfBits' definitions, and the two
 * agree bit for bit on every value (NaN payloads aside).
 */
/** Rounds float32 elements to bfloat16 or float16 precision (and float16's range), in place or not. */
public final class HalfRounding {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;
    private static final int SIGN = 0x8000_0000;
    private static final int MAGNITUDE = 0x7fff_ffff;
    private static final int INFINITY = 0x7f80_0000;
    private static final int QUIET = 0x0040_0000;
    // 2^-14, float16's smallest normal, and 65536, the first value past its largest finite 65504.
    private static final int FP16_MIN_NORMAL = 0x3880_0000;
    private static final int FP16_OVERFLOW = 0x4780_0000;

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
            IntVector bits = FloatVector.fromMemorySegment(F, x, xb + o, ORDER).reinterpretAsInts();
            IntVector bias = bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff);
            IntVector rounded = bits.add(bias).and(0xffff_0000);
            VectorMask<Integer> nan = bits.and(MAGNITUDE).compare(VectorOperators.GT, INFINITY);
            IntVector quietNan = bits.and(0xffff_0000).or(QUIET);
            rounded.blend(quietNan, nan).reinterpretAsFloats().intoMemorySegment(y, yb + o, ORDER);
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
            IntVector bits = FloatVector.fromMemorySegment(F, x, xb + o, ORDER).reinterpretAsInts();
            IntVector magnitude = bits.and(MAGNITUDE);
            IntVector bias = magnitude.lanewise(VectorOperators.LSHR, 13).and(1).add(0xfff);
            IntVector normal = magnitude.add(bias).and(0xffff_e000);
            normal = normal.blend(INFINITY, normal.compare(VectorOperators.GE, FP16_OVERFLOW));
            IntVector subnormal = ((FloatVector) magnitude.reinterpretAsFloats()).add(0.5f).sub(0.5f)
                    .reinterpretAsInts();
            IntVector rounded = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, FP16_MIN_NORMAL))
                    .or(bits.and(SIGN));
            VectorMask<Integer> nan = magnitude.compare(VectorOperators.GT, INFINITY);
            rounded.blend(bits.or(QUIET), nan).reinterpretAsFloats().intoMemorySegment(y, yb + o, ORDER);
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
