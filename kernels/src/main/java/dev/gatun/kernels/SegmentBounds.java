package dev.gatun.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Argument checks shared by the elementwise, reduce and optim kernels.
 *
 * <p>Kernels check every segment once, up front, before touching memory: a kernel that failed
 * half way would leave its output partly written, and the Vector API's own bounds errors name
 * byte offsets, not the argument the caller got wrong. Offsets and counts are in elements.
 */
public final class SegmentBounds {
    private SegmentBounds() {}

    /**
     * Throws unless {@code count >= 0}; {@code name} is the parameter, e.g. {@code "n"}.
     *
     * @param name the parameter's name, for the message
     * @param count the value checked
     */
    public static void count(String name, long count) {
        if (count < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + count);
        }
    }

    /**
     * Throws unless {@code seg} holds floats {@code [off, off + n)}.
     *
     * @param name the parameter's name, for the message
     * @param seg the segment
     * @param off the first element's index, in elements of the checked type
     * @param n the number of elements that must fit
     */
    public static void floats(String name, MemorySegment seg, long off, long n) {
        elements(name, seg, off, n, Float.BYTES, "floats");
    }

    /**
     * Throws unless {@code seg} holds 16-bit values {@code [off, off + n)} (bfloat16 or float16).
     *
     * @param name the parameter's name, for the message
     * @param seg the segment
     * @param off the first element's index, in elements of the checked type
     * @param n the number of elements that must fit
     */
    public static void shorts(String name, MemorySegment seg, long off, long n) {
        elements(name, seg, off, n, Short.BYTES, "shorts");
    }

    /**
     * Throws unless {@code seg} holds int32 values {@code [off, off + n)}.
     *
     * @param name the parameter's name, for the message
     * @param seg the segment
     * @param off the first element's index, in elements of the checked type
     * @param n the number of elements that must fit
     */
    public static void ints(String name, MemorySegment seg, long off, long n) {
        elements(name, seg, off, n, Integer.BYTES, "ints");
    }

    /**
     * {@code a * b} for non-negative sizes, or an exception naming {@code what} if it overflows a long.
     *
     * @param what what the product sizes, for the message
     * @param a a non-negative size
     * @param b a non-negative size
     * @return {@code a * b}
     */
    public static long product(String what, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " overflows: " + a + " * " + b, e);
        }
    }

    private static void elements(String name, MemorySegment seg, long off, long n, int bytes, String unit) {
        if (seg == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (off < 0) {
            throw new IllegalArgumentException(name + " offset must be >= 0, got " + off);
        }
        if (n < 0) {
            throw new IllegalArgumentException(name + " length must be >= 0, got " + n);
        }
        long capacity = seg.byteSize() / bytes;
        // Written as a subtraction so a huge off + n cannot overflow into a passing check.
        if (off > capacity || n > capacity - off) {
            throw new IllegalArgumentException(name + " is too small: needs " + unit + " [" + off + ", "
                    + (off + n) + ") but holds " + capacity + " " + unit + " (" + seg.byteSize() + " bytes)");
        }
    }
}
