package dev.gatun.tracking;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.testing.FolderInput;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@code gatun runs import}: any {@code config.json}, {@code metrics.json},
 * {@code metrics.csv} and {@code lineage.json} in one folder ({@link FolderInput}) is read as a
 * run ({@link RunImporter#read}) or refused with an {@link IOException} of one line naming the
 * file, as {@link ReaderOracle} checks. The seeds in {@code RunImporterFuzzTestInputs/reads/} run
 * as regression tests; {@code make fuzz} fuzzes.
 */
class RunImporterFuzzTest {
    private static final List<String> FILES = List.of("config.json", "metrics.json", "metrics.csv", RunLineage.FILE);

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(RunImporterFuzzTest.class, "reads", RunImporterFuzzTest::validSeeds);
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void reads(byte[] input) throws IOException {
        Path folder = dir.resolve("fuzz-run");
        FolderInput.write(FolderInput.split(input, FILES), FILES, folder);
        ReaderOracle.check(folder.toString(), () -> RunImporter.read(folder), IOException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Map.Entry<String, byte[]> s : validSeeds().entrySet()) {
            Path folder = dir.resolve(s.getKey());
            FolderInput.write(FolderInput.split(s.getValue(), FILES), FILES, folder);
            ReaderOracle.accepts(s.getKey(), () -> RunImporter.read(folder));
        }
    }

    @Test
    void malformedFilesAreRefusedInOneLineNamingTheFile() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(folder.resolve("config.json"), "{\"optimizer\": [1, 2,");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> RunImporter.read(folder));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(folder.resolve("config.json") + ": not JSON")
                && !e.getMessage().contains("\n"), e.getMessage());
        Files.writeString(folder.resolve("config.json"), "{}");
        Files.writeString(folder.resolve(RunLineage.FILE), "{\"parent\": ");
        e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> RunImporter.read(folder));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(folder.resolve(RunLineage.FILE).toString())
                && !e.getMessage().contains("\n"), e.getMessage());
    }

    /** A run folder that Gatun wrote (a trial with its lineage), and the same with metrics.csv only. */
    static Map<String, byte[]> validSeeds() throws IOException {
        Path runs = Files.createTempDirectory(dir, "runs");
        System.setProperty(TrackingTarget.PROPERTY, TrackingTarget.OFF);
        ExperimentResult r;
        try {
            r = ExperimentRunner.run(TrackedExperimentTest.config(runs, TrackedExperimentTest.CONFIG, Map.of()), runs,
                    TrackedExperimentTest.quiet(), p -> List.of(), new RunLineage("sweep-1", "trial", Map.of("k", "v")));
        } finally {
            System.clearProperty(TrackingTarget.PROPERTY);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : FILES) {
            files.put(f, Files.readAllBytes(r.folder().resolve(f)));
        }
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-run-folder", FolderInput.join(files));
        Map<String, byte[]> csvOnly = new LinkedHashMap<>(files);
        csvOnly.remove("metrics.json");
        csvOnly.put(RunLineage.FILE, "{}".getBytes(StandardCharsets.UTF_8));
        seeds.put("valid-csv-only", FolderInput.join(csvOnly));
        return seeds;
    }
}
