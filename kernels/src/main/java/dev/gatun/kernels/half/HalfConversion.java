package dev.gatun.kernels.half;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/*
 * float32 <-> bfloat16 and float32 <-> float16 over segments:
 *   toBf16:   x[n] floats -> h[n] shorts     h = HalfBits.toBf16(x)
 *   fromBf16: h[n] shorts -> x[n] floats     x = HalfBits.fromBf16(h)
 *   toFp16, fromFp16 likewise with HalfBits.toFp16 / fromFp16.
 *
 * The Vector API has no 16-bit float lanes, and JDK 25's VectorOperators has no float <-> float16
 * conversion, so each lane works on the float's bits as an int and the result is narrowed to (or
 * widened from) a short vector of half the width:
 *   bfloat16: round to nearest even by adding 0x7fff plus the kept part's lowest bit, keep the top
 *             16 bits; a NaN keeps its top half with the quiet bit set.
 *   float16:  F. Giesen's branch-free formulation, as blends: normal results rebias the exponent
 *             and round by the same add-and-shift; subnormal results let one float add of 0.5 do
 *             the rounding (the FPU rounds to nearest even); overflow gives infinity; a NaN stays a
 *             quiet NaN with its top payload bits, as HalfBits.toFp16 keeps it. Widening is
 *             exact: normals by shift and rebias, subnormals by one float subtract; a NaN comes
 *             back quiet, as HalfBits.fromFp16 gives it.
 * Every result is an exact function of the input, so the vector and scalar paths agree bit for bit.
 */
