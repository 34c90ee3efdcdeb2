package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, rough edge 4: validation reports every problem of a config at once, each with its path. */
class AllConfigProblemsTest {
    @TempDir
    Path dir;

    private static ConfigException problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "t"), "t"));
    }

    @Test
    void everyProblemIsReportedWithItsPath() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                seed: many
                data: {source: synthetic, kind: spirals, n: 200, validation: 0.2}
                model:
                  layers:
                    - {type: dense, units: 0}
                    - {type: relu}
                    - {type: dense, units: 2, bogus: 1}
                optimizer: {type: adam, lr: -1}
                training: {epochs: 0, batch: 32, bacth: 1}
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        List<String> paths = e.problems().stream().map(ConfigException::path).toList();
        assertEquals(List.of("seed", "model.layers[0].units", "model.layers[2].bogus", "optimizer.lr",
                "training.bacth", "training.epochs"), paths, e.getMessage());
        assertEquals(file + ": 6 problems: seed: expected an integer, got 'many'; model.layers[0].units: must be > 0; "
                + "model.layers[2].bogus: unknown key (known: type, trainable, name, inputs, units, bias, init, l1, l2); "
                + "optimizer.lr: must be > 0; training.bacth: unknown key (did you mean 'batch'?); "
                + "training.epochs: must be > 0", e.getMessage());
        assertEquals("seed", e.path(), "the first problem's path");
    }

    @Test
    void problemsInDifferentSectionsAndUnknownKeysComeTogether() {
        ConfigException e = problems("""
                bogus: 1
                data: {source: synthetic, kind: spirals, n: -5}
                model: {layers: [{type: dense, units: 2, activation: relu}]}
                optimizer: {type: sgd, lr: 0.1, momentum: two}
                early_stopping: {patience: -1}
                """);

        List<String> paths = e.problems().stream().map(ConfigException::path).toList();
        assertEquals(List.of("bogus", "data.n", "model.layers[0].activation", "optimizer.momentum",
                "early_stopping.patience"), paths, e.getMessage());
        assertTrue(e.getMessage().startsWith("5 problems: bogus: unknown key"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aSingleProblemReadsAsBefore() {
        ConfigException e = problems("""
                data: {source: synthetic, kind: spirals}
                model: {layers: [{type: dense, units: 0}]}
                """);

        assertEquals("model.layers[0].units: must be > 0", e.getMessage());
        assertEquals(List.of(e), e.problems());
    }
}
