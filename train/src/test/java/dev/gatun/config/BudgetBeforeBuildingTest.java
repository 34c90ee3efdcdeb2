package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sizes from configs, {@code model.json} and checkpoints that would build networks past the
 * memory budget, or of a million layers, are refused with one line before anything is built:
 * the reproductions of issue 15's first item. The budget is set in each test, so that the
 * outcome does not depend on the machine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang, not a speed target
class BudgetBeforeBuildingTest {
    private static final long GIB = 1L << 30;
    private static final String MOONS = """
            name: moons
            data: {source: synthetic, kind: moons, n: 200, validation: 0.2, test: 0.2}
            model:
              layers:
                - {type: dense, units: %s}
                - {type: relu}
                - {type: dense, units: 2}
            training: {epochs: 1, batch: 32, checkpoint_every: 1}
            """;

    @TempDir
    static Path trained;
    private static Path run;

    @TempDir
    Path dir;

    private long savedLimit;

    @BeforeAll
    static void trainASmallRun() throws IOException {
        ExperimentConfig c = config(MOONS.formatted(8));
        run = ExperimentRunner.run(c, trained, quiet()).folder().path();
    }

    @BeforeEach
    void save() {
        savedLimit = MemoryBudget.limit();
    }

    @AfterEach
    void restore() {
        MemoryBudget.setLimit(savedLimit);
    }

    @Test
    void aConfigWithFiftyMillionUnitsIsRefusedBeforeAnythingIsBuilt() {
        MemoryBudget.setLimit(GIB);
        ExperimentConfig c = config(MOONS.formatted(50_000_000));
        MemoryBudgetException early = assertThrows(MemoryBudgetException.class,
                () -> ExperimentRunner.checkMemory(c, "big.yaml"));
        // 6·P + 1000·(I + A) values (evaluation outweighs a step at batch 32): 6·250000002 + 1000·100000004.
        assertEquals("big.yaml: training its network (250000002 parameters; the largest layer is model.layers[0],"
                + " dense from 2 to 50000000 units) at batch 32 and evaluating at batch 1000 needs 378.12 GiB (406000016048"
                + " bytes), over the memory budget of 1.00 GiB (1073741824 bytes) (set it with --max-memory or"
                + " -Dgatun.maxMemory)", early.getMessage());
        assertRefusedWithNothingLeft(c, "dense from 2 to 50000000 units");
    }

    @Test
    void aConfigWithTwoBillionUnitsIsRefusedBeforeAnythingIsBuilt() {
        MemoryBudget.setLimit(GIB);
        ExperimentConfig c = config(MOONS.formatted(2_000_000_000));
        MemoryBudgetException early = assertThrows(MemoryBudgetException.class,
                () -> ExperimentRunner.checkMemory(c, "huge.yaml"));
        assertTrue(early.getMessage().startsWith("huge.yaml: training its network (10000000002 parameters; the largest"
                + " layer is model.layers[0], dense from 2 to 2000000000 units)"), early.getMessage());
        assertRefusedWithNothingLeft(c, "dense from 2 to 2000000000 units");
    }

