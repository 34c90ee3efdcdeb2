package dev.gatun.kernels;

import java.util.Arrays;

/**
 * Scratch float arrays kept per thread in numbered slots: a kernel's packing buffers and padded
 * copies, grown on demand and reused by the thread's next call, so a hot loop allocates nothing
 * once its sizes have been seen. Each thread sees only its own arrays; a kernel that hands one to
 * its workers must finish with it before the calling thread uses that slot again.
 */
public final class ThreadFloats {
    private final ThreadLocal<float[][]> slots;

    /**
     * Slots {@code 0 .. count-1}, each empty until first asked for.
     *
     * @param count the number of slots
     */
    public ThreadFloats(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("ThreadFloats: count must be > 0, got " + count);
        }
        float[] empty = new float[0];
        slots = ThreadLocal.withInitial(() -> {
            float[][] s = new float[count][];
            Arrays.fill(s, empty);
            return s;
        });
    }

    /**
     * This thread's array in {@code slot}, at least {@code floats} long. Its contents are whatever
     * the thread last left there (zeros when it was just grown).
     *
     * @param slot the slot, {@code 0 .. count-1}
     * @param floats the length needed, >= 0
     * @return the array, possibly longer than asked
     */
    public float[] get(int slot, int floats) {
        float[][] s = slots.get();
        if (s[slot].length < floats) {
            s[slot] = new float[floats];
        }
        return s[slot];
    }
}
