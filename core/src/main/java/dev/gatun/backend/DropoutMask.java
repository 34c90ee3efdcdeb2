package dev.gatun.backend;

/** The dropout keep/drop decision for element {@code index}: counter-based, so it does not depend on threads. */
final class DropoutMask {
    private DropoutMask() {}

    static boolean keep(long seed, long index, double p) {
        return dev.gatun.kernels.elementwise.Dropout.keep(seed, index, (float) p);
    }
}
