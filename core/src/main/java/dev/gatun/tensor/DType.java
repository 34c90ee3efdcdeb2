package dev.gatun.tensor;

import java.lang.foreign.ValueLayout;

/** Element types. Float32 is the working type; float64 serves gradient checks; int32 holds labels and indices. */
public enum DType {
    FLOAT32(4, ValueLayout.JAVA_FLOAT_UNALIGNED),
    FLOAT64(8, ValueLayout.JAVA_DOUBLE_UNALIGNED),
    INT32(4, ValueLayout.JAVA_INT_UNALIGNED);

    private final int byteSize;
    private final ValueLayout layout;

    DType(int byteSize, ValueLayout layout) {
        this.byteSize = byteSize;
        this.layout = layout;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The native-order layout of one element. */
    public ValueLayout layout() {
        return layout;
    }

    /** True for the types gradients can flow through. */
    public boolean isFloating() {
        return this != INT32;
    }

    /** Lower-case name as users type it: float32, float64, int32. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
