package dev.gatun.tracking;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server: a cluster made by {@code initdb} in a temporary folder, started by
 * {@code pg_ctl} on a free local port, trusting local connections, and removed on {@link #close}.
 *
 * <p>{@code initdb} refuses to run as root: as root, the cluster's commands run as the
 * {@code postgres} user (Debian's package creates it) through {@code runuser}, and the folder is
 * handed to that user.
 */
final class PostgresCluster implements AutoCloseable {
    private static final String USER = "gatun";
    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgres;

    private PostgresCluster(Path bin, Path data, int port, boolean asPostgres) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** {@return the folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin} */
    static Optional<Path> binaries() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "initdb")) && Files.isExecutable(Path.of(dir, "pg_ctl"))) {
                return Optional.of(Path.of(dir));
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(debian)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> version(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(String name) {
        return name.matches("\\d+") ? Integer.parseInt(name) : 0;
    }

    /**
     * Makes and starts a cluster under {@code dir}.
     *
     * @param bin the binaries' folder
     * @param dir an empty temporary folder
     * @return the running cluster
     * @throws IOException when a step fails, with its output
     */
    static PostgresCluster start(Path bin, Path dir) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = dir.resolve("data");
        Files.createDirectories(dir);
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), dir, false);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresCluster c = new PostgresCluster(bin, data, port, root);
        c.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
                "--no-sync", "--no-instructions"), dir);
        c.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"),
                dir);
        return c;
    }

    /** {@return a JDBC URL of the cluster's {@code postgres} database} */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER;
    }

    /**
     * Creates a fresh database.
     *
     * @param name its name (letters, digits, underscores)
     * @return its JDBC URL
     */
    String createDatabase(String name) throws Exception {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("database name " + name);
        }
        try (var c = java.sql.DriverManager.getConnection(url()); var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
                data.getParent());
    }

    private void pg(List<String> command, Path dir) throws IOException, InterruptedException {
        run(command, dir, asPostgres);
    }

    private static void run(List<String> command, Path dir, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(Arrays.asList("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile("pg-", ".log");
        try {
            Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", full) + ": no end after 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", full) + ": exit " + p.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
