package dev.gatun.tracking;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link TrackingStore} over JDBC, for SQLite ({@link StoreDialect#SQLITE}) or PostgreSQL
 * ({@link StoreDialect#POSTGRESQL}). One connection, used by one thread at a time; every write is
 * one transaction, retried when another process holds the database (SQLite's {@code SQLITE_BUSY},
 * PostgreSQL's serialization failures and deadlocks).
 */
final class JdbcTrackingStore implements TrackingStore {
    private static final int ATTEMPTS = 60;
    private static final String RUN_COLUMNS = "id, name, status, parent_id, role, config, folder, cpu, cores, simd, os,"
            + " host, gatun_version, git_commit, started_at, ended_at, heartbeat_at, error";

    private final Connection connection;
    private final StoreDialect dialect;
    private final String description;

    private JdbcTrackingStore(Connection connection, StoreDialect dialect, String description) {
        this.connection = connection;
        this.dialect = dialect;
        this.description = description;
    }

    /** Connects to {@code target} and brings its schema up to date. */
    static JdbcTrackingStore open(TrackingTarget target) throws IOException {
        StoreDialect dialect = target.postgresql() ? StoreDialect.POSTGRESQL : StoreDialect.SQLITE;
        Properties properties = dialect.connectionProperties();
        Connection c;
        for (int attempt = 1; ; attempt++) {
            try {
                c = DriverManager.getConnection(target.urlOrNull(), properties);
                dialect.prepare(c);
                break;
            } catch (SQLException e) {
                // Switching a new SQLite file to WAL needs it to itself for a moment.
                if (attempt >= ATTEMPTS || !dialect.retryable(e)) {
                    throw new IOException("tracking store " + target + ": cannot connect: " + oneLine(e), e);
                }
                pause(attempt);
            }
        }
        JdbcTrackingStore store = new JdbcTrackingStore(c, dialect, target.toString());
        try {
            store.write(con -> {
                try (Statement s = con.createStatement()) {
                    dialect.lockSchema(s);
                    s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
                }
                TrackingSchema.migrate(con, store.description);
            });
        } catch (IOException | RuntimeException e) {
            store.close();
            if (e instanceof IllegalStateException i) {
                throw new IOException(i.getMessage(), i);
            }
            throw e instanceof IOException io ? io : new IOException("tracking store " + target + ": " + e.getMessage(), e);
        }
        return store;
    }

    /** {@return the schema version the store is at} */
    synchronized int schemaVersion() throws IOException {
        return read(TrackingSchema::version);
    }

    @Override
    public synchronized void started(RunStart r) throws IOException {
        long now = Instant.now().toEpochMilli();
        write(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS + ") VALUES"
                    + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                    + " name = excluded.name, status = excluded.status, parent_id = excluded.parent_id,"
                    + " role = excluded.role, config = excluded.config, folder = excluded.folder, cpu = excluded.cpu,"
                    + " cores = excluded.cores, simd = excluded.simd, os = excluded.os, host = excluded.host,"
                    + " gatun_version = excluded.gatun_version, git_commit = excluded.git_commit,"
                    + " ended_at = NULL, heartbeat_at = excluded.heartbeat_at, error = NULL")) {
                bindRun(p, r.id(), r.name(), RunState.RUNNING, r.lineage().parentOrNull(), r.lineage().roleOrNull(),
                        r.configJson(), r.folder(), r.machine(), r.gatunVersion(), r.gitCommitOrNull(),
                        r.startedAt().toEpochMilli(), null, now, null);
                p.executeUpdate();
            }
            replaceParams(c, r.id(), r.hyperparameters());
            replaceTags(c, r.id(), r.lineage().tags());
        });
    }

    @Override
    public void epoch(String runId, int epoch, Map<String, Double> metrics) throws IOException {
        epochs(runId, new TreeMap<>(Map.of(epoch, metrics)));
    }

    @Override
    public synchronized void epochs(String runId, SortedMap<Integer, Map<String, Double>> epochs) throws IOException {
        long now = Instant.now().toEpochMilli();
        write(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO run_epochs (run_id, epoch, name, value)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (run_id, epoch, name) DO UPDATE SET value = excluded.value")) {
                for (Map.Entry<Integer, Map<String, Double>> e : epochs.entrySet()) {
                    for (Map.Entry<String, Double> m : e.getValue().entrySet()) {
                        p.setString(1, runId);
                        p.setInt(2, e.getKey());
                        p.setString(3, m.getKey());
                        setDouble(p, 4, m.getValue());
                        p.addBatch();
                    }
                }
                p.executeBatch();
            }
            beat(c, runId, now);
        });
    }

    @Override
    public synchronized void heartbeat(String runId) throws IOException {
        long now = Instant.now().toEpochMilli();
        write(c -> beat(c, runId, now));
    }

    @Override
    public synchronized void ended(String runId, RunState state, Map<String, Double> finalMetrics, String errorOrNull)
            throws IOException {
        if (state == RunState.RUNNING) {
            throw new IllegalArgumentException("a run ends finished, failed, stopped or pruned, not running");
        }
        long now = Instant.now().toEpochMilli();
        write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE runs SET status = ?, ended_at = ?, heartbeat_at = ?, error = ? WHERE id = ?")) {
                p.setString(1, state.wire());
                p.setLong(2, now);
                p.setLong(3, now);
                p.setString(4, errorOrNull);
                p.setString(5, runId);
                if (p.executeUpdate() != 1) {
                    throw new SQLException("no run '" + runId + "' was started in this store");
                }
            }
            putFinal(c, runId, finalMetrics);
        });
    }

    @Override
    public synchronized void put(TrackedRun r) throws IOException {
        write(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM runs WHERE id = ?")) {
                d.setString(1, r.id());
                d.executeUpdate();
            }
            for (String table : List.of("run_params", "run_tags", "run_epochs", "run_final")) {
                try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
                    d.setString(1, r.id());
                    d.executeUpdate();
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS + ") VALUES"
                    + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindRun(p, r.id(), r.name(), r.state(), r.parentOrNull(), r.roleOrNull(), r.configJson(), r.folder(),
                        r.machine(), r.gatunVersion(), r.gitCommitOrNull(), r.startedAt().toEpochMilli(),
                        r.endedAtOrNull() == null ? null : r.endedAtOrNull().toEpochMilli(),
                        r.heartbeatAt().toEpochMilli(), r.errorOrNull());
                p.executeUpdate();
            }
            replaceParams(c, r.id(), r.hyperparameters());
            replaceTags(c, r.id(), r.tags());
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO run_epochs (run_id, epoch, name, value) VALUES (?, ?, ?, ?)")) {
                for (TrackedRun.Epoch e : r.epochs()) {
                    for (Map.Entry<String, Double> m : e.metrics().entrySet()) {
                        p.setString(1, r.id());
                        p.setInt(2, e.epoch());
                        p.setString(3, m.getKey());
                        setDouble(p, 4, m.getValue());
                        p.addBatch();
                    }
                }
                p.executeBatch();
            }
            putFinal(c, r.id(), r.finalMetrics());
        });
    }

    @Override
    public synchronized List<TrackedRun> runs() throws IOException {
        return read(c -> load(c, null));
    }

    @Override
    public synchronized Optional<TrackedRun> run(String runId) throws IOException {
        return read(c -> load(c, runId).stream().findFirst());
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IOException("tracking store " + description + ": cannot close: " + oneLine(e), e);
        }
    }

    /** Runs (all, or the one named with its epochs), oldest first. */
    private static List<TrackedRun> load(Connection c, String idOrNull) throws SQLException {
        String where = idOrNull == null ? "" : " WHERE run_id = ?";
        Map<String, Map<String, String>> params = pairs(c, "SELECT run_id, name, value FROM run_params" + where
                + " ORDER BY run_id, ordinal", idOrNull);
        Map<String, Map<String, String>> tags = pairs(c, "SELECT run_id, name, value FROM run_tags" + where
                + " ORDER BY run_id, name", idOrNull);
        Map<String, Map<String, Double>> finals = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT run_id, name, value FROM run_final" + where
                + " ORDER BY run_id, name")) {
            bindId(p, idOrNull);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    finals.computeIfAbsent(r.getString(1), k -> new LinkedHashMap<>()).put(r.getString(2), getDouble(r, 3));
                }
            }
        }
        List<TrackedRun.Epoch> epochs = new ArrayList<>();
        if (idOrNull != null) {
            Map<Integer, Map<String, Double>> byEpoch = new TreeMap<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT epoch, name, value FROM run_epochs WHERE run_id = ? ORDER BY epoch, name")) {
                p.setString(1, idOrNull);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        byEpoch.computeIfAbsent(r.getInt(1), k -> new LinkedHashMap<>()).put(r.getString(2), getDouble(r, 3));
                    }
                }
            }
            byEpoch.forEach((e, m) -> epochs.add(new TrackedRun.Epoch(e, m)));
        }
        List<TrackedRun> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs"
                + (idOrNull == null ? "" : " WHERE id = ?") + " ORDER BY started_at, id")) {
            bindId(p, idOrNull);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String id = r.getString("id");
                    long ended = r.getLong("ended_at");
                    Instant endedAt = r.wasNull() ? null : Instant.ofEpochMilli(ended);
                    out.add(new TrackedRun(id, r.getString("name"), RunState.ofWire(r.getString("status")),
                            r.getString("parent_id"), r.getString("role"), tags.getOrDefault(id, Map.of()),
                            r.getString("config"), params.getOrDefault(id, Map.of()), finals.getOrDefault(id, Map.of()),
                            epochs, new MachineFacts(r.getString("cpu"), r.getInt("cores"), r.getString("simd"),
                                    r.getString("os"), r.getString("host")), r.getString("gatun_version"),
                            r.getString("git_commit"), r.getString("folder"), Instant.ofEpochMilli(r.getLong("started_at")),
                            endedAt, Instant.ofEpochMilli(r.getLong("heartbeat_at")), r.getString("error")));
                }
            }
        }
        return out;
    }

    private static Map<String, Map<String, String>> pairs(Connection c, String sql, String idOrNull) throws SQLException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bindId(p, idOrNull);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.computeIfAbsent(r.getString(1), k -> new LinkedHashMap<>()).put(r.getString(2), r.getString(3));
                }
            }
        }
        return out;
    }

    private static void bindId(PreparedStatement p, String idOrNull) throws SQLException {
        if (idOrNull != null) {
            p.setString(1, idOrNull);
        }
    }

    private static void bindRun(PreparedStatement p, String id, String name, RunState state, String parent, String role,
            String config, String folder, MachineFacts m, String version, String commit, long started, Long ended,
            long heartbeat, String error) throws SQLException {
        p.setString(1, id);
        p.setString(2, name);
        p.setString(3, state.wire());
        p.setString(4, parent);
        p.setString(5, role);
        p.setString(6, config);
        p.setString(7, folder);
        p.setString(8, m.cpu());
        p.setInt(9, m.cores());
        p.setString(10, m.simd());
        p.setString(11, m.os());
        p.setString(12, m.host());
        p.setString(13, version);
        p.setString(14, commit);
        p.setLong(15, started);
        if (ended == null) {
            p.setNull(16, Types.BIGINT);
        } else {
            p.setLong(16, ended);
        }
        p.setLong(17, heartbeat);
        p.setString(18, error);
    }

    private static void replaceParams(Connection c, String id, Map<String, String> params) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM run_params WHERE run_id = ?")) {
            d.setString(1, id);
            d.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO run_params (run_id, ordinal, name, value, number) VALUES (?, ?, ?, ?, ?)")) {
            int i = 0;
            for (Map.Entry<String, String> e : params.entrySet()) {
                p.setString(1, id);
                p.setInt(2, i++);
                p.setString(3, e.getKey());
                p.setString(4, e.getValue());
                setDouble(p, 5, HyperParameters.number(e.getValue()));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static void replaceTags(Connection c, String id, Map<String, String> tags) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM run_tags WHERE run_id = ?")) {
            d.setString(1, id);
            d.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO run_tags (run_id, name, value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> e : tags.entrySet()) {
                p.setString(1, id);
                p.setString(2, e.getKey());
                p.setString(3, e.getValue());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static void putFinal(Connection c, String id, Map<String, Double> metrics) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO run_final (run_id, name, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value")) {
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                p.setString(1, id);
                p.setString(2, m.getKey());
                setDouble(p, 3, m.getValue());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static void beat(Connection c, String runId, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE runs SET heartbeat_at = ? WHERE id = ?")) {
            p.setLong(1, now);
            p.setString(2, runId);
            p.executeUpdate();
        }
    }

    // NaN is stored as NULL: SQLite has no NaN, and both read it back the same way.
    private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null || v.isNaN()) {
            p.setNull(i, Types.DOUBLE);
        } else {
            p.setDouble(i, v);
        }
    }

    private static double getDouble(ResultSet r, int i) throws SQLException {
        double v = r.getDouble(i);
        return r.wasNull() ? Double.NaN : v;
    }

    /** Work done on the connection inside one transaction. */
    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** A read done on the connection inside one transaction. */
    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private void write(Work work) throws IOException {
        transaction(true, c -> {
            work.run(c);
            return null;
        });
    }

    private <T> T read(Query<T> query) throws IOException {
        return transaction(false, query);
    }

    /** Runs {@code query} in a transaction, retrying while another process holds the database. */
    private <T> T transaction(boolean writes, Query<T> query) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                dialect.begin(connection, writes);
                T result = query.run(connection);
                dialect.commit(connection);
                return result;
            } catch (SQLException e) {
                rollback();
                if (attempt >= ATTEMPTS || !dialect.retryable(e)) {
                    throw new IOException("tracking store " + description + ": " + oneLine(e), e);
                }
                pause(attempt);
            }
        }
    }

    private void rollback() {
        try {
            dialect.rollback(connection);
        } catch (SQLException ignored) {
            // The transaction is gone with the error that ended it; the retry or the caller reports that one.
        }
    }

    private static void pause(int attempt) throws IOException {
        try {
            // 5 ms, growing to half a second, with jitter: processes that collided do not collide again.
            long ms = Math.min(500, 5L << Math.min(attempt, 7));
            Thread.sleep(ms / 2 + (long) (Math.random() * ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the tracking store", e);
        }
    }

    private static String oneLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
