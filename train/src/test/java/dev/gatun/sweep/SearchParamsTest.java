package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigException;
import dev.gatun.config.ConfigLoader;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The search-space kinds, and the errors that name the parameter at fault. */
class SearchParamsTest {
    @Test
    void everyKindParsesInOrder() {
        SearchParams p = SearchParams.parse(yaml("""
                optimizer.lr: {type: loguniform, low: 1.0e-4, high: 0.1}
                optimizer.weight_decay: {type: uniform, low: 0, high: 0.01}
                model.layers[0].units: {type: int, low: 8, high: 128, log: true}
                model.layers[1].type: {type: categorical, values: [relu, tanh]}
                training.batch: [16, 32]
                optimizer.momentum: {uniform: [0.5, 0.99]}
                """), "search.params");
        assertEquals(List.of("optimizer.lr", "optimizer.weight_decay", "model.layers[0].units", "model.layers[1].type",
                "training.batch", "optimizer.momentum"), List.copyOf(p.dimensions().keySet()));
        assertEquals(new Dimension.Real(1e-4, 0.1, true), p.dimensions().get("optimizer.lr"));
        assertEquals(new Dimension.Real(0, 0.01, false), p.dimensions().get("optimizer.weight_decay"));
        assertEquals(new Dimension.Int(8, 128, true), p.dimensions().get("model.layers[0].units"));
        assertEquals(2, ((Dimension.Categorical) p.dimensions().get("model.layers[1].type")).values().size());
        assertEquals(2, ((Dimension.Categorical) p.dimensions().get("training.batch")).values().size());
        assertEquals(new Dimension.Real(0.5, 0.99, false), p.dimensions().get("optimizer.momentum"));
    }

    @Test
    void drawsStayInRangeAndLogIntegersSpreadOverDecades() {
        Dimension.Int units = new Dimension.Int(1, 1000, true);
        Dimension.Real lr = new Dimension.Real(1e-4, 1e-1, true);
        SplittableRandom rng = new SplittableRandom(5);
        int small = 0;
        for (int i = 0; i < 3000; i++) {
            JsonNode u = units.draw(rng);
            assertTrue(u.isIntegralNumber() && u.asLong() >= 1 && u.asLong() <= 1000, u.toString());
            if (u.asLong() <= 31) {
                small++;
            }
            double v = lr.draw(rng).asDouble();
            assertTrue(v >= 1e-4 && v <= 0.1, "lr " + v);
        }
        // Half the decades lie below ~31: about half the draws, not the 3% a uniform draw gives.
        assertTrue(small > 1200 && small < 1800, small + " of 3000 at most 31");
        // Values keep 4 significant digits, so names show them exactly.
        assertEquals(0.001235, lr.value(Math.log(0.00123456)).asDouble());
        // ... but never past an end with more digits.
        Dimension.Real odd = new Dimension.Real(0.123444, 0.987654, false);
        assertEquals(0.987654, odd.value(0.98766).asDouble());
        assertEquals(0.123444, odd.value(0.12344).asDouble());
    }

    @Test
    void errorsNameTheParameterAndTheKey() {
        assertError("search.params.optimizer.lr", "needs low < high, got low 0.1, high 0.01",
                "optimizer.lr: {type: uniform, low: 0.1, high: 0.01}");
        assertError("search.params.optimizer.lr", "a log scale needs 0 < low, got low 0.0",
                "optimizer.lr: {type: loguniform, low: 0, high: 0.1}");
        assertError("search.params.units.type", "expected one of uniform, loguniform, int, categorical, got 'normal'",
                "units: {type: normal, low: 1, high: 2}");
        assertError("search.params.units.low", "expected a whole number, got 1.5",
                "units: {type: int, low: 1.5, high: 8}");
        assertError("search.params.units.high", "is required", "units: {type: int, low: 1}");
        assertError("search.params.units.values", "not a key of type int (its keys: type, low, high, log)",
                "units: {type: int, low: 1, high: 4, values: [1]}");
        assertError("search.params.act.values", "must list at least one value, got a list",
                "act: {type: categorical, values: []}");
        assertError("search.params.act", "lists \"relu\" twice", "act: [relu, tanh, relu]");
        assertError("search.params.lr", "expected a list of values or {type: uniform|loguniform|int|categorical, ...},"
                + " got 0.1", "lr: 0.1");
        assertError("search.params.units", "a log scale needs 1 <= low, got low 0",
                "units: {type: int, low: 0, high: 8, log: true}");
    }

    private static void assertError(String path, String problem, String params) {
        ConfigException e = assertThrows(ConfigException.class, () -> SearchParams.parse(yaml(params), "search.params"));
        assertEquals(path, e.path(), e.getMessage());
        assertEquals(problem, e.problem());
    }

    private static JsonNode yaml(String text) {
        return ConfigLoader.parseYaml(text, "test");
    }
}
