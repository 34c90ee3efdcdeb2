package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, rough edge 8: the folder a failed run leaves does not make {@code gatun compare} fail,
 * nor does the tracking store's file that {@code gatun compare runs/*} names beside the folders.
 */
class CompareFailedRunTest {
    @TempDir
    Path dir;

    @Test
    void aRunThatDivergedIsListedAsFailedAndTheOthersAreRanked() throws IOException {
        Path runs = dir.resolve("runs");
        String xor = CliRun.CONFIGS.resolve("xor.json").toString();
        for (String seed : List.of("1", "2")) {
            CliRun ok = CliRun.of("train", xor, "--runs", runs.toString(), "--epochs", "2", "--seed", seed);
            assertEquals(0, ok.exitCode(), ok.err());
        }
        CliRun diverged = CliRun.of("train", xor, "--runs", runs.toString(), "--epochs", "2",
                "--set", "optimizer.lr=1e38", "--set", "name=diverged");
        assertEquals(1, diverged.exitCode(), diverged.out());
        assertTrue(diverged.err().contains("loss became"), diverged.err());
        Path failed;
        List<Path> all;
        try (Stream<Path> s = Files.list(runs)) {
            all = s.sorted().toList();
        }
        failed = all.stream().filter(p -> p.getFileName().toString().startsWith("diverged-")).findFirst().orElseThrow();
        // Three run folders, and the tracking store's file beside them, which `compare runs/*` names too.
        assertEquals(3, all.stream().filter(Files::isDirectory).count());
        assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().equals("gatun-runs.db")), all.toString());

        List<String> args = new java.util.ArrayList<>(List.of("compare"));
        all.forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--metric", "val_accuracy", "--out", dir.resolve("cmp").toString()));
        CliRun compare = CliRun.of(args.toArray(String[]::new));

        assertEquals(0, compare.exitCode(), compare.err());
        List<String> lines = compare.out().lines().toList();
        assertTrue(lines.get(1).startsWith("1 ") && lines.get(2).startsWith("2 "), compare.out());
        assertTrue(lines.get(3).startsWith("failed") && lines.get(3).contains(failed.getFileName().toString()),
                compare.out());
        assertTrue(lines.get(3).contains("no metrics.json") || lines.get(3).contains("no model.safetensors"),
                compare.out());
        assertTrue(!lines.get(4).contains("diverged"), "the best run is a finished one: " + compare.out());
        String md = Files.readString(dir.resolve("cmp").resolve("comparison.md"));
        assertTrue(md.contains("| failed | " + failed.getFileName() + " |"), md);
    }
}
