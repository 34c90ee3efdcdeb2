package dev.gatun.tensor;

import java.lang.foreign.ValueLayout;

/** Element types. Float32 is the working type; float64 serves gradient checks; int32 holds labels and indices. */
public enum DType {
    /** 32-bit IEEE float, the working type. */
    FLOAT32(4, ValueLayout.JAVA_FLOAT_UNALIGNED),
    /** 64-bit IEEE float, for gradient checks and references. */
    FLOAT64(8, ValueLayout.JAVA_DOUBLE_UNALIGNED),
    /** 32-bit signed integer, for labels and indices. */
    INT32(4, ValueLayout.JAVA_INT_UNALIGNED);

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

    /** {@return the lower-case name as users type it: float32, float64, int32} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
