package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint folders are found by their exact names; anything else named epoch-... is ignored with a warning. */
class CheckpointNamesTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheNamesASaveWritesStandForAnEpoch() {
        assertEquals(1, CheckpointCallback.epochOf("epoch-0001"));
        assertEquals(12345, CheckpointCallback.epochOf("epoch-12345"));
        assertEquals(Integer.MAX_VALUE, CheckpointCallback.epochOf("epoch-2147483647"));
        for (String bad : List.of("epoch-2147483648", "epoch-99999999999", "epoch-99999999999999999999999", "epoch-1",
                "epoch-00001", "epoch--001", "epoch-+001", "epoch-\u0661\u0662\u0663\u0664", "epoch-", "epoch-0001x")) {
            assertEquals(-1, CheckpointCallback.epochOf(bad), bad);
        }
    }

    @Test
    void anEpochFolderBeyondIntIsIgnoredWithAWarning() throws IOException {
        Path run = dir.resolve("run");
        KilledSaveProbe.Run.trainOneEpoch(run);
        Path checkpoints = run.resolve(Checkpoint.DIRECTORY);
        for (String name : List.of("epoch-99999999999", "epoch-2147483648")) {
            Path fake = Files.createDirectories(checkpoints.resolve(name));
            Files.copy(checkpoints.resolve("epoch-0001").resolve(Checkpoint.JSON_FILE), fake.resolve(Checkpoint.JSON_FILE));
        }
        assertEquals(checkpoints.resolve("epoch-0001"), CheckpointCallback.latest(run));
        assertEquals(List.of(checkpoints.resolve("epoch-0001")), CheckpointCallback.list(run));
        assertEquals(checkpoints.resolve("epoch-0001"), Checkpoint.locate(run));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (Scope s = Scope.open("resume"); PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            KilledSaveProbe.Run r = KilledSaveProbe.Run.build(run, 2, null, out);
            r.trainer().resume(Checkpoint.load(Checkpoint.locate(run), r.model(), s));
            r.trainer().fit(r.train(), null, 2, null);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        for (String name : List.of("epoch-2147483648", "epoch-99999999999")) {
            assertTrue(text.contains("warning: ignoring " + checkpoints.resolve(name) + ": not a checkpoint name"), text);
        }
        assertTrue(Files.isDirectory(checkpoints.resolve("epoch-0002")), "the resumed run saved its next epoch");
        assertTrue(Files.isDirectory(checkpoints.resolve("epoch-99999999999")), "an ignored folder is left alone");
    }
}
