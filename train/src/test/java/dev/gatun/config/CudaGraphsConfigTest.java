package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** {@code training.cuda_graphs}: off by default and then absent from config.json, on when set, a boolean. */
class CudaGraphsConfigTest {
    @Test
    void offByDefaultAndNotWrittenThen() {
        ExperimentConfig c = ExperimentConfig.from(ConfigValidationTest.edited("seed: 7"), "test");
        assertFalse(c.training().cudaGraphs());
        assertFalse(c.normalized().get("training").has("cuda_graphs"));
    }

    @Test
    void onWhenSetAndWrittenToTheNormalizedConfig() {
        ExperimentConfig c = ExperimentConfig.from(ConfigValidationTest.edited("training.cuda_graphs: true"), "test");
        assertTrue(c.training().cudaGraphs());
        ObjectNode n = c.normalized();
        assertTrue(n.get("training").get("cuda_graphs").booleanValue());
        assertEquals(n, ExperimentConfig.from(n, "again").normalized());
    }

    @Test
    void aValueOtherThanABooleanNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.from(ConfigValidationTest.edited("training.cuda_graphs: yes please"), "test"));
        assertTrue(e.getMessage().startsWith("training.cuda_graphs: "), e.getMessage());
    }
}
