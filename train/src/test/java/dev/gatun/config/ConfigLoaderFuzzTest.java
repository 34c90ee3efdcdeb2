package dev.gatun.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes config files, YAML and JSON: any file is read and validated ({@link ConfigLoader#load},
 * which expands a search and calls {@link ExperimentConfig#from}) or refused with a
 * {@link ConfigException} naming it. Then each experiment's network is built, as {@code gatun
 * train} builds it before its first step: from the synthetic data the config generates, or from
 * its example shape for the other sources (whose files it does not read). That step may refuse the
 * config with a {@link ConfigException} or a {@link MemoryBudgetException}, in one line.
 * {@link ReaderOracle} checks both. The seeds in {@code ConfigLoaderFuzzTestInputs/yaml/} and
 * {@code .../json/} run as regression tests; {@code make fuzz} fuzzes.
 */
class ConfigLoaderFuzzTest {
    private static final String YAML = "fuzz-config.yaml";
    private static final String JSON = "fuzz-config.json";

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        for (String format : List.of("yaml", "json")) {
            SeedCorpus.writeIfAsked(ConfigLoaderFuzzTest.class, format, () -> {
                Map<String, byte[]> seeds = new LinkedHashMap<>(validSeeds());
                seeds.putAll(issueSeeds());
                seeds.keySet().removeIf(name -> !name.endsWith("." + format));
                return seeds;
            });
        }
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void yaml(byte[] input) throws IOException {
        readAndBuild(YAML, input);
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void json(byte[] input) throws IOException {
        readAndBuild(JSON, input);
    }

    private static void readAndBuild(String name, byte[] input) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, input);
        List<ExperimentConfig> configs = new ArrayList<>();
        ReaderOracle.check(name, () -> configs.addAll(load(file)), ConfigException.class);
        for (ExperimentConfig c : configs) {
            ReaderOracle.checkStep(() -> build(c), ConfigException.class, MemoryBudgetException.class);
        }
    }

    /**
     * The shipped configs whose networks need gigabytes to train (the ResNets; ResNetConfigsTest
     * builds and trains them): past the oracle's budget, they must read as valid, and then the
     * memory check must refuse them in one line before anything is allocated.
     */
    private static final List<String> PAST_THE_ORACLES_BUDGET = List.of("cifar10-resnet18", "imagenet-resnet50");

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Map.Entry<String, byte[]> s : validSeeds().entrySet()) {
            Path file = dir.resolve(s.getKey());
            Files.write(file, s.getValue());
            if (PAST_THE_ORACLES_BUDGET.stream().anyMatch(n -> s.getKey().startsWith("valid-" + n + "."))) {
                ReaderOracle.accepts(s.getKey(), () -> load(file));
                for (ExperimentConfig c : load(file)) {
                    ReaderOracle.checkStep(() -> build(c), MemoryBudgetException.class);
                }
                continue;
            }
            ReaderOracle.accepts(s.getKey(), () -> {
                for (ExperimentConfig c : load(file)) {
                    build(c);
                }
            });
        }
    }

    /**
     * The experiments {@code gatun train} checks before anything trains: a sweep's trial made of
     * each range's first value, or the config's own (one per trial of a grid or random search).
     */
    private static List<ExperimentConfig> load(Path file) throws IOException {
        tools.jackson.databind.JsonNode tree = ConfigLoader.read(file);
        if (dev.gatun.sweep.SweepSettings.isSweep(tree)) {
            try {
                return List.of(dev.gatun.sweep.Sweep.validate(tree, ConfigLoader.defaultName(file)));
            } catch (ConfigException e) {
                throw e.in(file.toString());
            }
        }
        return ConfigLoader.load(file);
    }

    /** What {@code gatun train} does with a config before it trains, less reading data files. */
    private static void build(ExperimentConfig config) throws IOException {
        try (Scope s = Scope.open("fuzz config")) {
            int[] shape = config.exampleShapeOrNull();
            int classes = config.knownClasses();
            if (config.data().source() instanceof DataConfig.Synthetic) {
                ExperimentData data = DataFactory.load(config, s);
                shape = data.exampleShape();
                classes = data.classes() > 0 ? data.classes() : -1;
            }
            if (shape == null) {
                return;
            }
            List<int[]> shapes = ModelFactory.outputShapes(config.model(), shape);
            config.checkOutput(shapes.getLast(), classes);
            ModelMemory.requireTraining(config, shape, Device.CPU, "fuzz config");
            ModelFactory.build(config.model(), shape, config.seed(), config.regularization());
        }
    }

    /** The shipped configs (../configs and ../configs/pretrained, with trainable and init), each also as JSON. */
    static Map<String, byte[]> validSeeds() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        addSeeds(Path.of("..", "configs"), "", seeds);
        addSeeds(Path.of("..", "configs", "pretrained"), "pretrained-", seeds);
        return seeds;
    }

    private static void addSeeds(Path dir, String prefix, Map<String, byte[]> seeds) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = prefix + f.getFileName().toString();
                if (name.endsWith(".yaml")) {
                    seeds.put("valid-" + name, Files.readAllBytes(f));
                    String asJson = ConfigLoader.toJson(ConfigLoader.read(f)) + "\n";
                    seeds.put("valid-" + name.substring(0, name.length() - ".yaml".length()) + ".json",
                            asJson.getBytes(StandardCharsets.UTF_8));
                } else if (name.endsWith(".json")) {
                    seeds.put("valid-" + name, Files.readAllBytes(f));
                }
            }
        }
    }

    /**
     * Configs that once failed (issue 15): 50,000,000 units (gigabytes before any check), an LSTM of
     * 1,000,000 layers (a hang, then the heap), and a Latin-1 byte in YAML and in JSON.
     */
    static Map<String, byte[]> issueSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("issue15-units-50000000.yaml", """
                data: {source: synthetic, kind: spirals, n: 64}
                model:
                  layers:
                    - {type: dense, units: 50000000}
                    - {type: tanh}
                    - {type: dense, units: 2}
                """.getBytes(StandardCharsets.UTF_8));
        seeds.put("issue15-lstm-layers-1000000.yaml", """
                data: {source: fashion-mnist}
                model:
                  input: [28, 28]
                  layers:
                    - {type: lstm, hidden: 1, layers: 1000000}
                    - {type: last_state, units: 10}
                """.getBytes(StandardCharsets.UTF_8));
        seeds.put("issue15-latin1-byte.yaml", "name: caf\u00e9\ndata: {source: synthetic, kind: xor}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        seeds.put("issue15-latin1-byte.json", "{\"name\": \"caf\u00e9\", \"data\": {\"source\": \"synthetic\"}}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        return seeds;
    }
}
