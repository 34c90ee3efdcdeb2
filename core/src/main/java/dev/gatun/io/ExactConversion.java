package dev.gatun.io;

import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Converts a tensor's file data into a Gatun dtype where every value converts exactly: F16 and
 * BF16 into float32 or float64 (or into their own half dtype, byte for byte), F32 into float64, and each value of the other types only when the
 * target holds it exactly (an I64 into float32 needs |v| &lt;= 2^24 or a value float32 happens to
 * represent, such as 2^40). The first value that does not convert is refused with the tensor's
 * name, its dtype, the value and its index; nothing rounds silently. Floats never load into int32.
 */
final class ExactConversion {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private ExactConversion() {}

    /** False where no value of {@code from} may load into {@code to}: floats into integers. */
    static boolean possible(SafetensorsDType from, DType to) {
        return to.isFloating() || !from.isFloat();
    }

    /**
     * Converts the data of {@code e} (in the mapped data section {@code data}) into {@code to} at
     * byte {@code dstOffset} of {@code dst}, in native order; with {@code dst} null it only checks
     * that every value converts, so a caller can refuse a file before it changes anything.
     */
    static void convert(Path file, SafetensorsReader.Entry e, MemorySegment data, DType to, MemorySegment dst,
            long dstOffset) throws SafetensorsFormatException {
        SafetensorsDType from = e.dtype();
        long count = (e.end() - e.begin()) / from.byteSize();
        if (count == 0) {
            return;
        }
        if (from.sameBytesAs(to)) {
            if (dst != null) {
                ValueLayout fileLayout = to.layout().withOrder(ByteOrder.LITTLE_ENDIAN);
                MemorySegment.copy(data, fileLayout, e.begin(), dst, to.layout(), dstOffset, count);
            }
            return;
        }
        if (!possible(from, to)) {
            throw new SafetensorsFormatException(file, "tensor '" + e.name() + "' is " + from + " in the file but "
                    + to.label() + " in the model; float values do not load into integer tensors");
        }
        int width = from.byteSize();
        for (long i = 0; i < count; i++) {
            long at = e.begin() + i * width;
            switch (to) {
                case FLOAT32 -> {
                    int bits = float32Bits(file, e, data, at, i);
                    if (dst != null) {
                        dst.set(INT, dstOffset + i * Float.BYTES, bits);
                    }
                }
                case FLOAT64 -> {
                    double v = float64(file, e, data, at, i);
                    if (dst != null) {
                        dst.set(DOUBLE, dstOffset + i * Double.BYTES, v);
                    }
                }
                case INT32 -> {
                    int v = int32(file, e, data, at, i);
                    if (dst != null) {
                        dst.set(INT, dstOffset + i * Integer.BYTES, v);
                    }
                }
                case BFLOAT16, FLOAT16 -> {
                    short h = halfBits(file, e, data, at, i, to);
                    if (dst != null) {
                        dst.set(SHORT, dstOffset + i * Short.BYTES, h);
                    }
                }
            }
        }
    }

    /** The float32 bits of element {@code i} (at byte {@code at}), which must convert exactly. */
    private static int float32Bits(Path file, SafetensorsReader.Entry e, MemorySegment data, long at, long i)
            throws SafetensorsFormatException {
        SafetensorsDType from = e.dtype();
        if (from == SafetensorsDType.F64) {
            double v = from.floatAt(data, at);
            float f = (float) v;
            if (f != v && !Double.isNaN(v)) {
                throw inexact(file, e, i, Double.toString(v), DType.FLOAT32);
            }
            return Float.floatToRawIntBits(f);
        }
        if (from.isFloat()) {
            return from.float32BitsAt(data, at);
        }
        long v = integerAt(file, e, data, at, i);
        float f = v;
        // 2^63 (what Long.MAX_VALUE rounds to) casts back to Long.MAX_VALUE, so rule it out first.
        if (!(f < 0x1p63f && (long) f == v)) {
            throw inexact(file, e, i, Long.toString(v), DType.FLOAT32);
        }
        return Float.floatToRawIntBits(f);
    }

    /** The bfloat16 or float16 bits of element {@code i} (at byte {@code at}), which must convert exactly. */
    private static short halfBits(Path file, SafetensorsReader.Entry e, MemorySegment data, long at, long i, DType to)
            throws SafetensorsFormatException {
        float f = Float.intBitsToFloat(float32Bits(file, e, data, at, i));
        short h = to == DType.BFLOAT16 ? HalfBits.toBf16(f) : HalfBits.toFp16(f);
        float back = to == DType.BFLOAT16 ? HalfBits.fromBf16(h) : HalfBits.fromFp16(h);
        if (Float.compare(back, f) != 0 && !Float.isNaN(f)) {
            throw inexact(file, e, i, Float.toString(f), to);
        }
        return h;
    }

    /** Element {@code i} (at byte {@code at}) as a double, which must convert exactly. */
    private static double float64(Path file, SafetensorsReader.Entry e, MemorySegment data, long at, long i)
            throws SafetensorsFormatException {
        if (e.dtype().isFloat()) {
            return e.dtype().floatAt(data, at);
        }
        long v = integerAt(file, e, data, at, i);
        double d = v;
        if (!(d < 0x1p63 && (long) d == v)) {
            throw inexact(file, e, i, Long.toString(v), DType.FLOAT64);
        }
        return d;
    }

    /** Element {@code i} (at byte {@code at}) of an integer type as an int, which must fit. */
    private static int int32(Path file, SafetensorsReader.Entry e, MemorySegment data, long at, long i)
            throws SafetensorsFormatException {
        long v = integerAt(file, e, data, at, i);
        if (v != (int) v) {
            throw inexact(file, e, i, Long.toString(v), DType.INT32);
        }
        return (int) v;
    }

    /** An integer element; a BOOL byte other than 0 and 1 is a malformed file. */
    private static long integerAt(Path file, SafetensorsReader.Entry e, MemorySegment data, long at, long i)
            throws SafetensorsFormatException {
        long v = e.dtype().integerAt(data, at);
        if (e.dtype() == SafetensorsDType.BOOL && v > 1) {
            throw new SafetensorsFormatException(file, "tensor '" + e.name() + "' is BOOL but holds byte " + v
                    + " at index " + index(i, e.shape()) + " (only 0 and 1 are booleans)");
        }
        return v;
    }

    private static SafetensorsFormatException inexact(Path file, SafetensorsReader.Entry e, long i, String value,
            DType to) {
        return new SafetensorsFormatException(file, "tensor '" + e.name() + "' is " + e.dtype() + " in the file; its value "
                + value + " at index " + index(i, e.shape()) + " has no exact " + to.label() + " value");
    }

    /** The coordinates of row-major element {@code flat} in {@code shape}, e.g. {@code [1, 0, 2]}. */
    static String index(long flat, int[] shape) {
        long[] at = new long[shape.length];
        long rest = flat;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            at[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        StringBuilder sb = new StringBuilder("[");
        for (int axis = 0; axis < at.length; axis++) {
            sb.append(axis == 0 ? "" : ", ").append(at[axis]);
        }
        return sb.append(']').toString();
    }
}
