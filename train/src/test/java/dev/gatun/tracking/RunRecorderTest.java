package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The recorder's heartbeat and ends, and how the store is chosen. */
class RunRecorderTest {
    @TempDir
    Path runs;

    @AfterEach
    void clearProperty() {
        System.clearProperty(TrackingTarget.PROPERTY);
    }

    @Test
    void aLiveRunBeatsItsHeartbeatBetweenEpochsAndStopsAtItsEnd() throws Exception {
        TrackingTarget target = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE));
        Path folder = Files.createDirectories(runs.resolve("beating"));
        RunRecorder r = RunRecorder.start(target, folder, "beating", JsonMapper.builder().build().readTree("{\"seed\": 1}"),
                RunLineage.NONE, System.err, Duration.ofMillis(100));
        assertTrue(r.recording());
        Instant first;
        try (TrackingStore s = target.open()) {
            first = s.run("beating").orElseThrow().heartbeatAt();
        }
        Thread.sleep(600);
        try (TrackingStore s = target.open()) {
            assertTrue(s.run("beating").orElseThrow().heartbeatAt().isAfter(first), "no beat in 600 ms");
        }
        r.epoch(1, Map.of("train_loss", 0.5));
        r.end(RunState.FINISHED, Map.of("test_accuracy", 0.7), null);
        assertFalse(r.recording());
        Instant ended;
        try (TrackingStore s = target.open()) {
            TrackedRun t = s.run("beating").orElseThrow();
            assertEquals(RunState.FINISHED, t.state());
            assertEquals(1, t.epochs().size());
            assertEquals(0.7, t.finalMetrics().get("test_accuracy"));
            ended = t.heartbeatAt();
        }
        Thread.sleep(400);
        r.close();
        try (TrackingStore s = target.open()) {
            TrackedRun t = s.run("beating").orElseThrow();
            assertEquals(ended, t.heartbeatAt(), "no beats after the end");
            assertEquals(RunState.FINISHED, t.state(), "closing after the end changes nothing");
        }
    }

    @Test
    void aRecorderClosedBeforeItsEndRecordsTheRunStopped() throws Exception {
        TrackingTarget target = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE));
        Path folder = Files.createDirectories(runs.resolve("closed"));
        try (RunRecorder r = RunRecorder.start(target, folder, "closed", JsonMapper.builder().build().readTree("{}"),
                RunLineage.NONE, System.err)) {
            r.epoch(1, Map.of("train_loss", 1.0));
        }
        try (TrackingStore s = target.open()) {
            assertEquals(RunState.STOPPED, s.run("closed").orElseThrow().state());
        }
    }

    @Test
    void epochsFasterThanTheStoreAreWrittenTogetherAndNoneIsLost() throws Exception {
        TrackingTarget target = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE));
        Path folder = Files.createDirectories(runs.resolve("fast"));
        RunRecorder r = RunRecorder.start(target, folder, "fast", JsonMapper.builder().build().readTree("{}"),
                RunLineage.NONE, System.err);
        for (int e = 1; e <= 500; e++) {
            r.epoch(e, Map.of("train_loss", 1.0 / e));
        }
        r.end(RunState.FINISHED, Map.of(), null);
        try (TrackingStore s = target.open()) {
            TrackedRun t = s.run("fast").orElseThrow();
            assertEquals(500, t.epochs().size());
            assertEquals(1.0 / 500, t.epochs().getLast().metrics().get("train_loss"));
            assertEquals(RunState.FINISHED, t.state());
        }
    }

    @Test
    void aParentThatTrainsNothingRecordsItselfFromItsLineageAndShowsItsChildren() throws Exception {
        System.setProperty(TrackingTarget.PROPERTY, "jdbc:sqlite:" + runs.resolve(TrackingTarget.SQLITE_FILE));
        var json = JsonMapper.builder().build();
        Path parent = Files.createDirectories(runs.resolve("cv-parent"));
        new RunLineage(null, "parent", Map.of("folds", "2")).write(dev.gatun.train.metrics.RunFolder.open(parent));
        RunRecorder p = RunRecorder.start(parent, "cv", json.readTree("{\"training\": {\"folds\": 2}}"), System.err);
        for (int k = 1; k <= 2; k++) {
            Path child = Files.createDirectories(runs.resolve("cv-fold" + k));
            new RunLineage("cv-parent", "fold", Map.of("fold", Integer.toString(k)))
                    .write(dev.gatun.train.metrics.RunFolder.open(child));
            RunRecorder c = RunRecorder.start(child, "cv", json.readTree("{}"), System.err);
            c.end(RunState.FINISHED, Map.of("val_accuracy", 0.8 + k / 100.0), null);
        }
        p.end(RunState.FINISHED, Map.of("val_accuracy_mean", 0.815), null);
        try (TrackingStore s = TrackingTarget.forRuns(runs).open()) {
            TrackedRun r = s.run("cv-parent").orElseThrow();
            assertEquals("parent", r.roleOrNull());
            assertEquals(Map.of("folds", "2"), r.tags());
            java.util.List<String> children = s.runs().stream().filter(t -> "cv-parent".equals(t.parentOrNull()))
                    .map(TrackedRun::id).toList();
            assertEquals(java.util.List.of("cv-fold1", "cv-fold2"), children);
            String shown = RunTable.show(r, children, Instant.now());
            assertTrue(shown.contains("children: cv-fold1, cv-fold2\n"), shown);
            assertTrue(shown.contains("  val_accuracy_mean = 0.815\n"), shown);
            assertEquals("fold", s.run("cv-fold2").orElseThrow().roleOrNull());
        }
    }

    @Test
    void theStoreIsTheOneGivenThenThePropertyThenSqliteInTheRunsDirectory() {
        assertEquals(TrackingTarget.sqlite(runs.resolve("gatun-runs.db")), TrackingTarget.resolve(null, runs));
        System.setProperty(TrackingTarget.PROPERTY, "jdbc:postgresql://db/gatun?user=a&password=secret");
        TrackingTarget p = TrackingTarget.resolve(null, runs);
        assertTrue(p.postgresql());
        assertEquals("jdbc:postgresql://db/gatun?user=a&password=***", p.toString(), "no password in messages");
        assertEquals(TrackingTarget.NONE, TrackingTarget.resolve("OFF", runs));
        assertFalse(TrackingTarget.resolve("off", runs).enabled());
        assertEquals("jdbc:sqlite:/x.db", TrackingTarget.resolve("jdbc:sqlite:/x.db", runs).urlOrNull());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackingTarget.resolve("mysql://db", runs));
        assertEquals("--tracking: tracking store 'mysql://db': expected jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB or off",
                e.getMessage());
        System.setProperty(TrackingTarget.PROPERTY, "jdbc:mysql://db");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrackingTarget.forRuns(runs)).getMessage()
                .startsWith("-Dgatun.tracking: "));
    }

    @Test
    void aPasswordInTheUrlIsHiddenInTheWarning() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // Nothing listens on port 1: the store cannot be reached, the run goes on.
        TrackingTarget target = new TrackingTarget("jdbc:postgresql://127.0.0.1:1/gatun?user=u&password=hunter2");
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            RunRecorder r = RunRecorder.start(target, Files.createDirectories(runs.resolve("x")), "x",
                    JsonMapper.builder().build().readTree("{}"), RunLineage.NONE, out);
            assertFalse(r.recording());
            r.epoch(1, Map.of("train_loss", 1.0));
            r.end(RunState.FINISHED, Map.of(), null);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("warning: run tracking off for this run: tracking store jdbc:postgresql://127.0.0.1:1/"),
                text);
        assertFalse(text.contains("hunter2"), text);
    }
}
