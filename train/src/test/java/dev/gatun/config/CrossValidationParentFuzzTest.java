package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import dev.gatun.tracking.RunLineage;
import dev.gatun.train.metrics.RunFolder;
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
 * Fuzzes the {@code folds.json} of a cross-validation's parent run as {@code gatun eval PARENT}
 * reads it ({@link ModelEnsemble#members}) to find the fold runs: it returns fold folders beside
 * the parent or refuses with an {@link IOException} naming the file, as {@link ReaderOracle}
 * checks. The parent's {@code lineage.json} is a valid one. The seeds in
 * {@code CrossValidationParentFuzzTestInputs/members/} run as regression tests; {@code make fuzz}
 * fuzzes.
 */
class CrossValidationParentFuzzTest {
    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(CrossValidationParentFuzzTest.class, "members", CrossValidationParentFuzzTest::validSeeds);
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void members(byte[] input) throws IOException {
        Path parent = parent("fuzz-parent", input);
        ReaderOracle.check(parent.toString(), () -> {
            for (Path p : ModelEnsemble.members(List.of(parent))) {
                if (!p.getParent().equals(parent.getParent())) {
                    throw new AssertionError(p + " is not beside the parent " + parent);
                }
            }
        }, IOException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Map.Entry<String, byte[]> s : validSeeds().entrySet()) {
            Path parent = parent(s.getKey(), s.getValue());
            ReaderOracle.accepts(s.getKey(), () -> assertEquals(List.of(parent.resolveSibling("spirals-fold1-x"),
                    parent.resolveSibling("spirals-fold2-x")), ModelEnsemble.members(List.of(parent))));
        }
    }

    /** A summary as the cross-validation writes it, of two folds. */
    static Map<String, byte[]> validSeeds() {
        CrossValidationSummary summary = CrossValidationSummary.of("spirals", List.of(
                new CrossValidationSummary.Fold(1, "spirals-fold1-x", Map.of("0", 40L, "1", 40L),
                        Map.of("val_loss", 0.25, "val_accuracy", 0.9)),
                new CrossValidationSummary.Fold(2, "spirals-fold2-x", Map.of("0", 40L, "1", 40L),
                        Map.of("val_loss", Double.NaN, "val_accuracy", 0.8))));
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-two-folds", summary.json().getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    private static Path parent(String name, byte[] summary) throws IOException {
        Path parent = Files.createDirectories(dir.resolve("runs").resolve(name));
        new RunLineage(null, CrossValidationRunner.PARENT_ROLE, Map.of("folds", "2")).write(RunFolder.open(parent));
        Files.write(parent.resolve(CrossValidationSummary.JSON), summary);
        return parent;
    }
}
