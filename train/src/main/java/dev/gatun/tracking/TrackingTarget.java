package dev.gatun.tracking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which tracking store runs record to: a JDBC URL, or none ({@code off}).
 *
 * <p>In order: the URL given ({@code --tracking}), the system property {@value #PROPERTY}, the
 * environment variable {@value #ENVIRONMENT}, and otherwise the SQLite database {@value #SQLITE_FILE}
 * in the runs directory. {@code jdbc:sqlite:FILE} and {@code jdbc:postgresql://HOST[:PORT]/DB?user=..&password=..}
 * are known; {@code off} turns tracking off.
 *
 * @param urlOrNull the JDBC URL, or null when tracking is off
 */
public record TrackingTarget(String urlOrNull) {
    /** The system property naming the store, for Java callers and child processes. */
    public static final String PROPERTY = "gatun.tracking";
    /** The environment variable naming the store, e.g. a team's PostgreSQL. */
    public static final String ENVIRONMENT = "GATUN_TRACKING";
    /** The default store's file in the runs directory. */
    public static final String SQLITE_FILE = "gatun-runs.db";
    /** The word that turns tracking off. */
    public static final String OFF = "off";
    /** Tracking turned off. */
    public static final TrackingTarget NONE = new TrackingTarget(null);

    /** Checks that the URL is one of the known kinds. */
    public TrackingTarget {
        if (urlOrNull != null && !urlOrNull.startsWith("jdbc:sqlite:") && !urlOrNull.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("tracking store '" + redact(urlOrNull) + "': expected jdbc:sqlite:FILE,"
                    + " jdbc:postgresql://HOST/DB or off");
        }
    }

    /**
     * The store for runs under {@code runsDir}: {@code given}, else the property, else the
     * environment, else SQLite in {@code runsDir}.
     *
     * @param given a URL or {@value #OFF} from the command line, or null
     * @param runsDir the runs directory
     * @return the target
     * @throws IllegalArgumentException naming the setting when its URL is of an unknown kind
     */
    public static TrackingTarget resolve(String given, Path runsDir) {
        String property = System.getProperty(PROPERTY);
        String env = System.getenv(ENVIRONMENT);
        String chosen = given != null && !given.isBlank() ? given
                : property != null && !property.isBlank() ? property
                : env != null && !env.isBlank() ? env : null;
        if (chosen == null) {
            return sqlite(runsDir.resolve(SQLITE_FILE));
        }
        String source = chosen.equals(given) ? "--tracking" : chosen.equals(property) ? "-D" + PROPERTY : ENVIRONMENT;
        String v = chosen.strip();
        if (v.toLowerCase(Locale.ROOT).equals(OFF)) {
            return NONE;
        }
        try {
            return new TrackingTarget(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The store of the runs under {@code runsDir}, from the property or environment, else SQLite there.
     *
     * @param runsDir the runs directory
     * @return the target
     */
    public static TrackingTarget forRuns(Path runsDir) {
        return resolve(null, runsDir);
    }

    /**
     * An SQLite database file.
     *
     * @param file the database file
     * @return the target
     */
    public static TrackingTarget sqlite(Path file) {
        return new TrackingTarget("jdbc:sqlite:" + file.toAbsolutePath().normalize());
    }

    /** {@return the SQLite database file, or null for PostgreSQL or when tracking is off} */
    public Path sqliteFileOrNull() {
        if (urlOrNull == null || postgresql()) {
            return null;
        }
        return Path.of(urlOrNull.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "")).toAbsolutePath();
    }

    /** {@return whether tracking is on} */
    public boolean enabled() {
        return urlOrNull != null;
    }

    /** {@return whether the store is PostgreSQL} */
    public boolean postgresql() {
        return urlOrNull != null && urlOrNull.startsWith("jdbc:postgresql:");
    }

    /**
     * Opens the store, creating or migrating its schema.
     *
     * @return the store
     * @throws IOException naming the store when it cannot be reached, or is newer than this Gatun
     * @throws IllegalStateException when tracking is off
     */
    public TrackingStore open() throws IOException {
        if (urlOrNull == null) {
            throw new IllegalStateException("tracking is off (" + OFF + "): no store to open");
        }
        if (!postgresql()) {
            Path parent = sqliteFileOrNull().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        return JdbcTrackingStore.open(this);
    }

    /** {@return the URL without its password, for messages} */
    @Override
    public String toString() {
        return urlOrNull == null ? OFF : redact(urlOrNull);
    }

    /**
     * {@code url} with any password hidden.
     *
     * @param url a JDBC URL
     * @return the URL, its password replaced by {@code ***}
     */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(//[^/:@]+:)[^@/]*@", "$1***@");
    }

    /**
     * Whether {@code path} is a file of a runs directory's SQLite store ({@value #SQLITE_FILE} and
     * its {@code -wal}, {@code -shm} and {@code -journal} files), which a glob over the runs
     * directory names beside the run folders.
     *
     * @param path a path from the command line
     * @return whether it is one of the store's files
     */
    public static boolean isStoreFile(Path path) {
        Path name = path.getFileName();
        return name != null && !java.nio.file.Files.isDirectory(path) && name.toString().matches(
                java.util.regex.Pattern.quote(SQLITE_FILE) + "(-wal|-shm|-journal)?");
    }
}
