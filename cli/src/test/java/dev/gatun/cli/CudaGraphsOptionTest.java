package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun train --cuda-graphs}: captured on the fake device, refused on the host with the reason, and recorded. */
class CudaGraphsOptionTest {
    private static final String CONFIG = """
            name: tiny
            data: {source: synthetic, kind: spirals, n: 400, validation: 0.2, test: 0.2}
            model: {layers: [{type: dense, units: 8}, {type: tanh}, {type: dense, units: 2}]}
            training: {epochs: 2, batch: 16}
            """;
    @TempDir
    Path dir;

    @Test
    void onTheFakeDeviceTheStepIsCapturedAndTheSwitchIsInConfigJson() throws IOException {
        CliRun run = CliRun.of("train", config().toString(), "--runs", dir.resolve("runs").toString(), "--backend", "fake",
                "--cuda-graphs");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("cuda graphs: captured the training step for inputs float32[16, 2], int32[16]"),
                run.out());
        Path folder = runFolder();
        assertTrue(Files.readString(folder.resolve("config.json")).contains("\"cuda_graphs\" : true"),
                Files.readString(folder.resolve("config.json")));
    }

    @Test
    void onTheHostTrainingRunsEagerlyAndSaysWhy() throws IOException {
        CliRun run = CliRun.of("train", config().toString(), "--runs", dir.resolve("runs").toString(), "--backend", "cpu",
                "--cuda-graphs");

        assertEquals(0, run.exitCode(), run.err());
        List<String> reasons = run.out().lines().filter(l -> l.startsWith("cuda graphs")).toList();
        assertEquals(List.of("cuda graphs off, training steps run eagerly: CUDA graphs need a CUDA device; training"
                + " runs on cpu"), reasons);
    }

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("tiny.yaml"), CONFIG);
    }

    private Path runFolder() throws IOException {
        try (var folders = Files.list(dir.resolve("runs"))) {
            return folders.filter(f -> f.getFileName().toString().startsWith("tiny-")).findFirst().orElseThrow();
        }
    }
}
