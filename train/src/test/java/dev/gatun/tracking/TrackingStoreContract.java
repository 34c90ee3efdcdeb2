package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What every tracking store does, run against SQLite and against a real PostgreSQL. */
abstract class TrackingStoreContract {
    /** {@return a fresh, empty store's target} */
    abstract TrackingTarget target() throws Exception;

    static RunStart start(String id, String config, RunLineage lineage) {
        JsonNode tree = JsonMapper.builder().build().readTree(config);
        return new RunStart(id, "exp", tree.toString(), HyperParameters.flatten(tree), lineage,
                new MachineFacts("Test CPU", 4, "SIMD 256-bit (8 floats)", "Linux 6 amd64", "host"), "9.9.9", "abc123",
                "/runs/" + id, Instant.parse("2026-12-01T10:00:00Z"));
    }

    @Test
    void aRunIsRecordedFromStartThroughItsEpochsToItsEnd() throws Exception {
        TrackingTarget t = target();
        try (TrackingStore s = t.open()) {
            s.started(start("parent-1", "{\"optimizer\":{\"type\":\"adam\",\"lr\":0.01}}", RunLineage.NONE));
            s.started(start("run-1", "{\"optimizer\":{\"type\":\"sgd\",\"lr\":0.005},\"model\":{\"layers\":"
                    + "[{\"type\":\"dense\",\"units\":32},{\"type\":\"relu\"}]}}",
                    new RunLineage("parent-1", "trial", Map.of("sweep", "lr", "owner", "ana"))));
            s.epoch("run-1", 1, Map.of("train_loss", 0.9, "val_accuracy", 0.5));
            s.epoch("run-1", 2, Map.of("train_loss", 0.4, "val_accuracy", Double.NaN));
            // An epoch written twice (a resumed run) keeps one row per metric.
            s.epoch("run-1", 2, Map.of("train_loss", 0.3, "val_accuracy", 0.8));
            s.ended("run-1", RunState.FINISHED, Map.of("test_accuracy", 0.75), null);

            TrackedRun r = s.run("run-1").orElseThrow();
            assertEquals(RunState.FINISHED, r.state());
            assertEquals("finished", r.shownStatus(Instant.now().plus(Duration.ofDays(1)), TrackedRun.STALE_AFTER));
            assertEquals("parent-1", r.parentOrNull());
            assertEquals("trial", r.roleOrNull());
            assertEquals(Map.of("sweep", "lr", "owner", "ana"), r.tags());
            assertEquals("0.005", r.hyperparameters().get("optimizer.lr"));
            assertEquals("sgd", r.hyperparameters().get("optimizer.type"));
            assertEquals("32", r.hyperparameters().get("model.layers[0].units"));
            assertEquals("relu", r.hyperparameters().get("model.layers[1].type"));
            assertEquals(List.of("optimizer.type", "optimizer.lr", "model.layers[0].type", "model.layers[0].units",
                    "model.layers[1].type"), List.copyOf(r.hyperparameters().keySet()), "kept in the config's order");
            assertEquals(0.75, r.finalMetrics().get("test_accuracy"));
            assertEquals(2, r.epochs().size());
            assertEquals(0.3, r.epochs().get(1).metrics().get("train_loss"));
            assertEquals(0.8, r.epochs().get(1).metrics().get("val_accuracy"));
            assertTrue(Double.isNaN(s.run("run-1").orElseThrow().epochs().get(0).metrics().getOrDefault("x", Double.NaN)));
            assertEquals("Test CPU", r.machine().cpu());
            assertEquals(4, r.machine().cores());
            assertEquals("9.9.9", r.gatunVersion());
            assertEquals("abc123", r.gitCommitOrNull());
            assertEquals("/runs/run-1", r.folder());
            assertTrue(r.endedAtOrNull() != null && !r.heartbeatAt().isBefore(r.startedAt()));
            assertTrue(r.configJson().contains("\"sgd\""));

            List<TrackedRun> all = s.runs();
            assertEquals(List.of("parent-1", "run-1"), all.stream().map(TrackedRun::id).toList());
            assertTrue(all.get(1).epochs().isEmpty(), "listing leaves the epochs out");
            assertEquals(0.75, all.get(1).finalMetrics().get("test_accuracy"));
            assertTrue(s.run("nope").isEmpty());
        }
    }

    @Test
    void aRunThatNeverEndsStaysRunningAndIsShownLostOnceItsHeartbeatIsOld() throws Exception {
        try (TrackingStore s = target().open()) {
            s.started(start("killed", "{\"seed\":1}", RunLineage.NONE));
            s.epoch("killed", 1, Map.of("train_loss", 1.0));
            TrackedRun r = s.run("killed").orElseThrow();
            assertEquals(RunState.RUNNING, r.state());
            assertNull(r.endedAtOrNull());
            assertEquals("running", r.shownStatus(Instant.now(), TrackedRun.STALE_AFTER));
            assertEquals(TrackedRun.LOST, r.shownStatus(Instant.now().plus(TrackedRun.STALE_AFTER).plusSeconds(1),
                    TrackedRun.STALE_AFTER));
        }
    }

