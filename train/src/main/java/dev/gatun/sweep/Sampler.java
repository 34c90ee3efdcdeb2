package dev.gatun.sweep;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * Proposes the values of a sweep's next trial from the trials that ended. A proposal depends only
 * on the seed, the trial's number and the history it is given, so a resumed sweep proposes what
 * the uninterrupted one would have, and several workers may ask at once.
 */
public sealed interface Sampler permits RandomSampler, TpeSampler {
    /**
     * The values of trial {@code number}.
     *
     * @param number the trial's number, from 0
     * @param history the trials that ended so far, in any order
     * @return each searched config path's value, in the space's order
     */
    Map<String, JsonNode> propose(int number, List<TrialRecord> history);

    /**
     * The random source of one trial's proposal: the sweep's seed and the trial's number, mixed.
     *
     * @param seed the sweep's seed
     * @param number the trial's number
     * @return a fresh random source
     */
    static SplittableRandom random(long seed, int number) {
        long z = seed * 0x9E3779B97F4A7C15L + number;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }
}
