package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun train} records its runs; {@code gatun runs} lists, filters, sorts, shows and imports them. */
class RunsCommandTest {
    @TempDir
    Path runs;

    @AfterEach
    void clearTracking() {
        // --tracking sets the process's property, as it must for --jobs' children.
        System.clearProperty(TrackingTarget.PROPERTY);
    }

    private void train(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", CliRun.CONFIGS.resolve("xor.json").toString(),
                "--runs", runs.toString(), "--epochs", "2"));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void trainedRunsAreListedFilteredSortedAndShown() throws Exception {
        train("--set", "optimizer.lr=0.001");
        train("--set", "optimizer.lr=0.05");
        train("--set", "optimizer.lr=0.2");

        CliRun all = CliRun.of("runs", "--runs", runs.toString());
        assertEquals(0, all.exitCode(), all.err());
        List<String> lines = all.out().lines().toList();
        assertEquals(4, lines.size(), all.out());
        assertTrue(lines.getFirst().matches("id +status +started +optimizer\\.lr.*"), lines.getFirst());
        assertTrue(lines.stream().skip(1).allMatch(l -> l.contains(" finished ")), all.out());

        CliRun csv = CliRun.of("runs", "--runs", runs.toString(), "--where", "optimizer.lr < 0.1 and status = finished",
                "--sort", "-optimizer.lr", "--columns", "optimizer.lr,status,training.epochs", "--format", "csv");
        assertEquals(0, csv.exitCode(), csv.err());
        assertEquals("optimizer.lr,status,training.epochs\n0.05,finished,2\n0.001,finished,2\n", csv.out());

        CliRun limited = CliRun.of("runs", "--runs", runs.toString(), "--sort", "optimizer.lr", "--limit", "1",
                "--columns", "optimizer.lr", "--format", "csv");
        assertEquals("optimizer.lr\n0.001\n", limited.out());

        String id;
        try (TrackingStore s = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE)).open()) {
            id = s.runs().getFirst().id();
        }
        CliRun show = CliRun.of("runs", "show", id, "--runs", runs.toString());
        assertEquals(0, show.exitCode(), show.err());
        assertTrue(show.out().startsWith("run: " + id + "\nname: xor\nstatus: finished\n"), show.out());
        assertTrue(show.out().contains("  optimizer.lr = 0.001\n"), show.out());
        assertTrue(show.out().contains("epochs:\n") && show.out().contains("train_loss"), show.out());

        CliRun bad = CliRun.of("runs", "--runs", runs.toString(), "--where", "optimizer.lr <");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--where 'optimizer.lr <': expected a value"), bad.err());
        CliRun mysql = CliRun.of("train", CliRun.CONFIGS.resolve("xor.json").toString(), "--runs", runs.toString(),
                "--tracking", "jdbc:mysql://db/x");
        assertEquals(2, mysql.exitCode());
        assertTrue(mysql.err().contains("--tracking: tracking store 'jdbc:mysql://db/x': expected jdbc:sqlite:FILE,"
                + " jdbc:postgresql://HOST/DB or off"), mysql.err());
        CliRun nowhere = CliRun.of("runs", "--runs", runs.resolve("empty").toString());
        assertEquals(1, nowhere.exitCode());
        assertTrue(nowhere.err().contains("no tracking store at " + runs.resolve("empty").toAbsolutePath()
                .resolve(TrackingTarget.SQLITE_FILE) + ": no run has recorded itself there"), nowhere.err());
        assertTrue(Files.notExists(runs.resolve("empty")), "reading creates nothing");
        CliRun missing = CliRun.of("runs", "show", "nope", "--runs", runs.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no run 'nope' in tracking store jdbc:sqlite:"), missing.err());
    }

    @Test
    void trackingOffRecordsNothingAndExistingFoldersImportOnce() throws Exception {
        train("--tracking", "off");
        train("--tracking", "off", "--set", "optimizer.lr=0.3");
        System.clearProperty(TrackingTarget.PROPERTY);
        assertTrue(Files.notExists(runs.resolve(TrackingTarget.SQLITE_FILE)));

        Path store = runs.resolve("elsewhere").resolve("team.db");
        String url = "jdbc:sqlite:" + store;
        CliRun first = CliRun.of("runs", "import", runs.toString(), "--tracking", url);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("2 imported, 0 skipped"), first.out());
        CliRun again = CliRun.of("runs", "import", runs.toString(), "--tracking", url);
        assertTrue(again.out().contains("0 imported, 2 skipped"), again.out());
        try (TrackingStore s = new TrackingTarget(url).open()) {
            List<TrackedRun> all = s.runs();
            assertEquals(2, all.size());
            TrackedRun r = s.run(all.getFirst().id()).orElseThrow();
            assertEquals("finished", r.shownStatus());
            assertEquals(2, r.epochs().size());
            assertTrue(r.finalMetrics().containsKey("test_accuracy"), r.finalMetrics().toString());
        }
        CliRun listed = CliRun.of("runs", "--tracking", url, "--columns", "optimizer.lr", "--sort", "-optimizer.lr",
                "--format", "csv");
        assertTrue(listed.out().startsWith("optimizer.lr\n0.3\n"), listed.out());
    }

    @Test
    void runsTrainedSideBySideInChildJvmsRecordToTheStoreGiven() throws Exception {
        Path team = runs.resolve("team").resolve("shared.db");
        CliRun r = CliRun.of("train", CliRun.CONFIGS.resolve("xor.json").toString(),
                CliRun.CONFIGS.resolve("moons.yaml").toString(), "--runs", runs.toString(), "--epochs", "2",
                "--jobs", "2", "--tracking", "jdbc:sqlite:" + team);
        assertEquals(0, r.exitCode(), r.err() + r.out());
        CliRun csv = CliRun.of("runs", "--tracking", "jdbc:sqlite:" + team, "--columns", "name,status", "--sort", "name",
                "--format", "csv");
        assertEquals("name,status\nmoons,finished\nxor,finished\n", csv.out());
        assertTrue(Files.notExists(runs.resolve(TrackingTarget.SQLITE_FILE)), "nothing in the default store");
    }

    @Test
    void aRunFolderWithoutFinalMetricsImportsAsFailed() throws Exception {
        train("--tracking", "off");
        System.clearProperty(TrackingTarget.PROPERTY);
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // What a killed run leaves: metrics.csv, no metrics.json with final results, no weights.
        Files.delete(run.resolve("metrics.json"));
        Files.delete(run.resolve("model.safetensors"));
        CliRun imported = CliRun.of("runs", "import", run.toString(), "--runs", runs.toString());
        assertTrue(imported.out().contains("1 imported"), imported.out());
        CliRun csv = CliRun.of("runs", "--runs", runs.toString(), "--columns", "status,error", "--format", "csv");
        assertEquals("status,error\nfailed,imported without final metrics or weights: it did not finish\n", csv.out());
    }
}
