package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Expanding a search section: grid products, seeded random draws, and errors naming bad paths. */
class SearchSpaceTest {
    private static final String BASE = """
            name: s
            seed: 3
            data: {source: synthetic, kind: xor, n: 100}
            model:
              layers:
                - {type: dense, units: 8}
                - {type: tanh}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: 3, batch: 16}
            """;

    @Test
    void aGridHasOneTrialPerCombinationFirstParameterSlowest() {
        List<ExperimentConfig> trials = SearchSpace.expand(tree("""
                search:
                  params:
                    optimizer.lr: [0.1, 0.01]
                    model.layers[0].units: [4, 8, 16]
                    model.layers[1].type: [relu]
                """), "file");
        assertEquals(6, trials.size());
        assertEquals(List.of("s-lr0.1-units4-typerelu", "s-lr0.1-units8-typerelu", "s-lr0.1-units16-typerelu",
                "s-lr0.01-units4-typerelu", "s-lr0.01-units8-typerelu", "s-lr0.01-units16-typerelu"),
                trials.stream().map(ExperimentConfig::name).toList());
        ExperimentConfig t = trials.get(4);
        assertEquals(0.01, t.optimizer().lr());
        assertEquals(8, ((LayerConfig.Dense) t.model().layers().get(0)).units());
        assertEquals(new LayerConfig.Activation("relu"), t.model().layers().get(1));
        // Everything else is the base config's.
        assertEquals(3, t.seed());
        assertEquals(2, ((LayerConfig.Dense) t.model().layers().get(2)).units());
    }

    @Test
    void randomDrawsAreReproducibleBySeedAndInRange() {
        String search = """
                search:
                  method: random
                  trials: 20
                  seed: %d
                  params:
                    optimizer.lr: {log_uniform: [1.0e-4, 1.0e-1]}
                    optimizer.weight_decay: {uniform: [0, 0.5]}
                    model.layers[0].units: {int: [4, 6]}
                    model.layers[1].type: [relu, tanh, sigmoid]
                """;
        List<ExperimentConfig> a = SearchSpace.expand(tree(search.formatted(1)), "f");
        List<ExperimentConfig> b = SearchSpace.expand(tree(search.formatted(1)), "f");
        List<ExperimentConfig> c = SearchSpace.expand(tree(search.formatted(2)), "f");
        assertEquals(20, a.size());
        assertEquals(a.stream().map(ExperimentConfig::normalized).toList(), b.stream().map(ExperimentConfig::normalized).toList());
        assertNotEquals(a.stream().map(ExperimentConfig::name).toList(), c.stream().map(ExperimentConfig::name).toList());
        java.util.Set<Integer> units = new java.util.HashSet<>();
        for (ExperimentConfig t : a) {
            double lr = t.optimizer().lr();
            assertTrue(lr >= 1e-4 && lr <= 0.1, "lr " + lr);
            assertTrue(t.optimizer().weightDecay() >= 0 && t.optimizer().weightDecay() <= 0.5);
            units.add(((LayerConfig.Dense) t.model().layers().get(0)).units());
            // The name shows the value the trial uses.
            assertTrue(t.name().startsWith("s-lr" + lr + "-"), t.name());
        }
        assertEquals(java.util.Set.of(4, 5, 6), units);
        assertEquals(20, a.stream().map(ExperimentConfig::name).distinct().count());
    }

    @Test
    void badPathsAndSectionsAreNamed() {
        assertSearchError("search: {params: {optimzer.lr: [0.1]}}",
                "search.params.optimzer.lr: no 'optimzer' in the config (did you mean 'optimizer'?)");
        assertSearchError("search: {params: {\"model.layers[9].units\": [4]}}",
                "search.params.model.layers[9].units: model.layers has 3 entries, no [9]");
        assertSearchError("search: {params: {optimizer.lr.x: [4]}}",
                "search.params.optimizer.lr.x: optimizer.lr is not a mapping");
        assertSearchError("search: {params: {optimizer.lrr: [0.1]}}",
                "optimizer.lrr: unknown key (did you mean 'lr'?) (in search trial s-lrr0.1)");
        assertSearchError("search: {params: {optimizer.lr: {log_uniform: [0.1, 1]}}}",
                "search.params.optimizer.lr: expected a list of values, got a mapping");
        assertSearchError("search: {method: random, trials: 2, params: {optimizer.lr: {log_uniform: [0, 1]}}}",
                "search.params.optimizer.lr.log_uniform: needs 0 < a < b, got [0, 1]");
        assertSearchError("search: {method: random, params: {optimizer.lr: [0.1]}}", "search.trials: missing");
        assertSearchError("search: {method: bayes, params: {optimizer.lr: [0.1]}}",
                "search.method: unknown 'bayes' (known: grid, random)");
        assertSearchError("search: {params: {}}", "search.params: must map at least one config path to the values to try");
        assertSearchError("search: {params: {optimizer.lr: [0.1, -1]}}",
                "optimizer.lr: must be > 0 (in search trial s-lr-1)");
    }

    private static void assertSearchError(String search, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> SearchSpace.expand(tree(search), "f"));
        assertEquals(expected, e.getMessage());
    }

    private static JsonNode tree(String search) {
        return ConfigLoader.parseYaml(BASE + search, "test.yaml");
    }
}
