package dev.gatun.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.testing.FolderInput;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes trained-model folders: any {@code model.json}, with the {@code config.json} and
 * {@code model.safetensors} beside it in the same input ({@link FolderInput}), is loaded as a
 * predictor ({@link TrainedModel#predictor}) that then classifies one example, or refused with an
 * {@link java.io.IOException}, a {@link ConfigException} or a {@link MemoryBudgetException}
 * naming the folder, as {@link ReaderOracle} checks. A model that loads must predict. The seeds
 * in {@code TrainedModelFuzzTestInputs/predicts/} run as regression tests; {@code make fuzz} fuzzes.
 */
class TrainedModelFuzzTest {
    private static final List<String> FILES = List.of(ModelCard.FILE, TrainedModel.CONFIG, TrainedModel.WEIGHTS);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(TrainedModelFuzzTest.class, "predicts", () -> {
            Map<String, byte[]> seeds = new LinkedHashMap<>(validSeeds());
            seeds.putAll(issueSeeds(seeds.get("valid-run-folder")));
            return seeds;
        });
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void predicts(byte[] input) throws IOException {
        Path folder = dir.resolve("fuzz-model");
        FolderInput.write(FolderInput.split(input, FILES), FILES, folder);
        ReaderOracle.check(folder.toString(), () -> predictOne(folder), IOException.class, ConfigException.class, ModelCardException.class,
                MemoryBudgetException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Map.Entry<String, byte[]> s : validSeeds().entrySet()) {
            Path folder = dir.resolve(s.getKey());
            FolderInput.write(FolderInput.split(s.getValue(), FILES), FILES, folder);
            ReaderOracle.accepts(s.getKey(), () -> predictOne(folder));
        }
    }

    private static void predictOne(Path folder) throws IOException {
        try (Predictor p = TrainedModel.predictor(folder)) {
            float[] row = new float[p.inputSize()];
            p.predict(row);
            if (p.classification()) {
                p.classify(row);
            }
        }
    }

    /** The run folder of {@link TrainedFolders}: model.json, then config.json and the weights. */
    static Map<String, byte[]> validSeeds() throws IOException {
        Path run = TrainedFolders.train(Files.createTempDirectory(dir, "runs")).folder();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : FILES) {
            files.put(f, Files.readAllBytes(run.resolve(f)));
        }
        return Map.of("valid-run-folder", FolderInput.join(files));
    }

    /**
     * Cards that once failed (issue 15), each in the valid folder: an input of 10,000,000 (seconds
     * and gigabytes before the weights are checked) and of 2³¹ − 1 (OutOfMemoryError), fewer class
     * names than outputs (an index error in predict), a min of 1e308 (no float), wrongly typed
     * entries (Jackson's exception), and a Latin-1 byte.
     */
    static Map<String, byte[]> issueSeeds(byte[] valid) {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("issue15-input-10000000", editCard(valid, c -> c.putArray("input").add(10_000_000)));
        seeds.put("issue15-input-2147483647", editCard(valid, c -> c.putArray("input").add(Integer.MAX_VALUE)));
        seeds.put("issue15-fewer-class-names", editCard(valid, c -> c.putArray("class_names").add("0")));
        seeds.put("issue15-min-1e308", editCard(valid, c -> {
            ObjectNode step = c.putArray("preprocessing").addObject();
            step.put("type", "min_max");
            step.putArray("min").add(1e308).add(0.0);
            step.putArray("max").add(1.0).add(1.0);
        }));
        seeds.put("issue15-wrong-types", editCard(valid, c -> {
            c.putArray("class_names").addObject().put("name", "0");
            c.put("version", "1");
        }));
        Map<String, byte[]> files = FolderInput.split(valid, FILES);
        String card = new String(files.get(ModelCard.FILE), StandardCharsets.UTF_8).replace("\"0\"", "\"caf\u00e9\"");
        files.put(ModelCard.FILE, card.getBytes(StandardCharsets.ISO_8859_1));
        seeds.put("issue15-latin1-byte", FolderInput.join(files));
        return seeds;
    }

    private static byte[] editCard(byte[] valid, Consumer<ObjectNode> edit) {
        Map<String, byte[]> files = FolderInput.split(valid, FILES);
        JsonNode card = JSON.readTree(files.get(ModelCard.FILE));
        edit.accept((ObjectNode) card);
        files.put(ModelCard.FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(card));
        return FolderInput.join(files);
    }
}
