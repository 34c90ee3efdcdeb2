package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.sweep.SweepState;
import dev.gatun.sweep.SweepSummary;
import dev.gatun.sweep.TrialRecord;
import dev.gatun.tracking.RunLineage;
import dev.gatun.tracking.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun train} on a TPE sweep: trials with lineage, the summary, resuming from the sweep folder. */
class SweepCommandTest {
    @TempDir
    Path tmp;

    private static final String CONFIG = """
            name: tiny
            seed: 3
            data: {source: synthetic, kind: xor, n: 200, validation: 0.25, test: 0.1}
            model:
              layers:
                - {type: dense, units: 8}
                - {type: tanh}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: 3, batch: 16}
            search:
              method: tpe
              trials: 5
              startup_trials: 2
              pruner: {type: median, warmup_epochs: 1, startup_trials: 2}
              params:
                optimizer.lr: {type: loguniform, low: 1.0e-3, high: 0.3}
                model.layers[0].units: {type: int, low: 2, high: 16}
            """;

    private Path sweepFolder(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(p -> p.getFileName().toString().startsWith("tiny-sweep-")).findFirst().orElseThrow();
        }
    }

    @Test
    void aTpeSweepTrainsItsTrialsRecordsTheirParentAndResumesWithoutRepeatingThem() throws Exception {
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), CONFIG);
        Path runs = tmp.resolve("runs");
        CliRun first = CliRun.of("train", config.toString(), "--runs", runs.toString(), "--jobs", "2");
        assertEquals(0, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("tpe search, 5 trials, val_loss lower is better, pruner median (warmup_epochs 1, startup_trials 2)"),
                first.out());
        assertEquals(5, first.out().lines().filter(l -> l.matches("\\[\\d/5 ended] trial \\d .*")).count(), first.out());
        assertTrue(first.out().contains("trial  state"), first.out());
        Path sweep = sweepFolder(runs);
        List<TrialRecord> trials = SweepState.read(sweep).trials();
        assertEquals(5, trials.size());
        assertTrue(Files.isRegularFile(sweep.resolve(SweepSummary.CSV_FILE)));
        for (TrialRecord t : trials) {
            assertTrue(t.state() == RunState.FINISHED || t.state() == RunState.PRUNED, t.toString());
            Path run = runs.resolve(t.runOrNull());
            RunLineage l = RunLineage.read(run);
            assertEquals(sweep.getFileName().toString(), l.parentOrNull());
            assertEquals("trial", l.roleOrNull());
            assertEquals(Integer.toString(t.number()), l.tags().get("trial"));
            // A pruned trial's folder keeps the metrics of the epochs it trained.
            assertEquals(t.epochs() + 1, Files.readAllLines(run.resolve("metrics.csv")).size(), run.toString());
        }

        // Everything ended: resuming runs nothing.
        long folders = runFolders(runs);
        CliRun again = CliRun.of("train", "--resume", sweep.toString());
        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("(5 ended before, not repeated)"), again.out());
        assertEquals(folders, runFolders(runs));

        // As if killed after two trials: the same command with --resume runs the other three, and
        // with one worker they are the ones an uninterrupted one-worker sweep proposes.
        Path runs1 = tmp.resolve("runs1");
        assertEquals(0, CliRun.of("train", config.toString(), "--runs", runs1.toString()).exitCode());
        Path whole = sweepFolder(runs1);
        List<TrialRecord> all = SweepState.read(whole).trials();
        SweepState s = SweepState.read(whole);
        new SweepState(s.name(), s.config(), all.subList(0, 2)).write(whole);
        CliRun resumed = CliRun.of("train", config.toString(), "--resume", whole.toString());
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertEquals(3, resumed.out().lines().filter(l -> l.matches("\\[\\d/5 ended] trial \\d .*")).count(), resumed.out());
        List<TrialRecord> after = SweepState.read(whole).trials().stream()
                .sorted(java.util.Comparator.comparingInt(TrialRecord::number)).toList();
        assertEquals(all.stream().map(TrialRecord::params).toList(), after.stream().map(TrialRecord::params).toList());
        assertEquals(all.stream().map(TrialRecord::value).toList(), after.stream().map(TrialRecord::value).toList());

        // Another config cannot continue this sweep.
        Path other = Files.writeString(tmp.resolve("tiny.yaml"), CONFIG.replace("epochs: 3", "epochs: 4"));
        CliRun refused = CliRun.of("train", other.toString(), "--resume", whole.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("this sweep searched another config (its training differ)"), refused.err());
    }

    @Test
    void aSweepAmongOtherConfigsRunsAfterThemAndABadOneStopsAllBeforeTraining() throws Exception {
        Path config = Files.writeString(tmp.resolve("tiny.yaml"), CONFIG.replace("trials: 5", "trials: 2"));
        Path runs = tmp.resolve("runs");
        CliRun both = CliRun.of("train", config.toString(), CliRun.CONFIGS.resolve("xor.json").toString(), "--runs",
                runs.toString(), "--epochs", "2");
        assertEquals(0, both.exitCode(), both.out() + both.err());
        assertTrue(both.out().indexOf("run folder: ") < both.out().indexOf("sweep "), both.out());
        assertEquals(2, SweepState.read(sweepFolder(runs)).trials().size());
        assertTrue(SweepState.read(sweepFolder(runs)).trials().stream().allMatch(t -> t.epochs() <= 2));

        Path bad = Files.writeString(tmp.resolve("bad.yaml"), CONFIG.replace("high: 0.3", "high: 0.0001"));
        Path runs2 = tmp.resolve("runs2");
        CliRun refused = CliRun.of("train", CliRun.CONFIGS.resolve("xor.json").toString(), bad.toString(), "--runs",
                runs2.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains(bad + ": search.params.optimizer.lr: needs low < high, got low 0.001, high"
                + " 1.0E-4"), refused.err());
        assertTrue(!Files.exists(runs2), "nothing trained");
    }

    /** {@return the run folders in {@code runs}, not the tracking store's files beside them} */
    private static long runFolders(Path runs) throws java.io.IOException {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).count();
        }
    }
}
