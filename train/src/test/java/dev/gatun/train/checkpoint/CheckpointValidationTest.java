package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.io.SafetensorsFormatException;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * A damaged checkpoint is refused with a message naming the file, field or tensor at fault, and
 * the model it was to be loaded into is left exactly as it was. {@code checkpoint.json} is
 * untrusted text: decoded strictly, its fields typed and in range.
 */
class CheckpointValidationTest {
    @TempDir
    Path dir;
    private Scope scope;
    private Path checkpoint;
    private ResumeTest.Run target;
    private List<int[]> before;

    @BeforeEach
    void saveOneEpoch() throws IOException {
        scope = Scope.open("test");
        try (Scope s = Scope.open("saved")) {
            ResumeTest.Run run = ResumeTest.Run.build(dir, 1);
            run.trainer().fit(run.train(), run.validation(), 1, null);
        }
        checkpoint = dir.resolve("checkpoints/epoch-0001");
        target = ResumeTest.Run.build(dir.resolve("target"), 3);
        before = ResumeTest.bits(target.model().state());
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private <E extends Exception> E refused(Class<E> type, String... fragments) {
        E e = assertThrows(type, () -> Checkpoint.load(checkpoint, target.model(), scope));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        List<int[]> after = ResumeTest.bits(target.model().state());
        for (int i = 0; i < after.size(); i++) {
            assertArrayEquals(before.get(i), after.get(i), "the model changed although loading failed");
        }
        return e;
    }

    private void editJson(Consumer<ObjectNode> edit) throws IOException {
        Path json = checkpoint.resolve(Checkpoint.JSON_FILE);
        ObjectNode root = (ObjectNode) Checkpoint.JSON.readTree(Files.readString(json));
        edit.accept(root);
        Files.write(json, Checkpoint.JSON.writeValueAsBytes(root));
    }

    @Test
    void loadsTheIntactCheckpoint() throws IOException {
        assertEquals(1, Checkpoint.load(checkpoint, target.model(), scope).epoch());
    }

    @Test
    void truncatedTensorFile() throws IOException {
        Path f = checkpoint.resolve(Checkpoint.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 12));
        refused(CheckpointFormatException.class, "model.safetensors is " + (bytes.length - 12) + " bytes",
                "records " + bytes.length, "truncated");
    }

    @Test
    void hashMismatch() throws IOException {
        Path f = checkpoint.resolve(Checkpoint.OPTIMIZER_FILE);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(f, bytes);
        refused(CheckpointFormatException.class, "optimizer.safetensors has SHA-256", "corrupted");
    }

    @Test
    void missingTensorFile() throws IOException {
        Files.delete(checkpoint.resolve(Checkpoint.CALLBACKS_FILE));
        refused(CheckpointFormatException.class, "callbacks.safetensors is missing");
    }

    @Test
    void unknownVersion() throws IOException {
        editJson(root -> root.put("version", 99));
        refused(CheckpointFormatException.class, "version: unknown version 99; this build reads version 1");
    }

    @Test
    void missingField() throws IOException {
        editJson(root -> root.remove("optimizer"));
        refused(CheckpointFormatException.class, "checkpoint.json: optimizer: missing");
    }

