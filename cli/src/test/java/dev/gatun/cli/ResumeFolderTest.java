package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun train --resume} in a run folder with stray checkpoint names and leftovers of a killed save. */
class ResumeFolderTest {
    @TempDir
    Path runs;

    @Test
    void anEpochFolderBeyondIntIsIgnoredWithAWarningAndLeftoversAreRemoved() throws IOException {
        CliRun first = CliRun.of("train", CliRun.CONFIGS.resolve("xor.json").toString(), "--runs", runs.toString(),
                "--epochs", "2", "--set", "training.checkpoint_every=1");
        assertEquals(0, first.exitCode(), first.err());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path checkpoints = run.resolve("checkpoints");
        Path huge = Files.createDirectories(checkpoints.resolve("epoch-99999999999"));
        Files.copy(checkpoints.resolve("epoch-0002/checkpoint.json"), huge.resolve("checkpoint.json"));
        Path killed = Files.createDirectories(checkpoints.resolve(".epoch-0003.4410981234"));
        Files.write(killed.resolve("model.safetensors"), new byte[4096]);
        Path halfLog = Files.writeString(run.resolve(".metrics.csv.1234.tmp"), "epoch,train_loss\n1,0.");
        FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
        for (Path p : List.of(killed.resolve("model.safetensors"), killed, halfLog)) {
            Files.setLastModifiedTime(p, hourAgo);
        }

        CliRun more = CliRun.of("train", "--resume", run.toString(), "--epochs", "3");
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.out().contains("resumed from " + checkpoints.resolve("epoch-0002")), more.out());
        assertTrue(more.out().contains("warning: ignoring " + huge + ": not a checkpoint name"), more.out());
        assertTrue(more.out().contains("removed 2 leftovers of interrupted saves"), more.out());
        try (Stream<Path> s = Files.list(checkpoints)) {
            assertEquals(List.of("epoch-0002", "epoch-0003", "epoch-99999999999"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.notExists(halfLog));
    }
}
