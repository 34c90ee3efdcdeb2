package dev.gatun.tensor;

import java.lang.foreign.ValueLayout;

/**
 * Element types. Float32 is the working type; float64 serves gradient checks; int32 holds labels and
 * indices. Bfloat16 and float16 are storage types: tensors hold them, {@link Tensor#to(DType)}
 * converts to and from them, safetensors files read and write them, and the CUDA GEMM multiplies
 * them; other ops refuse them, naming the op, until the tensor is cast to float32.
 */
public enum DType {
    /** 32-bit IEEE float, the working type. */
    FLOAT32(4, ValueLayout.JAVA_FLOAT_UNALIGNED),
    /** 64-bit IEEE float, for gradient checks and references. */
    FLOAT64(8, ValueLayout.JAVA_DOUBLE_UNALIGNED),
    /** 32-bit signed integer, for labels and indices. */
    INT32(4, ValueLayout.JAVA_INT_UNALIGNED),
    /** bfloat16: float32's range with 8 significant bits; its bits are the top half of a float32's. */
    BFLOAT16(2, ValueLayout.JAVA_SHORT_UNALIGNED),
    /** IEEE binary16: 11 significant bits, finite up to 65504. */
    FLOAT16(2, ValueLayout.JAVA_SHORT_UNALIGNED);

    private final int byteSize;
    private final ValueLayout layout;

    DType(int byteSize, ValueLayout layout) {
        this.byteSize = byteSize;
        this.layout = layout;
    }

    /** {@return the bytes per element} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return the native-order layout of one element} */
    public ValueLayout layout() {
        return layout;
    }

    /** {@return whether gradients can flow through this type} */
    public boolean isFloating() {
        return this != INT32;
    }

    /** {@return whether this is a 16-bit storage type, bfloat16 or float16} */
    public boolean isHalf() {
        return this == BFLOAT16 || this == FLOAT16;
    }

    /** {@return the lower-case name as users type it: float32, float64, int32, bfloat16, float16} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
