package dev.gatun.tracking;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tracking store's tables, versioned. {@code schema_version} holds the version a store is at;
 * each migration takes it one step further, in one transaction with the version's update, so a
 * store is never half migrated. A store newer than this Gatun is refused, never written.
 *
 * <p>Version 1: {@code runs} (one row a run), {@code run_params} (the flattened config),
 * {@code run_tags}, {@code run_epochs} (one row per epoch and metric) and {@code run_final}.
 */
final class TrackingSchema {
    /** Each migration's statements; version {@code i + 1} is reached by {@code MIGRATIONS.get(i)}. */
    static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE runs (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              status TEXT NOT NULL,
              parent_id TEXT,
              role TEXT,
              config TEXT NOT NULL,
              folder TEXT NOT NULL,
              cpu TEXT NOT NULL,
              cores INTEGER NOT NULL,
              simd TEXT NOT NULL,
              os TEXT NOT NULL,
              host TEXT NOT NULL,
              gatun_version TEXT NOT NULL,
              git_commit TEXT,
              started_at BIGINT NOT NULL,
              ended_at BIGINT,
              heartbeat_at BIGINT NOT NULL,
              error TEXT
            )""",
            "CREATE INDEX runs_parent ON runs (parent_id)",
            """
            CREATE TABLE run_params (
              run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              ordinal INTEGER NOT NULL,
              name TEXT NOT NULL,
              value TEXT NOT NULL,
              number DOUBLE PRECISION,
              PRIMARY KEY (run_id, name)
            )""",
            """
            CREATE TABLE run_tags (
              run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              name TEXT NOT NULL,
              value TEXT NOT NULL,
              PRIMARY KEY (run_id, name)
            )""",
            """
            CREATE TABLE run_epochs (
              run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              epoch INTEGER NOT NULL,
              name TEXT NOT NULL,
              value DOUBLE PRECISION,
              PRIMARY KEY (run_id, epoch, name)
            )""",
            """
            CREATE TABLE run_final (
              run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              name TEXT NOT NULL,
              value DOUBLE PRECISION,
              PRIMARY KEY (run_id, name)
            )"""));

    /** {@return the newest version this code knows} */
    static int latest() {
        return MIGRATIONS.size();
    }

    private TrackingSchema() {}

    /**
     * Brings the store to {@link #latest()}: creates {@code schema_version} if missing, then, in a
     * transaction the caller has opened and locked, applies the missing migrations.
     *
     * @param c a connection inside a transaction that excludes other migrators
     * @param where the store, for messages
     * @return the version the store was at
     * @throws SQLException when a statement fails
     * @throws IllegalStateException when the store is newer than this code
     */
    static int migrate(Connection c, String where) throws SQLException {
        int current = version(c);
        if (current > latest()) {
            throw new IllegalStateException("tracking store " + where + " has schema version " + current
                    + ", newer than this Gatun knows (" + latest() + "): upgrade Gatun to use it");
        }
        try (Statement s = c.createStatement()) {
            for (int v = current; v < latest(); v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
            }
            if (current < latest()) {
                s.executeUpdate("DELETE FROM schema_version");
                s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + latest() + ")");
            }
        }
        return current;
    }

    /**
     * The version a store is at: 0 for a new one.
     *
     * @param c a connection
     * @return the version
     * @throws SQLException when the table cannot be read
     */
    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }
}
