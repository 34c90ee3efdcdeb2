package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.train.callbacks.Callback;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs started through {@link ExperimentRunner} record themselves in the runs directory's store. */
class TrackedExperimentTest {
    static final String CONFIG = """
            name: tiny
            seed: 3
            data: {source: synthetic, kind: spirals, n: 200, noise: 0.05, validation: 0.2, test: 0.2}
            model:
              layers:
                - {type: dense, units: 8}
                - {type: tanh}
                - {type: dense, units: 2}
            loss: cross_entropy
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: 3, batch: 32}
            """;

    @TempDir
    Path runs;

    @AfterEach
    void clearProperty() {
        System.clearProperty(TrackingTarget.PROPERTY);
    }

    static ExperimentConfig config(Path dir, String yaml, Map<String, String> overrides) throws IOException {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, overrides).getFirst();
    }

    private TrackingStore store() throws IOException {
        return TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE)).open();
    }

    @Test
    void aConfigRunIsRecordedWithItsConfigLineageEpochsAndFinalMetrics() throws Exception {
        ExperimentConfig c = config(runs, CONFIG, Map.of("optimizer.lr", "0.02"));
        ExperimentResult r = ExperimentRunner.run(c, runs, quiet(), p -> List.of(),
                new RunLineage("sweep-1", "trial", Map.of("trial", "4")));
        String id = r.folder().path().getFileName().toString();
        try (TrackingStore s = store()) {
            TrackedRun t = s.run(id).orElseThrow();
            assertEquals(RunState.FINISHED, t.state());
            assertEquals("tiny", t.name());
            assertEquals("sweep-1", t.parentOrNull());
            assertEquals("trial", t.roleOrNull());
            assertEquals(Map.of("trial", "4"), t.tags());
            assertEquals("0.02", t.hyperparameters().get("optimizer.lr"));
            assertEquals("8", t.hyperparameters().get("model.layers[0].units"));
            // Defaults are spelled out: the normalized config, not the file.
            assertTrue(t.hyperparameters().containsKey("training.shuffle") || t.hyperparameters().size() > 15,
                    t.hyperparameters().toString());
            assertEquals(3, t.epochs().size());
            assertEquals(List.of(1, 2, 3), t.epochs().stream().map(TrackedRun.Epoch::epoch).toList());
            assertEquals(r.history().get(2).trainLoss(), t.epochs().get(2).metrics().get("train_loss"));
            assertEquals(r.metric("test_accuracy"), t.finalMetrics().get("test_accuracy"));
            assertEquals(r.folder().path().toAbsolutePath().toString(), t.folder());
            assertEquals(MachineFacts.probe().cores(), t.machine().cores());
            assertNotNull(t.endedAtOrNull());
            assertTrue(t.gatunVersion().matches("\\d+\\.\\d+.*"), t.gatunVersion());
        }
    }

    @Test
    void aRunThatThrowsIsRecordedFailedAndAPrunedTrialPruned() throws Exception {
        ExperimentConfig c = config(runs, CONFIG, Map.of());
        IllegalStateException boom = assertThrows(IllegalStateException.class, () -> ExperimentRunner.run(c, runs,
                quiet(), p -> List.of(Callback.afterEachEpoch(ctx -> {
                    throw new IllegalStateException("disk on fire at epoch " + ctx.epoch());
                })), RunLineage.NONE));
        assertThrows(TrialPruned.class, () -> ExperimentRunner.run(c, runs, quiet(), p -> List.of(
                Callback.afterEachEpoch(ctx -> {
                    if (ctx.epoch() == 2) {
                        throw new TrialPruned(2, "val_loss above the median");
                    }
                })), new RunLineage("sweep", "trial", Map.of())));
        try (TrackingStore s = store()) {
            List<TrackedRun> all = s.runs();
            assertEquals(2, all.size(), all.toString());
            TrackedRun failed = all.getFirst();
            assertEquals(RunState.FAILED, failed.state());
            assertTrue(failed.errorOrNull().contains(boom.getMessage()), failed.errorOrNull());
            TrackedRun pruned = s.run(all.get(1).id()).orElseThrow();
            assertEquals(RunState.PRUNED, pruned.state());
            assertEquals(2, pruned.epochs().size());
            assertTrue(pruned.errorOrNull().contains("pruned after epoch 2"), pruned.errorOrNull());
        }
    }

    @Test
    void aResumedRunContinuesItsRecordToItsEnd() throws Exception {
        ExperimentConfig c = config(runs, CONFIG, Map.of("training.checkpoint_every", "1", "training.epochs", "2"));
        ExperimentResult first = ExperimentRunner.run(c, runs, quiet());
        String id = first.folder().path().getFileName().toString();
        ExperimentResult resumed = ExperimentRunner.resume(first.folder().path(), 4, quiet());
        assertEquals(first.folder().path(), resumed.folder().path());
        try (TrackingStore s = store()) {
            assertEquals(1, s.runs().size(), "one record: the resumed run is the same run");
            TrackedRun t = s.run(id).orElseThrow();
            assertEquals(RunState.FINISHED, t.state());
            assertEquals(List.of(1, 2, 3, 4), t.epochs().stream().map(TrackedRun.Epoch::epoch).toList());
            assertEquals(resumed.metric("test_accuracy"), t.finalMetrics().get("test_accuracy"));
        }
    }

    @Test
    void anUnavailableStoreWarnsOnceAndTheRunsTrainOn() throws Exception {
        // A folder where the database file should be: SQLite cannot open it.
        Path blocked = Files.createDirectories(runs.resolve("blocked.db"));
        System.setProperty(TrackingTarget.PROPERTY, "jdbc:sqlite:" + blocked);
        ExperimentConfig c = config(runs, CONFIG, Map.of());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            ExperimentResult a = ExperimentRunner.run(c, runs, out);
            ExperimentResult b = ExperimentRunner.run(c, runs, out);
            assertTrue(Files.isRegularFile(a.folder().resolve("model.safetensors")));
            assertTrue(Files.isRegularFile(b.folder().resolve("model.safetensors")));
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        long warnings = text.lines().filter(l -> l.startsWith("warning: run tracking off")).count();
        assertEquals(1, warnings, text);
        assertTrue(text.contains(blocked.toString()), text);
    }

    @Test
    void trackingOffRecordsNothing() throws Exception {
        System.setProperty(TrackingTarget.PROPERTY, "off");
        ExperimentRunner.run(config(runs, CONFIG, Map.of()), runs, quiet());
        assertTrue(Files.notExists(runs.resolve(TrackingTarget.SQLITE_FILE)));
    }

    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
