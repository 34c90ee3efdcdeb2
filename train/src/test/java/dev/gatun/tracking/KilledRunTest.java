package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For real: a training JVM killed with SIGKILL leaves its run {@code running} with a stale
 * heartbeat, shown as lost and never as finished; and several JVMs and threads writing to one
 * SQLite store at once lose no row.
 */
class KilledRunTest {
    @TempDir
    Path runs;

    @Test
    void aRunKilledWithSigkillStaysRunningAndIsShownLostOnceItsHeartbeatIsOld() throws Exception {
        Path log = runs.resolve("child.log");
        Process child = new ProcessBuilder(TrackingProbes.command("train", runs.toString())).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        TrackingTarget target = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE));
        TrackedRun seen = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // Killed once the store holds a few of its epochs: mid-training, between writes.
            while (seen == null || seen.epochs().size() < 3) {
                assertTrue(child.isAlive(), () -> "the child ended by itself: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "no epochs recorded in 120 s: " + read(log));
                Thread.sleep(50);
                if (Files.exists(runs.resolve(TrackingTarget.SQLITE_FILE))) {
                    try (TrackingStore s = target.open()) {
                        List<TrackedRun> all = s.runs();
                        seen = all.isEmpty() ? null : s.run(all.getFirst().id()).orElseThrow();
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child outlived SIGKILL");
        }
        assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL: " + read(log));

        try (TrackingStore s = target.open()) {
            TrackedRun r = s.run(seen.id()).orElseThrow();
            assertEquals(RunState.RUNNING, r.state(), "nothing recorded an end");
            assertNull(r.endedAtOrNull());
            assertTrue(r.epochs().size() >= 3);
            assertTrue(r.finalMetrics().isEmpty());
            Instant now = Instant.now();
            assertEquals("running", r.shownStatus(now, TrackedRun.STALE_AFTER), "its heartbeat is still fresh");
            assertEquals(TrackedRun.LOST, r.shownStatus(now.plus(TrackedRun.STALE_AFTER).plusSeconds(1),
                    TrackedRun.STALE_AFTER), "an old heartbeat shows the run lost");
            assertFalse(Files.exists(Path.of(r.folder()).resolve("model.safetensors")));
        }
    }

    @Test
    void severalJvmsAndThreadsWritingAtOnceLoseNoRow() throws Exception {
        TrackingTarget target = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE));
        int runsEach = 3;
        int epochs = 10;
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(new ProcessBuilder(TrackingProbes.command("write", target.urlOrNull(), "jvm" + i,
                    Integer.toString(runsEach), Integer.toString(epochs))).redirectErrorStream(true)
                    .redirectOutput(runs.resolve("jvm" + i + ".log").toFile()).start());
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                String prefix = "thread" + t;
                done.add(threads.submit(() -> {
                    try (TrackingStore s = target.open()) {
                        TrackingStoreContract.writeRuns(s, prefix, runsEach, epochs);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        for (int i = 0; i < children.size(); i++) {
            Process p = children.get(i);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "writer " + i + " did not end");
            Path log = runs.resolve("jvm" + i + ".log");
            assertEquals(0, p.exitValue(), read(log));
            assertTrue(read(log).contains("WROTE"), read(log));
        }
        TrackingStoreContract.assertRows(target, 5 * runsEach, epochs);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
