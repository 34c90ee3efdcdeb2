package dev.gatun.tracking;

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
            // A transaction takes the write lock when it begins, so two never deadlock upgrading a read lock.
            p.setProperty("transaction_mode", "IMMEDIATE");
            return p;
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

    /** Excludes other migrators for the rest of the transaction. */
    abstract void lockSchema(Statement s) throws SQLException;

    /** {@return whether {@code e} says another writer was in the way, so the transaction may be retried} */
    abstract boolean retryable(SQLException e);
}
