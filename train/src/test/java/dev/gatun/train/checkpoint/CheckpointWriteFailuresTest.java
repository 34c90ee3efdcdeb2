package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A run that cannot write says why, and says it before it trains. Tests run as root here, which
 * writes through permission bits, and cannot mount a read-only or full file system; so the
 * failures are injected through {@link CheckpointStore}, as the exceptions the JDK throws for
 * EROFS ({@code FileSystemException} with reason "Read-only file system") and for ENOSPC during a
 * write ({@code IOException} "No space left on device"). The probe itself runs for real first.
 */
class CheckpointWriteFailuresTest {
    @TempDir
    Path dir;

    /** The real store, whose probe then fails as a read-only mount does, and that records what it probed. */
    private static final class ReadOnlyAfterProbing implements CheckpointStore {
        final List<Path> probed = new ArrayList<>();

        @Override
        public void probeWrite(Path d) throws IOException {
            FILES.probeWrite(d);
            probed.add(d);
            throw new FileSystemException(d.resolve(".write-probe.1.tmp").toString(), null, "Read-only file system");
        }

        @Override
        public Path save(Path runDir, Trainer trainer, JsonNode modelConfig, Map<String, Long> seeds) {
            throw new AssertionError("nothing may be saved");
        }
    }

    @Test
    void resumingAReadOnlyRunFailsBeforeTraining() throws IOException {
        Path run = dir.resolve("run");
        KilledSaveProbe.Run.trainOneEpoch(run);
        List<String> before = listing(run);
        try (Scope s = Scope.open("resume")) {
            KilledSaveProbe.Run r = KilledSaveProbe.Run.build(dir.resolve("unused"), 2, null, ResumeTest.QUIET);
            ReadOnlyAfterProbing store = new ReadOnlyAfterProbing();
            Trainer t = new Trainer(r.model(), r.trainer().optimizer(), Loss.CROSS_ENTROPY,
                    ResumeTest.QUIET, false);
            AtomicInteger batches = new AtomicInteger();
            t.addCallback(Callback.afterEachBatch(b -> batches.incrementAndGet()));
            t.addCallback(new CheckpointCallback(run, Checkpoint.JSON.createObjectNode(), Map.of(), 1, 10, store));
            t.resume(Checkpoint.load(CheckpointCallback.latest(run), r.model(), s));

            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> t.fit(r.train(), null, 3, null));
            assertEquals("cannot write in " + run + ": read-only file system; nothing was trained", e.getMessage());
            assertEquals(List.of(run), store.probed, "the run folder is probed first");
            assertEquals(0, batches.get(), "not one batch was trained");
            assertEquals(1, t.completedEpochs());
        }
        assertEquals(before, listing(run), "the real probe left nothing behind");
    }

    @Test
    void aFullDiskNamesTheCauseInTheSaveError() throws IOException {
        Path run = dir.resolve("run");
        CheckpointStore full = new CheckpointStore() {
            @Override
            public void probeWrite(Path d) throws IOException {
                FILES.probeWrite(d);
            }

            @Override
            public Path save(Path runDir, Trainer trainer, JsonNode modelConfig, Map<String, Long> seeds)
                    throws IOException {
                throw new IOException("No space left on device");
            }
        };
        try (Scope s = Scope.open("full")) {
            KilledSaveProbe.Run r = KilledSaveProbe.Run.build(dir.resolve("unused"), 1, null, ResumeTest.QUIET);
            Trainer t = new Trainer(r.model(), r.trainer().optimizer(), Loss.CROSS_ENTROPY,
                    ResumeTest.QUIET, false);
            t.addCallback(new CheckpointCallback(run, Checkpoint.JSON.createObjectNode(), Map.of(), 1, 10, full));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> t.fit(r.train(), null, 2, null));
            assertEquals("could not save the checkpoint of epoch 1 in " + run + ": no space left on device",
                    e.getMessage());
            assertEquals("No space left on device", e.getCause().getMessage(), "the cause is kept");
        }
    }

    @Test
    void aMetricsLogInAFolderThatCannotBeWrittenFailsBeforeTraining() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        MetricsLog log = new MetricsLog(RunFolder.open(run), Map.of());
        // The folder vanishes before the fit: the real probe finds no directory to write in.
        Files.delete(run);
        try (Scope s = Scope.open("gone")) {
            KilledSaveProbe.Run r = KilledSaveProbe.Run.build(dir.resolve("unused"), 1, null, ResumeTest.QUIET);
            Trainer t = new Trainer(r.model(), r.trainer().optimizer(), Loss.CROSS_ENTROPY,
                    ResumeTest.QUIET, false);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> t.fit(r.train(), null, 1, log));
            assertEquals("cannot write in " + run + ": no such file or directory; nothing was trained", e.getMessage());
            assertEquals(0, t.completedEpochs());
        }
        assertFalse(Files.exists(run));
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<String> out = s.map(p -> root.relativize(p).toString()).sorted().toList();
            assertTrue(out.contains("checkpoints/epoch-0001/checkpoint.json"), out.toString());
            return out;
        }
    }
}
