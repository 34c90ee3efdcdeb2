package dev.gatun.train.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.config.ConfigException;
import dev.gatun.config.ModelCardException;
import dev.gatun.config.OptimizerFactory;
import dev.gatun.config.TrainedFolders;
import dev.gatun.config.TrainedModel;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import dev.gatun.testing.FolderInput;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes checkpoints: any {@code checkpoint.json}, with the three tensor files beside it in the
 * same input ({@link FolderInput}), is read as {@code gatun train --resume} reads it: the model
 * its config and card describe is built and loaded ({@link TrainedModel#load}), the checkpoint
 * checked and read ({@link Checkpoint#load}), or refused with an {@link IOException}, a
 * {@link ConfigException} or a {@link MemoryBudgetException} naming the checkpoint. A checkpoint
 * that reads is then restored into a trainer ({@link Trainer#resume}), which may refuse it with an
 * {@link IllegalArgumentException} naming it. {@link ReaderOracle} checks both.
 *
 * <p>Each file's size and SHA-256 in {@code checkpoint.json} may be the strings
 * {@code "@bytes(NAME)"} and {@code "@sha256(NAME)"}, which the test replaces with those of the
 * file in the input, so that fuzzed tensor files get past the hashes to the safetensors reader.
 * The seeds in {@code CheckpointFuzzTestInputs/resumes/} run as regression tests; {@code make fuzz}
 * fuzzes.
 */
class CheckpointFuzzTest {
    private static final List<String> FILES = List.of(Checkpoint.JSON_FILE, Checkpoint.MODEL_FILE,
            Checkpoint.OPTIMIZER_FILE, Checkpoint.CALLBACKS_FILE);

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(CheckpointFuzzTest.class, "resumes", () -> {
            Map<String, byte[]> seeds = new LinkedHashMap<>(validSeeds());
            seeds.putAll(issueSeeds(seeds.get("valid-checkpoint")));
            return seeds;
        });
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void resumes(byte[] input) throws IOException {
        Path checkpoint = dir.resolve("fuzz-run").resolve(Checkpoint.DIRECTORY).resolve("epoch-0001");
        write(input, checkpoint);
        boolean[] read = {false};
        ReaderOracle.check(checkpoint.toString(), () -> {
            read(checkpoint, null);
            read[0] = true;
        }, IOException.class, ConfigException.class, ModelCardException.class, MemoryBudgetException.class);
        if (read[0]) {
            ReaderOracle.check(checkpoint.toString(), () -> read(checkpoint, CheckpointFuzzTest::resume),
                    IllegalArgumentException.class);
        }
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Map.Entry<String, byte[]> s : validSeeds().entrySet()) {
            Path checkpoint = dir.resolve(s.getKey()).resolve(Checkpoint.DIRECTORY).resolve("epoch-0001");
            write(s.getValue(), checkpoint);
            ReaderOracle.accepts(s.getKey(), () -> read(checkpoint, CheckpointFuzzTest::resume));
        }
    }

    /** What to do with a checkpoint that was read. */
    private interface Then {
        void accept(TrainedModel model, Checkpoint saved);
    }

    /** Builds and loads the model, reads the checkpoint into it, and hands both to {@code thenOrNull}. */
    private static void read(Path checkpoint, Then thenOrNull) throws IOException {
        try (Scope s = Scope.open("fuzz checkpoint")) {
            TrainedModel model = TrainedModel.load(checkpoint);
            Checkpoint saved = Checkpoint.load(checkpoint, model.module(), s);
            if (thenOrNull != null) {
                thenOrNull.accept(model, saved);
            }
        }
    }

    private static void resume(TrainedModel model, Checkpoint saved) {
        Trainer trainer = new Trainer(model.module(), OptimizerFactory.create(model.config().optimizer(),
                model.module().parameters()), Loss.CROSS_ENTROPY,
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), false);
        trainer.resume(saved);
    }

    /** Writes the files of {@code input} into {@code checkpoint}, with the placeholders replaced. */
    private static void write(byte[] input, Path checkpoint) throws IOException {
        Map<String, byte[]> files = FolderInput.split(input, FILES);
        byte[] json = files.get(Checkpoint.JSON_FILE);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            json = replace(json, "\"@bytes(" + f.getKey() + ")\"", Integer.toString(f.getValue().length));
            json = replace(json, "@sha256(" + f.getKey() + ")", HexFormat.of().formatHex(sha256(f.getValue())));
        }
        files.put(Checkpoint.JSON_FILE, json);
        FolderInput.write(files, FILES, checkpoint);
    }

    /** The checkpoint of {@link TrainedFolders}, with its sizes and hashes as placeholders. */
    static Map<String, byte[]> validSeeds() throws IOException {
        Path checkpoint = TrainedFolders.train(Files.createTempDirectory(dir, "runs")).checkpoint();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : FILES) {
            files.put(f, Files.readAllBytes(checkpoint.resolve(f)));
        }
        files.put(Checkpoint.JSON_FILE, withPlaceholders(files.get(Checkpoint.JSON_FILE)));
        return Map.of("valid-checkpoint", FolderInput.join(files));
    }

    /**
     * Checkpoints that once failed (issue 15), each in the valid checkpoint: an LSTM of 1,000,000
     * layers in the saved config (a hang, then the heap), and a Latin-1 byte in checkpoint.json.
     */
    static Map<String, byte[]> issueSeeds(byte[] valid) {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("issue15-lstm-layers-1000000", editJson(valid, root -> {
            ObjectNode model = ((ObjectNode) root.get("model_config").get("config")).putObject("model");
            model.putArray("input").add(3).add(2);
            ArrayNode layers = model.putArray("layers");
            layers.addObject().put("type", "lstm").put("hidden", 1).put("layers", 1_000_000);
            layers.addObject().put("type", "last_state").put("units", 3);
            ((ObjectNode) root.get("model_config").get("model")).putArray("input").add(3).add(2);
        }));
        Map<String, byte[]> files = FolderInput.split(valid, FILES);
        String json = new String(files.get(Checkpoint.JSON_FILE), StandardCharsets.UTF_8)
                .replace("\"tiny\"", "\"tiny\u00e9\"");
        files.put(Checkpoint.JSON_FILE, json.getBytes(StandardCharsets.ISO_8859_1));
        seeds.put("issue15-latin1-byte", FolderInput.join(files));
        return seeds;
    }

    private static byte[] editJson(byte[] valid, Consumer<ObjectNode> edit) {
        Map<String, byte[]> files = FolderInput.split(valid, FILES);
        JsonNode root = Checkpoint.JSON.readTree(files.get(Checkpoint.JSON_FILE));
        edit.accept((ObjectNode) root);
        files.put(Checkpoint.JSON_FILE, Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return FolderInput.join(files);
    }

    /** {@code json} with each file's recorded size and hash replaced by its placeholders. */
    private static byte[] withPlaceholders(byte[] json) {
        ObjectNode root = (ObjectNode) Checkpoint.JSON.readTree(json);
        for (String name : FILES.subList(1, FILES.size())) {
            ObjectNode record = (ObjectNode) root.get("files").get(name);
            record.put("bytes", "@bytes(" + name + ")");
            record.put("sha256", "@sha256(" + name + ")");
        }
        return Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static byte[] replace(byte[] in, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < in.length) {
            if (i <= in.length - f.length && java.util.Arrays.equals(in, i, i + f.length, f, 0, f.length)) {
                out.writeBytes(t);
                i += f.length;
            } else {
                out.write(in[i++]);
            }
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
