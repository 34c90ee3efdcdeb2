package dev.gatun.backend;

import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Strided element access for the reference paths: the physical index of a row-major position,
 * and dtype-generic reads and writes. Slow by design; fast paths live in kernels.
 */
final class Elements {
    private Elements() {}

    /** Physical element index of row-major position {@code flat} under shape/strides/offset. */
    static long physical(int[] shape, long[] strides, long offset, long flat) {
        return dev.gatun.tensor.Shape.physicalIndex(shape, strides, offset, flat);
    }

    static double get(MemorySegment seg, DType dtype, long index) {
        return switch (dtype) {
            case FLOAT32 -> seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index);
            case FLOAT64 -> seg.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index);
            case INT32 -> seg.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index);
            case BFLOAT16 -> HalfBits.fromBf16(seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index));
            case FLOAT16 -> HalfBits.fromFp16(seg.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index));
        };
    }

    static void set(MemorySegment seg, DType dtype, long index, double value) {
        switch (dtype) {
            case FLOAT32 -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index, (float) value);
            case FLOAT64 -> seg.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index, value);
            case INT32 -> seg.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index, (int) value);
            // Through float32 first, as the vector and CUDA conversions go.
            case BFLOAT16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index, HalfBits.toBf16((float) value));
            case FLOAT16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index, HalfBits.toFp16((float) value));
        }
    }

    /** A reader of t's elements in row-major order, as if t had shape {@code target} (broadcast). */
    static Reader reader(Tensor t, int[] target) {
        long[] strides = dev.gatun.tensor.Shape.broadcastStrides(t.shape(), t.strides(), target);
        return new Reader(t.segment(), t.dtype(), target, strides, t.offset());
    }

    /** Reads a (possibly broadcast, strided) tensor by row-major position. */
    record Reader(MemorySegment seg, DType dtype, int[] shape, long[] strides, long offset) {
        double at(long flat) {
            return get(seg, dtype, physical(shape, strides, offset, flat));
        }
    }

    /** Requires a contiguous output tensor, the form every backend writes. */
    static void requireContiguous(String op, Tensor t) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": output " + t.describe() + " must be contiguous");
        }
    }

    /** Requires equal shapes. */
    static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!sameShape(a, b)) {
            throw new IllegalArgumentException(op + ": shape mismatch " + a.describe() + " vs " + b.describe());
        }
    }

    /** Whether a and b have the same shape; compares in place, since {@link Tensor#shape()} copies. */
    static boolean sameShape(Tensor a, Tensor b) {
        int rank = a.rank();
        if (rank != b.rank()) {
            return false;
        }
        for (int i = 0; i < rank; i++) {
            if (a.dim(i) != b.dim(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether t is [d0, d1, d2, d3], compared in place. */
    static boolean hasShape(Tensor t, int d0, int d1, int d2, int d3) {
        return t.rank() == 4 && t.dim(0) == d0 && t.dim(1) == d1 && t.dim(2) == d2 && t.dim(3) == d3;
    }

    /**
     * Requires a computing float dtype (float32 or float64; the half types are storage only), and
     * the same dtype on every tensor.
     */
    static void requireFloatDType(String op, Tensor first, Tensor... rest) {
        requireNotHalf(op, first);
        if (!first.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": needs float tensors, got " + first.describe());
        }
        for (Tensor t : rest) {
            if (t != null && t.dtype() != first.dtype()) {
                requireNotHalf(op, t);
                throw new IllegalArgumentException(op + ": dtype mismatch " + first.describe() + " vs " + t.describe());
            }
        }
    }

    /** Refuses a bfloat16 or float16 tensor, which only casts, copies and the CUDA GEMM take. */
    static void requireNotHalf(String op, Tensor t) {
        if (t != null && t.dtype().isHalf()) {
            throw new IllegalArgumentException(halfRefusal(op, "input", t));
        }
    }

    /** The one-line refusal of a half tensor by an op that computes in float32 or float64 only. */
    static String halfRefusal(String op, String role, Tensor t) {
        return op + ": " + role + " is " + t.dtype().label() + " " + dev.gatun.tensor.Shape.str(t.shape())
                + "; cast it to float32 first (Tensor.to)";
    }
}
