package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, rough edge 3: a missing file is named, with what it should be and where it was looked for. */
class MissingFilesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingConfigFileSaysItIsAConfigAndWhereItWasLookedFor() {
        Path nope = dir.resolve("nope.yaml");
        CliRun run = CliRun.of("train", nope.toString());

        assertEquals(1, run.exitCode());
        assertEquals("gatun train: " + nope + ": no such config file (looked for " + nope.toAbsolutePath() + ")",
                run.err().strip());
    }

    @Test
    void aMissingFolderIsNamedToo() {
        Path nope = dir.resolve("typo").resolve("configs").resolve("nope.yaml");
        CliRun run = CliRun.of("train", nope.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().strip().endsWith("; the folder " + dir.resolve("typo") + " does not exist either)"),
                run.err());
    }

    @Test
    void aConfigWhoseDataPathIsMissingNamesTheFieldAndThePath() throws IOException {
        Path data = dir.resolve("nothere.csv");
        Path config = Files.writeString(dir.resolve("c.yaml"), "data: {source: csv, path: '" + data + "', label: y}\n"
                + "model: {input: [2], layers: [{type: dense, units: 2}]}\n");
        CliRun run = CliRun.of("train", config.toString(), "--runs", dir.resolve("runs").toString());

        assertEquals(1, run.exitCode());
        assertEquals("gatun train: data.path: no such CSV file '" + data + "' (looked for " + data.toAbsolutePath()
                + ")", run.err().lines().filter(l -> l.startsWith("gatun train")).findFirst().orElseThrow(), run.err());
    }

    @Test
    void predictOnAMissingCsvSaysSoNotNoSuchImage() throws IOException {
        CliRun train = CliRun.of("train", CliRun.CONFIGS.resolve("xor.json").toString(), "--runs",
                dir.resolve("runs").toString(), "--epochs", "1");
        assertEquals(0, train.exitCode(), train.err());
        Path model;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            model = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        CliRun predict = CliRun.of("predict", model.toString(), "missing.csv");

        assertEquals(1, predict.exitCode());
        assertEquals("gatun predict: missing.csv: no such input file or folder (looked for "
                + Path.of("missing.csv").toAbsolutePath() + ", relative to the working directory "
                + Path.of("").toAbsolutePath() + ")", predict.err().strip());
        CliRun eval = CliRun.of("eval", model.toString(), "--data", dir.resolve("gone.csv").toString());
        assertEquals(1, eval.exitCode());
        assertEquals("gatun eval: " + dir.resolve("gone.csv") + ": no such data file or folder (looked for "
                + dir.resolve("gone.csv").toAbsolutePath() + ")", eval.err().strip());
    }
}
