package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun train --precision P} is {@code --set training.precision=P}. */
class PrecisionFlagTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("tiny.yaml"), """
                name: tiny
                data: {source: synthetic, kind: spirals, n: 200, validation: 0.2, test: 0.2}
                model: {layers: [{type: dense, units: 8}, {type: tanh}, {type: dense, units: 2}]}
                training: {epochs: 2, batch: 16}
                """);
    }

    @Test
    void theFlagSetsTheConfigKey() throws IOException {
        CliRun run = CliRun.of("train", config().toString(), "--runs", dir.resolve("runs").toString(), "--precision",
                "fp16");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("precision fp16: matmul, linear, conv2d and recurrent layers on fp16 operands"),
                run.out());
        assertTrue(run.out().contains("dynamic loss scaling from 65536"), run.out());
        Path folder;
        try (var folders = Files.list(dir.resolve("runs"))) {
            folder = folders.filter(f -> f.getFileName().toString().startsWith("tiny-")).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(folder.resolve("config.json")).contains("\"precision\" : \"fp16\""));
    }

    @Test
    void aBadValueNamesTheKeyAndTheChoices() throws IOException {
        CliRun run = CliRun.of("train", config().toString(), "--runs", dir.resolve("runs").toString(), "--precision",
                "half");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("training.precision") && run.err().contains("fp32, tf32, bf16, fp16"), run.err());
    }

    @Test
    void helpListsThePrecisions() {
        CliRun help = CliRun.of("train", "--help");
        assertTrue(help.out().contains("--precision=P") && help.out().contains("fp32, tf32, bf16, fp16"), help.out());
    }
}