    @Test
    void aModelCardWithTenMillionInputsIsRefusedBeforeTheNetworkIsBuilt() throws IOException {
        Path folder = copyWithInput("ten-million", "10000000");
        MemoryBudget.setLimit(GIB);
        long before = Scope.liveBytes();
        try (Scope s = Scope.open("load")) {
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> TrainedModel.load(folder));
            assertTrue(e.getMessage().startsWith(folder.resolve("config.json") + " with the input [10000000] of "
                    + folder.resolve("model.json") + ": its network (80000026 parameters; the largest layer is"
                    + " model.layers[0], dense from 10000000 to 8 units) at batch 1000 needs "), e.getMessage());
            assertTrue(e.getMessage().contains("over the memory budget of 1.00 GiB"), e.getMessage());
            assertEquals(before, Scope.liveBytes(), "nothing was built");

            // With room for it, the network's size still does not match the weights': refused unbuilt too.
            MemoryBudget.setLimit(1L << 40);
            ModelCardException mismatch = assertThrows(ModelCardException.class, () -> TrainedModel.load(folder));
            assertEquals(folder.resolve("model.safetensors") + ": holds 42 values but the network of "
                    + folder.resolve("config.json") + " for the input [10000000] of " + folder.resolve("model.json")
                    + " has 80000026: the files do not belong together", mismatch.getMessage());
            assertEquals(before, Scope.liveBytes(), "nothing was built");
        }
    }

    @Test
    void aModelCardWithTheLargestIntInputIsRefusedNotAnOutOfMemoryError() throws IOException {
        Path folder = copyWithInput("largest-int", "2147483647");
        MemoryBudget.setLimit(1L << 40);
        long before = Scope.liveBytes();
        try (Scope s = Scope.open("load")) {
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> TrainedModel.load(folder));
            assertTrue(e.getMessage().contains("with the input [2147483647] of " + folder.resolve("model.json")
                    + ": its network (17179869202 parameters;"), e.getMessage());
            assertTrue(e.getMessage().contains("over the memory budget of 1.00 TiB"), e.getMessage());
        }
        assertEquals(before, Scope.liveBytes());
    }

    @Test
    void anLstmWithAMillionLayersIsRefusedAtValidationWithItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("""
                data: {source: synthetic, kind: moons}
                model:
                  input: [4, 2]
                  layers:
                    - {type: lstm, hidden: 8, layers: 1000000}
                    - {type: last_state, units: 2}
                """));
        assertEquals("model.layers[0].layers: must be <= 64, got 1000000", e.getMessage());
        assertEquals("model.layers[0].hidden: must be <= 67108864, got 2000000000", assertThrows(ConfigException.class,
                () -> config("""
                        data: {source: synthetic, kind: moons}
                        model: {input: [4, 2], layers: [{type: gru, hidden: 2000000000}, {type: last_state, units: 2}]}
                        """)).getMessage());
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i <= ModelConfig.MAX_LAYERS; i++) {
            layers.append(i == 0 ? "" : ", ").append("{type: relu}");
        }
        assertEquals("model.layers: must list at most 10000 layers, got 10001", assertThrows(ConfigException.class,
                () -> config("data: {source: synthetic, kind: moons}\nmodel: {layers: [" + layers + "]}\n")).getMessage());
    }

    @Test
    void aCheckpointWithAMillionLayersIsRefusedBeforeAnythingIsBuilt() throws IOException {
        Path checkpoint = copyCheckpoint("deep", layer -> layer.put("type", "lstm").put("hidden", 8).put("layers",
                1_000_000));
        long before = Scope.liveBytes();
        try (Scope s = Scope.open("load")) {
            ConfigException e = assertThrows(ConfigException.class, () -> TrainedModel.load(checkpoint));
            assertEquals(checkpoint.resolve(Checkpoint.JSON_FILE) + ": model_config.config:"
                    + " model.layers[0].layers: must be <= 64, got 1000000", e.getMessage());
        }
        ConfigException resumed = assertThrows(ConfigException.class,
                () -> ExperimentRunner.resume(checkpoint, 0, quiet()));
        assertEquals(checkpoint.resolve(Checkpoint.JSON_FILE) + ": model_config.config:"
                + " model.layers[0].layers: must be <= 64, got 1000000", resumed.getMessage());
        assertEquals(before, Scope.liveBytes());
    }

    @Test
    void resumingACheckpointWithFiftyMillionUnitsIsRefusedBeforeAnythingIsBuilt() throws IOException {
        Path checkpoint = copyCheckpoint("wide", layer -> layer.put("units", 50_000_000));
        MemoryBudget.setLimit(GIB);
        long before = Scope.liveBytes();
        MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                () -> ExperimentRunner.resume(checkpoint, 0, quiet()));
        assertTrue(e.getMessage().startsWith(checkpoint.resolve(Checkpoint.JSON_FILE) + ": training its network"
                + " (250000002 parameters; the largest layer is model.layers[0], dense from 2 to 50000000 units)"), e.getMessage());
        assertEquals(before, Scope.liveBytes());
    }

    /** Running the config is refused too, after its data load, with no run folder and no memory left held. */
    private void assertRefusedWithNothingLeft(ExperimentConfig c, String layer) {
        long before = Scope.liveBytes();
        MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                () -> ExperimentRunner.run(c, dir.resolve("runs"), quiet()));
        assertTrue(e.getMessage().startsWith("config 'moons': training its network"), e.getMessage());
        assertTrue(e.getMessage().contains(layer), e.getMessage());
        assertEquals(before, Scope.liveBytes());
        assertTrue(Files.notExists(dir.resolve("runs")), "no run folder");
    }

    private Path copyWithInput(String name, String input) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        for (String f : new String[] {TrainedModel.CONFIG, TrainedModel.WEIGHTS, ModelCard.FILE}) {
            Files.copy(run.resolve(f), copy.resolve(f));
        }
        Path card = copy.resolve(ModelCard.FILE);
        String json = Files.readString(card);
        String edited = json.replaceFirst("\"input\" : \\[ 2 \\]", "\"input\" : [ " + input + " ]");
        assertTrue(!edited.equals(json), json);
        Files.writeString(card, edited);
        return copy;
    }

    /** A copy of the run's checkpoint whose config's first layer {@code edit} changed. */
    private Path copyCheckpoint(String name, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path from = Checkpoint.locate(run);
        Path runCopy = dir.resolve(name);
        try (Stream<Path> files = Files.walk(run)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = runCopy.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path checkpoint = runCopy.resolve(run.relativize(from).toString());
        Path json = checkpoint.resolve(Checkpoint.JSON_FILE);
        JsonNode root = ConfigLoader.parseJson(Files.readString(json), json.toString());
        ObjectNode first = (ObjectNode) root.get("model_config").get(ExperimentRunner.CONFIG_KEY).get("model")
                .get("layers").get(0);
        first.removeAll();
        first.put("type", "dense");
        first.put("units", 8);
        edit.accept(first);
        if (first.get("type").asString().equals("lstm")) {
            first.remove("units");
        }
        Files.writeString(json, ConfigLoader.toJson(root));
        return checkpoint;
    }

    private static ExperimentConfig config(String yaml) {
        return ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "test.yaml"), "moons");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
