package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, rough edges 6 and 7: what {@code gatun train} prints, off a terminal, quietly, and in its help. */
class TrainOutputTest {
    private static final String CONFIG = """
            name: tiny
            data: {source: synthetic, kind: spirals, n: 400, validation: 0.2, test: 0.2}
            model: {layers: [{type: dense, units: 8}, {type: tanh}, {type: dense, units: 2}]}
            training: {epochs: 4, batch: 16}
            """;
    @TempDir
    Path dir;

    @Test
    void outputThatIsNotATerminalGetsOneLinePerEpoch() throws IOException {
        CliRun run = CliRun.of("train", config().toString(), "--runs", dir.resolve("runs").toString());

        assertEquals(0, run.exitCode(), run.err());
        List<String> epochLines = run.out().lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(4, epochLines.size(), run.out());
        for (int e = 1; e <= 4; e++) {
            assertTrue(epochLines.get(e - 1).startsWith("epoch " + e + "/4: train loss "), epochLines.get(e - 1));
        }
        assertFalse(run.out().contains("\r"), "no redraws off a terminal");
        // The header, four epochs, the test result, the run folder: nothing per batch.
        assertTrue(run.out().lines().count() <= 8, run.out());
    }

    @Test
    void quietPrintsOnlyTheResult() throws IOException {
        CliRun run = CliRun.of("train", config().toString(), "--runs", dir.resolve("runs").toString(), "--quiet");

        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.out().contains("epoch"), run.out());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("run folder: "), run.out());
        assertTrue(lines.get(1).startsWith("test accuracy: "), run.out());
        try (var folders = Files.list(dir.resolve("runs"))) {
            assertEquals(1, folders.filter(f -> f.getFileName().toString().startsWith("tiny-")).count());
        }
    }

    @Test
    void helpListsEveryRegisteredBackend() {
        CliRun help = CliRun.of("train", "--help");

        assertEquals(0, help.exitCode(), help.err());
        String line = help.out().lines().filter(l -> l.contains("--backend=NAME ")).findFirst().orElseThrow();
        for (String name : List.of("cpu", "scalar", "cuda", "fake")) {
            assertTrue(BackendRegistry.names().contains(name), name);
            assertTrue(line.matches(".*\\b" + name + "\\b.*"), line);
        }
        for (String name : BackendRegistry.names()) {
            assertTrue(line.contains(name), name + " missing from: " + line);
        }
    }

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("tiny.yaml"), CONFIG);
    }
}
