package dev.gatun.backend;

/** The dropout keep/drop decision for element {@code index}: counter-based, so it does not depend on threads. */
public final class DropoutMask {
    private DropoutMask() {}

    public static void check(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    static boolean keep(long seed, long index, double p) {
        return dev.gatun.kernels.elementwise.Dropout.keep(seed, index, (float) p);
    }
}
