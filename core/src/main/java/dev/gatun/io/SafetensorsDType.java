package dev.gatun.io;

import dev.gatun.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The safetensors element types the reader takes, and how each one's little-endian bytes decode.
 * Float types decode to a {@code double} (every F16, BF16 and F32 value has one exactly), integer
 * types to a {@code long}.
 */
enum SafetensorsDType {
    F64(8, true, DType.FLOAT64),
    F32(4, true, DType.FLOAT32),
    F16(2, true, DType.FLOAT32),
    BF16(2, true, DType.FLOAT32),
    I64(8, false, DType.INT32),
    I32(4, false, DType.INT32),
    U8(1, false, DType.INT32),
    BOOL(1, false, DType.INT32);

    private static final ValueLayout.OfDouble LE_DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The codes, for messages. */
    static final String SUPPORTED = "F64, F32, F16, BF16, I64, I32, U8, BOOL";

    private final int byteSize;
    private final boolean isFloat;
    private final DType natural;

    SafetensorsDType(int byteSize, boolean isFloat, DType natural) {
        this.byteSize = byteSize;
        this.isFloat = isFloat;
        this.natural = natural;
    }

    /** The type with safetensors code {@code code}, or null for codes this reader does not take. */
    static SafetensorsDType of(String code) {
        for (SafetensorsDType d : values()) {
            if (d.name().equals(code)) {
                return d;
            }
        }
        return null;
    }

    /** The type Gatun writes for {@code d}. */
    static SafetensorsDType of(DType d) {
        return switch (d) {
            case FLOAT64 -> F64;
            case FLOAT32 -> F32;
            case INT32 -> I32;
            case FLOAT16 -> F16;
            case BFLOAT16 -> BF16;
        };
    }

    int byteSize() {
        return byteSize;
    }

    /** F64, F32, F16 and BF16; the others are integers (BOOL as 0 and 1). */
    boolean isFloat() {
        return isFloat;
    }

    /**
     * The Gatun dtype {@link SafetensorsReader#read} gives tensors of this type: F16 and BF16
     * widen to float32, the integers become int32 (I64 values must fit).
     */
    DType natural() {
        return natural;
    }

    /**
     * The dtype a read gives: {@link #natural()}, except that F16 and BF16 stay float16 and
     * bfloat16 when {@code keepHalves}.
     */
    DType loaded(boolean keepHalves) {
        return !keepHalves ? natural : switch (this) {
            case F16 -> DType.FLOAT16;
            case BF16 -> DType.BFLOAT16;
            case F64, F32, I64, I32, U8, BOOL -> natural;
        };
    }

    /** True when this type's bytes are those of {@code d}, so data copies without decoding. */
    boolean sameBytesAs(DType d) {
        return this == of(d);
    }

    /** The float value at byte {@code offset} of {@code data}; only for float types. */
    double floatAt(MemorySegment data, long offset) {
        return this == F64 ? data.get(LE_DOUBLE, offset) : Float.intBitsToFloat(float32BitsAt(data, offset));
    }

    /**
     * The float32 bits of the value at byte {@code offset} of {@code data}; only for F32, F16 and
     * BF16, whose every value float32 holds exactly. Bits rather than a float, so that NaN payloads
     * (signalling ones included) survive.
     */
    int float32BitsAt(MemorySegment data, long offset) {
        return switch (this) {
            case F32 -> data.get(LE_INT, offset);
            case F16 -> halfToFloatBits(data.get(LE_SHORT, offset));
            case BF16 -> (data.get(LE_SHORT, offset) & 0xffff) << 16;
            case F64, I64, I32, U8, BOOL -> throw new IllegalStateException(this + " does not fit float32 exactly");
        };
    }

    /**
     * The integer at byte {@code offset} of {@code data}; only for integer types. A BOOL byte
     * other than 0 or 1 comes back as itself, for the caller to refuse.
     */
    long integerAt(MemorySegment data, long offset) {
        return switch (this) {
            case I64 -> data.get(LE_LONG, offset);
            case I32 -> data.get(LE_INT, offset);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
            case F64, F32, F16, BF16 -> throw new IllegalStateException(this + " is not an integer type");
        };
    }

    /**
     * The float32 bits of an IEEE binary16 value, exactly. Written out rather than
     * {@link Float#float16ToFloat} so that NaN payloads move over bit for bit, as NumPy moves them,
     * whatever the CPU's conversion instruction would do with a signalling NaN.
     */
    static int halfToFloatBits(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return sign | 0x7f80_0000 | mantissa << 13;
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, which float32 holds as a normal number (or zero).
            return sign | Float.floatToRawIntBits(mantissa * 0x1p-24f);
        }
        return sign | (exponent + 112) << 23 | mantissa << 13;
    }
}