    @Test
    void missingNestedField() throws IOException {
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).remove("sha256"));
        refused(CheckpointFormatException.class, "files.model.safetensors.sha256: missing");
    }

    @Test
    void nestedFieldOfTheWrongType() throws IOException {
        editJson(root -> ((ObjectNode) root.get("history").get(0)).put("train_loss", "low"));
        refused(CheckpointFormatException.class, "history[0].train_loss: must be a number");
    }

    @Test
    void malformedJson() throws IOException {
        Files.writeString(checkpoint.resolve(Checkpoint.JSON_FILE), "{\"format\": \"gatun-checkpoint\", ");
        refused(CheckpointFormatException.class, "checkpoint.json is not valid JSON");
    }

    @Test
    void historyThatDisagreesWithTheEpoch() throws IOException {
        editJson(root -> root.put("epoch", 3));
        refused(CheckpointFormatException.class, "history: has 1 epochs but the checkpoint is of epoch 3");
    }

    @Test
    void wrongShapeIsNamed() throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        Sequential other = new Sequential(new Linear(2, 17, rng), new dev.gatun.nn.BatchNorm1d(17),
                Activation.relu(), new dev.gatun.nn.Dropout(0.25, 11), new Linear(17, 3, rng));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> Checkpoint.load(checkpoint, other, scope));
        assertTrue(e.getMessage().contains("tensor '0.weight' has shape [16, 2] in the file but [17, 2] in the model"),
                e.getMessage());
        assertTrue(e.getMessage().contains("tensor '1.running_mean' has shape [16] in the file but [17] in the model"),
                e.getMessage());
    }

    @Test
    void extraTensor() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var p : target.model().state()) {
            tensors.put(p.name(), p.tensor());
        }
        tensors.put("extra.weight", Tensor.zeros(DType.FLOAT32, 2, 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.writeTensors(tensors, null, out);
        byte[] bytes = out.toByteArray();
        Files.write(checkpoint.resolve(Checkpoint.MODEL_FILE), bytes);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", bytes.length)
                .put("sha256", sha));
        refused(SafetensorsFormatException.class, "not in the model: [extra.weight]");
    }

    @Test
    void dropoutCountersMustMatchTheModel() throws IOException {
        editJson(root -> ((ObjectNode) root.get("rng").get("dropout_draws")).put("7", 3));
        refused(CheckpointFormatException.class, "rng.dropout_draws", "[3, 7]", "[3]");
    }

    @Test
    void notADirectory() {
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> Checkpoint.load(dir.resolve("nope"), target.model(), scope));
    }

    /** The one-line message of loading the checkpoint, which must fail and leave the model as it was. */
    private String refusedLine() {
        CheckpointFormatException e = refused(CheckpointFormatException.class);
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    private String prefix() {
        return "checkpoint " + checkpoint + ": " + Checkpoint.JSON_FILE + ": ";
    }

    @Test
    void aCheckpointJsonWithOneLatin1ByteNamesTheFileLineAndByte() throws IOException {
        Path json = checkpoint.resolve(Checkpoint.JSON_FILE);
        byte[] bytes = Files.readAllBytes(json);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int at = text.indexOf("\"name\"") + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.write(0xE9);
        out.write(bytes, at, bytes.length - at);
        Files.write(json, out.toByteArray());
        long line = text.substring(0, at).lines().count();
        assertEquals(prefix() + "line " + line + ": not valid UTF-8 at byte " + (at + 1) + " (0xE9)", refusedLine());
        // Reading the model config alone, as predict and eval do, says the same.
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.readModelConfig(checkpoint));
        assertEquals(prefix() + "line " + line + ": not valid UTF-8 at byte " + (at + 1) + " (0xE9)", e.getMessage());
    }

    @Test
    void aLearningRateThatIsNotAFiniteNumberOfAtLeastZeroIsRefused() throws IOException {
        for (String lr : List.of("\"NaN\"", "\"Infinity\"", "-0.5", "1e400")) {
            editJson(root -> ((ObjectNode) root.get("optimizer")).set("lr", Checkpoint.JSON.readTree(lr)));
            String m = refusedLine();
            assertTrue(m.startsWith(prefix() + "optimizer.lr: must be a finite number >= 0, got "), m);
        }
    }

    @Test
    void aBlankOptimizerNameIsACheckpointFormatException() throws IOException {
        editJson(root -> ((ObjectNode) root.get("optimizer")).put("name", " "));
        assertEquals(prefix() + "optimizer.name: must not be blank", refusedLine());
    }

    @Test
    void fileRecordsAreLongsWithAHashOf64HexDigits() throws IOException {
        long size = Files.size(checkpoint.resolve(Checkpoint.MODEL_FILE));
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", 3_000_000_000L));
        assertEquals("checkpoint " + checkpoint + ": model.safetensors is " + size + " bytes but checkpoint.json"
                + " records 3000000000 (truncated or replaced)", refusedLine());
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", -1));
        assertEquals(prefix() + "files.model.safetensors.bytes: must be >= 0, got -1", refusedLine());
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", size)
                .put("sha256", "xyz"));
        assertEquals(prefix() + "files.model.safetensors.sha256: must be 64 hexadecimal digits, got \"xyz\"",
                refusedLine());
    }

    @Test
    void aHugeValueOfTheWrongTypeIsNamedWithoutBeingCopiedIntoTheMessage() throws IOException {
        editJson(root -> {
            var list = root.putArray("format");
            for (int i = 0; i < 100_000; i++) {
                list.add(i);
            }
        });
        String m = refusedLine();
        assertTrue(m.startsWith(prefix() + "format: must be a string, got [0,1,2,"), m);
        assertTrue(m.length() < prefix().length() + 100, m);
    }

    @Test
    void anIntegerPastADoublesRangeIsNamedNotAJacksonException() throws IOException {
        editJson(root -> ((ObjectNode) root.get("optimizer")).set("lr",
                Checkpoint.JSON.readTree("1" + "0".repeat(400))));
        assertEquals(prefix() + "optimizer.lr: 1000000000000000000000000000000000000... is beyond the range of a double",
                refusedLine());
    }
}
