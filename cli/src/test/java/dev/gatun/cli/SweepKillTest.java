package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.sweep.SweepState;
import dev.gatun.sweep.TrialRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep killed with SIGKILL part way through, then continued with {@code --resume}, ends with
 * the same trials (values, states, metrics) as one that was never interrupted.
 */
class SweepKillTest {
    @TempDir
    Path tmp;

    private static final String CONFIG = """
            name: killed
            seed: 11
            data: {source: synthetic, kind: moons, n: 200, validation: 0.25, test: 0.1}
            model:
              layers:
                - {type: dense, units: 8}
                - {type: tanh}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: 3, batch: 16}
            search:
              method: tpe
              trials: 6
              startup_trials: 2
              pruner: {type: median, warmup_epochs: 1, startup_trials: 2}
              params:
                optimizer.lr: {type: loguniform, low: 1.0e-3, high: 0.3}
                model.layers[0].units: {type: int, low: 2, high: 32, log: true}
            """;

    private static Optional<Path> sweep(Path runs) throws Exception {
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(p -> p.getFileName().toString().startsWith("killed-sweep-")).findFirst();
        }
    }

    private static List<TrialRecord> byNumber(List<TrialRecord> trials) {
        return trials.stream().sorted(Comparator.comparingInt(TrialRecord::number)).toList();
    }

    @Test
    void aSweepKilledAfterSomeTrialsResumesToTheSameTrialsAsAnUninterruptedOne() throws Exception {
        Path config = Files.writeString(tmp.resolve("killed.yaml"), CONFIG);
        Path whole = tmp.resolve("whole");
        CliRun straight = CliRun.of("train", config.toString(), "--runs", whole.toString());
        assertEquals(0, straight.exitCode(), straight.out() + straight.err());
        List<TrialRecord> expected = byNumber(SweepState.read(sweep(whole).orElseThrow()).trials());
        assertEquals(6, expected.size());

        Path runs = tmp.resolve("killed");
        Process child = new ProcessBuilder(ChildRun.command(tmp, List.of(), "train", config.toString(), "--runs",
                runs.toString())).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        int saved = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (saved < 2 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            Optional<Path> s = sweep(runs);
            if (s.isPresent() && Files.isRegularFile(s.get().resolve(SweepState.FILE))) {
                saved = SweepState.read(s.get()).trials().size();
            }
        }
        child.destroyForcibly().waitFor();
        Path folder = sweep(runs).orElseThrow();
        int kept = SweepState.read(folder).trials().size();
        assertTrue(kept >= 2 && kept < 6, kept + " trials saved when killed; log:\n"
                + Files.readString(tmp.resolve("child.log")));

        CliRun resumed = CliRun.of("train", config.toString(), "--resume", folder.toString());
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("(" + kept + " ended before, not repeated)"), resumed.out());
        assertEquals(6 - kept, resumed.out().lines().filter(l -> l.matches("\\[\\d/6 ended] trial \\d .*")).count(),
                resumed.out());
        List<TrialRecord> after = byNumber(SweepState.read(folder).trials());
        assertEquals(expected.stream().map(TrialRecord::params).toList(), after.stream().map(TrialRecord::params).toList());
        assertEquals(expected.stream().map(TrialRecord::state).toList(), after.stream().map(TrialRecord::state).toList());
        assertEquals(expected.stream().map(TrialRecord::value).toList(), after.stream().map(TrialRecord::value).toList());
        assertEquals(expected.stream().map(TrialRecord::epochValues).toList(),
                after.stream().map(TrialRecord::epochValues).toList());
    }
}