    @Test
    void endingARunThatWasNeverStartedIsAnErrorNamingIt() throws Exception {
        try (TrackingStore s = target().open()) {
            IOException e = assertThrows(IOException.class, () -> s.ended("ghost", RunState.FAILED, Map.of(), "x"));
            assertTrue(e.getMessage().contains("ghost"), e.getMessage());
        }
    }

    @Test
    void putReplacesARunSoThatImportingTwiceLeavesOneRecord() throws Exception {
        try (TrackingStore s = target().open()) {
            TrackedRun r = new TrackedRun("imp", "exp", RunState.FINISHED, null, null, Map.of("k", "v"), "{}",
                    Map.of("optimizer.lr", "0.1"), Map.of("val_accuracy", 0.9),
                    List.of(new TrackedRun.Epoch(1, Map.of("train_loss", 0.5))), MachineFacts.probe(), "1", null,
                    "/runs/imp", Instant.ofEpochMilli(1000), Instant.ofEpochMilli(5000), Instant.ofEpochMilli(5000), null);
            s.put(r);
            s.put(r);
            assertEquals(1, s.runs().size());
            TrackedRun back = s.run("imp").orElseThrow();
            assertEquals(1, back.epochs().size());
            assertEquals(Map.of("k", "v"), back.tags());
            assertEquals(Duration.ofSeconds(4), back.duration());
        }
    }

    @Test
    void manyWritersAtOnceLoseNoRow() throws Exception {
        TrackingTarget t = target();
        try (TrackingStore s = t.open()) {
            assertTrue(s.runs().isEmpty());
        }
        int writers = 6;
        int runsEach = 4;
        int epochs = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                // Each writer its own store (connection), as separate processes would have.
                done.add(pool.submit(() -> {
                    try (TrackingStore s = t.open()) {
                        writeRuns(s, "w" + writer, runsEach, epochs);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertRows(t, writers * runsEach, epochs);
    }

    @Test
    void aStoreWithANewerSchemaIsRefusedWithAMessage() throws Exception {
        TrackingTarget t = target();
        try (TrackingStore s = t.open()) {
            assertTrue(s.runs().isEmpty());
        }
        try (Connection c = DriverManager.getConnection(t.urlOrNull()); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE schema_version SET version = " + (TrackingSchema.latest() + 1));
        }
        IOException e = assertThrows(IOException.class, t::open);
        assertTrue(e.getMessage().contains("schema version " + (TrackingSchema.latest() + 1))
                && e.getMessage().contains("newer than this Gatun knows"), e.getMessage());
    }

    @Test
    void aNewStoreIsMigratedToTheLatestVersionOnce() throws Exception {
        TrackingTarget t = target();
        try (TrackingStore s = t.open()) {
            assertEquals(TrackingSchema.latest(), ((JdbcTrackingStore) s).schemaVersion());
        }
        try (TrackingStore s = t.open()) {
            assertEquals(TrackingSchema.latest(), ((JdbcTrackingStore) s).schemaVersion());
        }
        try (Connection c = DriverManager.getConnection(t.urlOrNull()); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT COUNT(*) FROM schema_version")) {
            assertTrue(r.next());
            assertEquals(1, r.getInt(1));
        }
    }

    /** Writes {@code runs} runs of {@code epochs} epochs each, as a training process would. */
    static void writeRuns(TrackingStore s, String prefix, int runs, int epochs) throws IOException {
        for (int r = 0; r < runs; r++) {
            String id = prefix + "-run" + r;
            s.started(start(id, "{\"optimizer\":{\"lr\":" + (0.001 * (r + 1)) + "}}", RunLineage.NONE));
            for (int e = 1; e <= epochs; e++) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("train_loss", 1.0 / e);
                m.put("val_accuracy", 0.1 * e);
                s.epoch(id, e, m);
                s.heartbeat(id);
            }
            s.ended(id, RunState.FINISHED, Map.of("val_accuracy", 0.9), null);
        }
    }

    /** Counts the rows in the store's tables: {@code runs} finished runs, each with its epochs. */
    static void assertRows(TrackingTarget t, int runs, int epochs) throws Exception {
        try (Connection c = DriverManager.getConnection(t.urlOrNull()); Statement st = c.createStatement()) {
            assertEquals(runs, count(st, "SELECT COUNT(*) FROM runs"));
            assertEquals(runs, count(st, "SELECT COUNT(*) FROM runs WHERE status = 'finished'"));
            assertEquals(runs * epochs * 2L, count(st, "SELECT COUNT(*) FROM run_epochs"));
            assertEquals(runs, count(st, "SELECT COUNT(*) FROM run_final"));
            assertEquals(runs, count(st, "SELECT COUNT(*) FROM run_params"));
        }
        try (TrackingStore s = t.open()) {
            assertFalse(s.runs().stream().anyMatch(r -> r.state() != RunState.FINISHED));
        }
    }

    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet r = st.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
