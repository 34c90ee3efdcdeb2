package dev.gatun.data.augment;

import java.util.SplittableRandom;

/**
 * The random generator of one example in one epoch: a pure function of (seed, epoch, example),
 * so augmented batches never depend on what was drawn before them (batch order, batch size,
 * a resumed run) and no generator is shared between examples.
 */
public final class SampleRandom {
    // Keeps augmentation streams apart from the shuffling stream drawn from the same loader seed.
    private static final long SALT = 0x6A09E667F3BCC909L;

    private SampleRandom() {}

    /**
     * A new generator for {@code example} (its index in the data set) in {@code epoch}.
     *
     * @param seed the augmentation seed
     * @param epoch the epoch, as the data loader numbers it
     * @param example the example's index in the data set
     * @return the generator
     */
    public static SplittableRandom of(long seed, int epoch, int example) {
        long key = mix(mix(mix(seed ^ SALT) + epoch) + example);
        return new SplittableRandom(key);
    }

    // SplitMix64's finalizer: chained, distinct (seed, epoch, example) give unrelated keys.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
