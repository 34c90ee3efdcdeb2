package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which leftovers of interrupted saves go, and what is never touched. */
class LeftoversTest {
    @TempDir
    Path run;

    private Path checkpoints() throws IOException {
        return Files.createDirectories(run.resolve(Checkpoint.DIRECTORY));
    }

    private static Path folder(Path p, String... files) throws IOException {
        Files.createDirectories(p);
        for (String f : files) {
            Files.writeString(p.resolve(f), "data of " + f);
        }
        return p;
    }

    @Test
    void onlyOurTemporaryNamesGoAndNeverACompleteCheckpoint() throws IOException {
        Path c = checkpoints();
        folder(c.resolve("epoch-0001"), Checkpoint.JSON_FILE, Checkpoint.MODEL_FILE);
        folder(c.resolve(".epoch-0002.8812731230921"), Checkpoint.MODEL_FILE);
        folder(c.resolve(".epoch-0002.notes"), "mine.txt");
        folder(c.resolve("epoch-0003.backup"), Checkpoint.JSON_FILE);
        Files.writeString(c.resolve(".epoch-0004.123"), "a file, not a folder a save made");
        Files.writeString(run.resolve(".metrics.csv.4711.tmp"), "half a metrics file");
        Files.writeString(run.resolve(".model.safetensors.99.tmp"), "half the weights");
        Files.writeString(run.resolve("notes.tmp"), "the user's");
        Files.writeString(run.resolve(".hidden.tmp"), "the user's");
        KilledSaveTest.age(run);

        Leftovers.Cleanup done = Leftovers.clean(run, Leftovers.MIN_AGE, Instant.now());
        assertEquals(List.of(run.resolve(".metrics.csv.4711.tmp"), run.resolve(".model.safetensors.99.tmp"),
                c.resolve(".epoch-0002.8812731230921")), done.removed());
        assertEquals(List.of(".epoch-0002.notes", ".epoch-0004.123", "epoch-0001", "epoch-0003.backup"), names(c));
        assertEquals(List.of(".hidden.tmp", "checkpoints", "notes.tmp"), names(run));
        assertEquals(("half a metrics file" + "half the weights" + "data of " + Checkpoint.MODEL_FILE).length(),
                done.bytes());
        assertEquals(List.of(Checkpoint.JSON_FILE, Checkpoint.MODEL_FILE), names(c.resolve("epoch-0001")));
    }

    @Test
    void aLeftoverYoungerThanTheThresholdIsLeftForTheSaveStillWritingIt() throws IOException {
        Path c = checkpoints();
        Path live = folder(c.resolve(".epoch-0002.5551234"), Checkpoint.MODEL_FILE);
        KilledSaveTest.age(live);
        // The save is still writing its second file: the folder counts as young as its newest entry.
        Files.writeString(live.resolve(".optimizer.safetensors.77.tmp"), "being written");
        assertEquals(List.of(), Leftovers.clean(run, Leftovers.MIN_AGE, Instant.now()).removed());
        assertEquals(List.of(c.resolve(".epoch-0002.5551234")),
                Leftovers.clean(run, Leftovers.MIN_AGE, Instant.now().plus(Leftovers.MIN_AGE)).removed());
    }

    @Test
    void aCheckpointMovedAsideIsPutBackWhenItsReplacementNeverArrived() throws IOException {
        Path c = checkpoints();
        folder(c.resolve(".epoch-0003.old.424242"), Checkpoint.JSON_FILE, Checkpoint.MODEL_FILE);
        folder(c.resolve("epoch-0004"), Checkpoint.JSON_FILE);
        folder(c.resolve(".epoch-0004.old.777"), Checkpoint.JSON_FILE);
        KilledSaveTest.age(run);

        Leftovers.Cleanup done = Leftovers.clean(run, Leftovers.MIN_AGE, Instant.now());
        assertEquals(List.of(c.resolve("epoch-0003")), done.restored());
        assertEquals(List.of(c.resolve(".epoch-0004.old.777")), done.removed(), "its replacement is complete");
        assertEquals(List.of("epoch-0003", "epoch-0004"), names(c));
        assertEquals("data of " + Checkpoint.MODEL_FILE, Files.readString(c.resolve("epoch-0003/" + Checkpoint.MODEL_FILE)));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
