package dev.gatun.nn;

import dev.gatun.ops.DropoutOp;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1-p); in evaluation, the identity. Masks come from a seeded stream, so runs repeat.
 */
public final class Dropout extends Module {
    private final double p;
    private final SplittableRandom seeds;

    /** Dropout with probability p in [0, 1) and a seed for its masks. */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seeds = new SplittableRandom(seed);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        return DropoutOp.apply(x, p, seeds.nextLong());
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