/** Converts float32 segments to and from bfloat16 and float16, rounding to nearest even. */
public final class HalfConversion {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    /** As many short lanes as float lanes, in half the bits. */
    private static final VectorSpecies<Short> S =
            ShortVector.SPECIES_64.withShape(VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    /** The float whose bits rebias a float16 subnormal: 2^-1, as Giesen's denorm_magic. */
    private static final int HALF_MAGIC = 126 << 23;
    /** Float32 magnitudes (bits) from which float16 is infinity or NaN: 65536. */
    private static final int FP16_OVERFLOW = (127 + 16) << 23;
    /** Float32 magnitudes (bits) below which float16 is subnormal or zero: 2^-14. */
    private static final int FP16_NORMAL_MIN = 113 << 23;

    private HalfConversion() {}

    /** A direction of conversion. */
    private enum Kind { TO_BF16, FROM_BF16, TO_FP16, FROM_FP16 }

    /**
     * {@code h[i] = toBf16(x[i])} for {@code i < n}.
     *
     * @param x the float32 input
     * @param xOff offset of x's first element, in floats
     * @param h the bfloat16 output
     * @param hOff offset of h's first element, in shorts
     * @param n the number of elements
     */
    public static void toBf16(MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        run(Kind.TO_BF16, x, xOff, h, hOff, n);
    }

    /**
     * {@code x[i] = fromBf16(h[i])} for {@code i < n}; exact.
     *
     * @param h the bfloat16 input
     * @param hOff offset of h's first element, in shorts
     * @param x the float32 output
     * @param xOff offset of x's first element, in floats
     * @param n the number of elements
     */
    public static void fromBf16(MemorySegment h, long hOff, MemorySegment x, long xOff, long n) {
        run(Kind.FROM_BF16, x, xOff, h, hOff, n);
    }

    /**
     * {@code h[i] = toFp16(x[i])} for {@code i < n}; beyond 65504 (after rounding) it is infinity.
     *
     * @param x the float32 input
     * @param xOff offset of x's first element, in floats
     * @param h the float16 output
     * @param hOff offset of h's first element, in shorts
     * @param n the number of elements
     */
    public static void toFp16(MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        run(Kind.TO_FP16, x, xOff, h, hOff, n);
    }

    /**
     * {@code x[i] = fromFp16(h[i])} for {@code i < n}; exact.
     *
     * @param h the float16 input
     * @param hOff offset of h's first element, in shorts
     * @param x the float32 output
     * @param xOff offset of x's first element, in floats
     * @param n the number of elements
     */
    public static void fromFp16(MemorySegment h, long hOff, MemorySegment x, long xOff, long n) {
        run(Kind.FROM_FP16, x, xOff, h, hOff, n);
    }

    /**
     * Scalar twin of {@link #toBf16}: same arguments, same results bit for bit ({@link HalfBits#toBf16}).
     *
     * @param x the float32 input
     * @param xOff offset of x's first element, in floats
     * @param h the bfloat16 output
     * @param hOff offset of h's first element, in shorts
     * @param n the number of elements
     */
    public static void toBf16Scalar(MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        check(x, xOff, h, hOff, n);
        scalar(Kind.TO_BF16, x, xOff, h, hOff, n);
    }

    /**
     * Scalar twin of {@link #fromBf16} ({@link HalfBits#fromBf16}).
     *
     * @param h the bfloat16 input
     * @param hOff offset of h's first element, in shorts
     * @param x the float32 output
     * @param xOff offset of x's first element, in floats
     * @param n the number of elements
     */
    public static void fromBf16Scalar(MemorySegment h, long hOff, MemorySegment x, long xOff, long n) {
        check(x, xOff, h, hOff, n);
        scalar(Kind.FROM_BF16, x, xOff, h, hOff, n);
    }

    /**
     * Scalar twin of {@link #toFp16} ({@link HalfBits#toFp16}).
     *
     * @param x the float32 input
     * @param xOff offset of x's first element, in floats
     * @param h the float16 output
     * @param hOff offset of h's first element, in shorts
     * @param n the number of elements
     */
    public static void toFp16Scalar(MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        check(x, xOff, h, hOff, n);
        scalar(Kind.TO_FP16, x, xOff, h, hOff, n);
    }

    /**
     * Scalar twin of {@link #fromFp16} ({@link HalfBits#fromFp16}).
     *
     * @param h the float16 input
     * @param hOff offset of h's first element, in shorts
     * @param x the float32 output
     * @param xOff offset of x's first element, in floats
     * @param n the number of elements
     */
    public static void fromFp16Scalar(MemorySegment h, long hOff, MemorySegment x, long xOff, long n) {
        check(x, xOff, h, hOff, n);
        scalar(Kind.FROM_FP16, x, xOff, h, hOff, n);
    }

    private static void run(Kind kind, MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        check(x, xOff, h, hOff, n);
        if (!Simd.ENABLED) {
            scalar(kind, x, xOff, h, hOff, n);
            return;
        }
        Parallel.forRange(n, PARALLEL_MIN, (start, end) -> vector(kind, x, xOff + start, h, hOff + start, end - start));
    }

    private static void scalar(Kind kind, MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        for (long i = 0; i < n; i++) {
            one(kind, x, xOff + i, h, hOff + i);
        }
    }

    /** Converts element {@code xi} of x to or from element {@code hi} of h. */
    private static void one(Kind kind, MemorySegment x, long xi, MemorySegment h, long hi) {
        switch (kind) {
            case TO_BF16 -> h.setAtIndex(SHORT, hi, HalfBits.toBf16(x.getAtIndex(FLOAT, xi)));
            case FROM_BF16 -> x.setAtIndex(FLOAT, xi, HalfBits.fromBf16(h.getAtIndex(SHORT, hi)));
            case TO_FP16 -> h.setAtIndex(SHORT, hi, HalfBits.toFp16(x.getAtIndex(FLOAT, xi)));
            case FROM_FP16 -> x.setAtIndex(FLOAT, xi, HalfBits.fromFp16(h.getAtIndex(SHORT, hi)));
        }
    }

    private static void vector(Kind kind, MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        long bound = F.loopBound(n);
        long i = 0;
        for (; i < bound; i += F.length()) {
            long xb = (xOff + i) * Float.BYTES;
            long hb = (hOff + i) * Short.BYTES;
            switch (kind) {
                case TO_BF16 -> narrow(bf16Bits(FloatVector.fromMemorySegment(F, x, xb, ORDER)), h, hb);
                case TO_FP16 -> narrow(fp16Bits(FloatVector.fromMemorySegment(F, x, xb, ORDER)), h, hb);
                case FROM_BF16 -> widen(h, hb).lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats().intoMemorySegment(x, xb, ORDER);
                case FROM_FP16 -> fp16Value(widen(h, hb)).intoMemorySegment(x, xb, ORDER);
            }
        }
        for (; i < n; i++) {
            one(kind, x, xOff + i, h, hOff + i);
        }
    }

    /** The low 16 bits of each lane, stored as shorts at byte {@code hb} of h. */
    private static void narrow(IntVector bits, MemorySegment h, long hb) {
        ((ShortVector) bits.convertShape(VectorOperators.I2S, S, 0)).intoMemorySegment(h, hb, ORDER);
    }

    /** The shorts at byte {@code hb} of h, zero-extended to int lanes. */
    private static IntVector widen(MemorySegment h, long hb) {
        return (IntVector) ShortVector.fromMemorySegment(S, h, hb, ORDER).convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
    }

    /** {@link HalfBits#toBf16} per lane, in the low 16 bits. */
    static IntVector bf16Bits(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 16).and(1);
        IntVector rounded = bits.add(lsb.add(0x7fff)).lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = bits.and(0x7fff_ffff).compare(VectorOperators.GT, 0x7f80_0000);
        IntVector quiet = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
        return rounded.blend(quiet, nan);
    }

