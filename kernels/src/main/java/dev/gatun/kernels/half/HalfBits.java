package dev.gatun.kernels.half;

/**
 * The scalar definitions of the two 16-bit float formats, which every vector kernel that
 * converts or rounds to them is tested against.
 *
 * <ul>
 *   <li>bfloat16: float32's sign and 8-bit exponent with 7 mantissa bits, so the same range;
 *       a value is the top half of a float32's bits.
 *   <li>float16 (IEEE binary16): 5-bit exponent, 10 mantissa bits; largest finite 65504,
 *       smallest subnormal 2^-24.
 * </ul>
 * Both round to nearest, ties to even, as cuBLAS, PyTorch and the CPUs' conversion instructions do.
 * A NaN stays a NaN (quiet, sign kept, its top payload bits kept), the same bits in every JIT
 * tier; infinities stay infinities.
 */
public final class HalfBits {
    private HalfBits() {}

    /**
     * The bfloat16 nearest {@code x}, ties to even.
     *
     * @param x a float32 value
     * @return its bfloat16 bits
     */
    public static short toBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            // A NaN whose payload sits only in the low half would round to infinity: keep it a quiet NaN.
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /**
     * The float32 value of a bfloat16, exactly.
     *
     * @param h bfloat16 bits
     * @return the value
     */
    public static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /**
     * The float16 nearest {@code x}, ties to even; beyond 65504 (after rounding) it is infinity.
     *
     * @param x a float32 value
     * @return its IEEE binary16 bits
     */
    public static short toFp16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            // Float.floatToFloat16 leaves a NaN's payload unspecified, and the JDK's Java code and its
            // x86 intrinsic disagree: keep the top payload bits with the quiet bit set, as the CPUs'
            // and CUDA's conversion instructions do, whatever the JIT tier.
            return (short) (((bits >>> 16) & 0x8000) | 0x7e00 | ((bits >>> 13) & 0x03ff));
        }
        return Float.floatToFloat16(x);
    }

    /**
     * The float32 value of a float16, exactly.
     *
     * @param h IEEE binary16 bits
     * @return the value
     */
    public static float fromFp16(short h) {
        if ((h & 0x7fff) > 0x7c00) {
            // As in toFp16: a NaN comes back quiet with its payload, in every JIT tier.
            return Float.intBitsToFloat(((h & 0x8000) << 16) | 0x7fc0_0000 | ((h & 0x03ff) << 13));
        }
        return Float.float16ToFloat(h);
    }

    /**
     * {@code x} rounded to bfloat16 precision and back: what a bfloat16 operand holds.
     *
     * @param x a float32 value
     * @return the nearest value bfloat16 represents
     */
    public static float roundToBf16(float x) {
        return fromBf16(toBf16(x));
    }

    /**
     * {@code x} rounded to float16 precision and range and back: what a float16 operand holds.
     *
     * @param x a float32 value
     * @return the nearest value float16 represents (infinity past its range)
     */
    public static float roundToFp16(float x) {
        return fromFp16(toFp16(x));
    }
}
