package dev.gatun.nn;

import dev.gatun.ops.DropoutOp;
import dev.gatun.tensor.Tensor;

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1-p); in evaluation, the identity.
 *
 * <p>Masks are counter-based: the n-th training call draws its mask from a seed mixed from
 * {@code (seed, n)}, so the whole random state is the call count {@link #draws()}. A checkpoint
 * saves it and {@link #setDraws} restores it, and a resumed run draws the same masks as an
 * uninterrupted one.
 */
public final class Dropout extends Module {
    // Studio's playground changes the rate while a run goes on.
    private volatile double p;
    private final long seed;
    private long draws;

    /**
     * Dropout with probability p in [0, 1) and a seed for its masks.
     *
     * @param p the probability of dropping an element, in [0, 1)
     * @param seed the seed the masks are drawn from
     */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        return DropoutOp.apply(x, p, maskSeed(seed, draws++));
    }

    /** {@return the probability of dropping an element} */
    public double probability() {
        return p;
    }

    /**
     * Changes the probability from the next forward pass on; the mask sequence goes on.
     *
     * @param p the probability of dropping an element, in [0, 1)
     * @throws IllegalArgumentException when p is outside [0, 1)
     */
    public void setProbability(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    /** {@return the masks drawn so far (training calls with p > 0)} */
    public long draws() {
        return draws;
    }

    /**
     * Continues the mask sequence after {@code draws} masks, as a resumed run must.
     *
     * @param draws the number of masks already drawn
     */
    public void setDraws(long draws) {
        if (draws < 0) {
            throw new IllegalArgumentException("Dropout: draws must be >= 0, got " + draws);
        }
        this.draws = draws;
    }

    /** The seed of mask {@code n}: SplitMix64's finalizer over seed and counter, so nearby counters give unrelated masks. */
    static long maskSeed(long seed, long n) {
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
