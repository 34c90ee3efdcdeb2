package dev.gatun.sweep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * Draws every parameter independently and uniformly on its axis (log-uniformly on log scales),
 * ignoring the history: random search, and TPE's startup trials.
 *
 * @param space the searched parameters
 * @param seed the sweep's seed
 */
public record RandomSampler(SearchParams space, long seed) implements Sampler {
    @Override
    public Map<String, JsonNode> propose(int number, List<TrialRecord> history) {
        return draw(space, Sampler.random(seed, number));
    }

    /**
     * One value per parameter from {@code rng}.
     *
     * @param space the searched parameters
     * @param rng the random source
     * @return each parameter's value, in the space's order
     */
    static Map<String, JsonNode> draw(SearchParams space, SplittableRandom rng) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        space.dimensions().forEach((path, d) -> out.put(path, d.draw(rng)));
        return out;
    }
}
