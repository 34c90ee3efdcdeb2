package dev.gatun.tracking;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** What differs between the databases a tracking store runs on. */
enum StoreDialect {
    /** An embedded SQLite file: WAL, so readers do not wait for writers; writers take turns. */
    SQLITE {
        @Override
        Properties connectionProperties() {
            Properties p = new Properties();
            p.setProperty("journal_mode", "WAL");
            p.setProperty("synchronous", "NORMAL");
            p.setProperty("foreign_keys", "true");
            // Writers wait up to 10 s for each other in SQLite itself, then the store retries.
            p.setProperty("busy_timeout", "10000");
            return p;
        }

        // Transactions are begun and ended by statements on a connection left in auto-commit: the
        // driver's own (auto-commit off) begins the next one at once and would hold the lock between writes.
        @Override
        void prepare(Connection c) throws SQLException {
            c.setAutoCommit(true);
        }

        @Override
        void begin(Connection c, boolean writes) throws SQLException {
            try (Statement s = c.createStatement()) {
                // A writer takes the write lock when it begins, so two never deadlock upgrading a read lock.
                s.execute(writes ? "BEGIN IMMEDIATE" : "BEGIN");
            }
        }

        @Override
        void commit(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
        }

        @Override
        void rollback(Connection c) throws SQLException {
            if (!c.getAutoCommit()) {
                c.rollback();
                return;
            }
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            }
        }

        @Override
        void lockSchema(Statement s) {
            // An IMMEDIATE transaction already excludes every other writer.
        }

        @Override
        boolean retryable(SQLException e) {
            String m = String.valueOf(e.getMessage());
            return e.getErrorCode() == 5 || e.getErrorCode() == 6 || m.contains("SQLITE_BUSY")
                    || m.contains("SQLITE_LOCKED") || m.contains("database is locked");
        }
    },
    /** A PostgreSQL server, shared by a team. */
    POSTGRESQL {
        @Override
        Properties connectionProperties() {
            Properties p = new Properties();
            p.setProperty("ApplicationName", "gatun");
            p.setProperty("connectTimeout", "10");
            return p;
        }

        @Override
        void prepare(Connection c) throws SQLException {
            c.setAutoCommit(false);
        }

        @Override
        void begin(Connection c, boolean writes) {
            // The driver begins a transaction with the first statement after a commit.
        }

        @Override
        void commit(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        void rollback(Connection c) throws SQLException {
            c.rollback();
        }

        @Override
        void lockSchema(Statement s) throws SQLException {
            // Two first connections at once would both create the tables: one waits for the other.
            s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        }

        @Override
        boolean retryable(SQLException e) {
            String state = e.getSQLState();
            return "40001".equals(state) || "40P01".equals(state);
        }
    };

    /** The advisory lock key that serializes schema migrations on PostgreSQL ("gatun" in ASCII). */
    static final long SCHEMA_LOCK = 0x676174756EL;

    /** {@return the JDBC connection properties} */
    abstract Properties connectionProperties();

    /** Sets up a new connection. */
    abstract void prepare(Connection c) throws SQLException;

    /** Begins a transaction; {@code writes} says whether it will write. */
    abstract void begin(Connection c, boolean writes) throws SQLException;

    /** Commits the transaction. */
    abstract void commit(Connection c) throws SQLException;

    /** Rolls the transaction back. */
    abstract void rollback(Connection c) throws SQLException;

    /** Excludes other migrators for the rest of the transaction. */
    abstract void lockSchema(Statement s) throws SQLException;

    /** {@return whether {@code e} says another writer was in the way, so the transaction may be retried} */
    abstract boolean retryable(SQLException e);
}
