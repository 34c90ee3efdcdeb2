package dev.gatun.data.augment;

/** Validation shared by the augmentations' options. */
final class Probability {
    private Probability() {}

    /** Throws unless {@code p} is in [0, 1], naming the option. */
    static void check(String who, String option, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(who + ": " + option + " must be a probability in [0, 1], got " + p);
        }
    }

    /** True with probability {@code p}; never for p = 0, always for p = 1. */
    static boolean draw(java.util.SplittableRandom random, double p) {
        return random.nextDouble() < p;
    }
}
