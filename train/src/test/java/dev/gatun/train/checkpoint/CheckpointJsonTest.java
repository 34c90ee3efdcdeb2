package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code checkpoint.json} is untrusted text: it is decoded strictly, and its fields are typed and
 * in range, each problem a {@link CheckpointFormatException} naming the field, before the model
 * it is loaded into changes.
 */
class CheckpointJsonTest {
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

    /** The message of loading the checkpoint, which must fail and leave the model as it was. */
    private String refused() {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.load(checkpoint, target.model(), scope));
        List<int[]> after = ResumeTest.bits(target.model().state());
        for (int i = 0; i < after.size(); i++) {
            assertArrayEquals(before.get(i), after.get(i), "the model changed although loading failed");
        }
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    private void editJson(Consumer<ObjectNode> edit) throws IOException {
        Path json = checkpoint.resolve(Checkpoint.JSON_FILE);
        ObjectNode root = (ObjectNode) Checkpoint.JSON.readTree(Files.readAllBytes(json));
        edit.accept(root);
        Files.write(json, Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
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
        assertEquals(prefix() + "line " + line + ": not valid UTF-8 at byte " + (at + 1) + " (0xE9)", refused());
        // Reading the model config alone, as predict and eval do, says the same.
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.readModelConfig(checkpoint));
        assertEquals(prefix() + "line " + line + ": not valid UTF-8 at byte " + (at + 1) + " (0xE9)", e.getMessage());
    }

    @Test
    void aLearningRateThatIsNotAFiniteNumberOfAtLeastZeroIsRefused() throws IOException {
        for (String lr : List.of("\"NaN\"", "\"Infinity\"", "-0.5", "1e400")) {
            editJson(root -> ((ObjectNode) root.get("optimizer")).set("lr", Checkpoint.JSON.readTree(lr)));
            String m = refused();
            assertTrue(m.startsWith(prefix() + "optimizer.lr: must be a finite number >= 0, got "), m);
        }
    }

    @Test
    void aBlankOptimizerNameIsACheckpointFormatException() throws IOException {
        editJson(root -> ((ObjectNode) root.get("optimizer")).put("name", " "));
        assertEquals(prefix() + "optimizer.name: must not be blank", refused());
    }

    @Test
    void fileRecordsAreLongsWithAHashOf64HexDigits() throws IOException {
        long size = Files.size(checkpoint.resolve(Checkpoint.MODEL_FILE));
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", 3_000_000_000L));
        assertEquals("checkpoint " + checkpoint + ": model.safetensors is " + size + " bytes but checkpoint.json"
                + " records 3000000000 (truncated or replaced)", refused());
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", -1));
        assertEquals(prefix() + "files.model.safetensors.bytes: must be >= 0, got -1", refused());
        editJson(root -> ((ObjectNode) root.get("files").get("model.safetensors")).put("bytes", size)
                .put("sha256", "xyz"));
        assertEquals(prefix() + "files.model.safetensors.sha256: must be 64 hexadecimal digits, got \"xyz\"",
                refused());
    }

    @Test
    void aHugeValueOfTheWrongTypeIsNamedWithoutBeingCopiedIntoTheMessage() throws IOException {
        editJson(root -> {
            var list = root.putArray("format");
            for (int i = 0; i < 100_000; i++) {
                list.add(i);
            }
        });
        String m = refused();
        assertTrue(m.startsWith(prefix() + "format: must be a string, got [0,1,2,"), m);
        assertTrue(m.length() < prefix().length() + 100, m);
    }

    @Test
    void anIntegerPastADoublesRangeIsNamedNotAJacksonException() throws IOException {
        editJson(root -> ((ObjectNode) root.get("optimizer")).set("lr",
                Checkpoint.JSON.readTree("1" + "0".repeat(400))));
        assertEquals(prefix() + "optimizer.lr: 1000000000000000000000000000000000000... is beyond the range of a double",
                refused());
    }
}