    /** {@link HalfBits#toFp16} per lane, in the low 16 bits. */
    static IntVector fp16Bits(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        IntVector abs = bits.and(0x7fff_ffff);
        IntVector sign = bits.lanewise(VectorOperators.LSHR, 16).and(0x8000);
        // Normal results: rebias the exponent (127 -> 15) and round to nearest even on bit 13.
        IntVector lsb = abs.lanewise(VectorOperators.LSHR, 13).and(1);
        IntVector normal = abs.add(lsb.add(((15 - 127) << 23) + 0xfff)).lanewise(VectorOperators.LSHR, 13);
        // Subnormal results: adding 2^-1 leaves the float16 mantissa, rounded, in the low bits.
        IntVector subnormal = abs.reinterpretAsFloats().add(Float.intBitsToFloat(HALF_MAGIC))
                .reinterpretAsInts().sub(HALF_MAGIC);
        // NaN: quiet, with the top payload bits.
        IntVector nan = abs.lanewise(VectorOperators.LSHR, 13).and(0x03ff).or(0x7e00);
        IntVector magnitude = normal
                .blend(subnormal, abs.compare(VectorOperators.LT, FP16_NORMAL_MIN))
                .blend(IntVector.broadcast(I, 0x7c00), abs.compare(VectorOperators.GE, FP16_OVERFLOW))
                .blend(nan, abs.compare(VectorOperators.GT, 0x7f80_0000));
        return magnitude.or(sign);
    }

    /** {@link HalfBits#fromFp16} of float16 bits zero-extended to int lanes. */
    static FloatVector fp16Value(IntVector h) {
        IntVector shifted = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector exponent = shifted.and(0x7c00 << 13);
        IntVector rebiased = shifted.add((127 - 15) << 23);
        // Infinity and NaN: all exponent bits set, so add the rest of the bias.
        IntVector special = rebiased.add((128 - 16) << 23);
        // Zero and subnormals: build 2^-14 * (1 + m) and subtract 2^-14, exactly.
        FloatVector tiny = rebiased.add(1 << 23).reinterpretAsFloats().sub(Float.intBitsToFloat(113 << 23));
        IntVector magnitude = rebiased
                .blend(special, exponent.compare(VectorOperators.EQ, 0x7c00 << 13))
                .blend(tiny.reinterpretAsInts(), exponent.compare(VectorOperators.EQ, 0));
        VectorMask<Integer> nan = h.and(0x7fff).compare(VectorOperators.GT, 0x7c00);
        magnitude = magnitude.blend(magnitude.or(0x0040_0000), nan);
        return magnitude.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static void check(MemorySegment x, long xOff, MemorySegment h, long hOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.shorts("h", h, hOff, n);
    }
}
