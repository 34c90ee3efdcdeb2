package dev.gatun.studio.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The discovery file {@code ~/.gatun/studio.json} ({@code {url, token, pid}}), by which a
 * {@code gatun train --live} run finds a running Studio. It holds the token, so only its owner
 * may read it; it is written when Studio starts and removed when it stops.
 */
public final class StudioFile implements AutoCloseable {
    /** The system property that moves the file's folder away from {@code ~/.gatun}, for tests. */
    public static final String HOME_PROPERTY = "gatun.studio.home";
    /** The file's name in its folder. */
    public static final String NAME = "studio.json";
    /** How long {@link #find()} waits for a Studio to answer. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * A running Studio, as its discovery file names it.
     *
     * @param url the URL it printed, with the token
     * @param token its access token
     * @param pid the id of its process
     */
    public record Found(URI url, AccessToken token, long pid) {
    }

    /** The file written. */
    private final Path file;
    /** The token written, which tells this file from one a later Studio wrote over it. */
    private final AccessToken token;

    private StudioFile(Path file, AccessToken token) {
        this.file = file;
        this.token = token;
    }

    /** {@return the file's folder: the {@value #HOME_PROPERTY} property, or {@code ~/.gatun}} */
    public static Path directory() {
        String home = System.getProperty(HOME_PROPERTY);
        return home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".gatun");
    }

    /**
     * Writes the discovery file in {@link #directory()}.
     *
     * @param url the URL Studio printed, with the token
     * @param token its access token
     * @return the written file, whose {@link #close()} removes it
     * @throws IOException when the folder or the file cannot be written
     */
    public static StudioFile write(URI url, AccessToken token) throws IOException {
        return write(directory(), url, token);
    }

    /**
     * Writes the discovery file in a folder, readable and writable by its owner only: the
     * permissions are set when the file is created, before the token is in it.
     *
     * @param directory the folder, created when missing
     * @param url the URL Studio printed, with the token
     * @param token its access token
     * @return the written file, whose {@link #close()} removes it
     * @throws IOException when the folder or the file cannot be written
     */
    public static StudioFile write(Path directory, URI url, AccessToken token) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(directory)) {
            if (posix) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        }
        long pid = ProcessHandle.current().pid();
        Path file = directory.resolve(NAME);
        Path temporary = directory.resolve(NAME + "." + pid + ".tmp");
        Files.deleteIfExists(temporary);
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Files.createFile(temporary, ownerOnly);
        if (!posix) {
            var asFile = temporary.toFile();
            boolean ownerOnlyNow = asFile.setReadable(false, false) && asFile.setReadable(true, true)
                    && asFile.setWritable(false, false) && asFile.setWritable(true, true);
            if (!ownerOnlyNow) {
                Files.deleteIfExists(temporary);
                throw new IOException(temporary + ": cannot make it readable by its owner only");
            }
        }
        var json = StudioJson.object().put("url", url.toString()).put("token", token.value()).put("pid", pid);
        Files.write(temporary, StudioJson.writeBytes(json));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new StudioFile(file, token);
    }

    /**
     * Finds a running Studio through the file in {@link #directory()}.
     *
     * @return it, when the file names a live process whose server answers
     */
    public static Optional<Found> find() {
        return find(directory());
    }

    /**
     * Finds a running Studio through the file in a folder: only when the file's process is alive
     * and {@code GET /api/state} with its token answers 200 within 2 s.
     *
     * @param directory the folder
     * @return it, or empty when there is no file, a malformed one, a dead process or no answer
     */
    public static Optional<Found> find(Path directory) {
        Optional<Found> named = read(directory.resolve(NAME));
        if (named.isEmpty() || !ProcessHandle.of(named.get().pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.empty();
        }
        return answers(named.get()) ? named : Optional.empty();
    }

    /** {@return the file's path} */
    public Path path() {
        return file;
    }

    /**
     * Removes the file when it is still this process's; one a later Studio wrote over it is
     * left alone. A file that cannot be removed is harmless: {@link #find()} ignores it once this
     * process has ended.
     */
    @Override
    public void close() {
        Optional<Found> named = read(file);
        if (named.isPresent() && named.get().pid() == ProcessHandle.current().pid()
                && named.get().token().equals(token)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("Studio: cannot remove " + file + ": " + e.getMessage());
            }
        }
    }

    private static Optional<Found> read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            JsonNode json = StudioJson.mapper().readTree(Files.readAllBytes(file));
            JsonNode url = json.get("url");
            JsonNode token = json.get("token");
            JsonNode pid = json.get("pid");
            if (url == null || !url.isString() || token == null || !token.isString()
                    || pid == null || !pid.canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new Found(URI.create(url.asString()), new AccessToken(token.asString()),
                    pid.asLong()));
        } catch (IOException | UncheckedIOException | JacksonException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the Studio answers, through java.base's client: the module does not read java.net.http. */
    private static boolean answers(Found studio) {
        HttpURLConnection connection = null;
        try {
            long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
            connection = (HttpURLConnection) studio.url().resolve("/api/state").toURL()
                    .openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout((int) PROBE_TIMEOUT.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty(AccessRules.TOKEN_HEADER, studio.token().value());
            connection.connect();
            long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (left <= 0) {
                return false;
            }
            connection.setReadTimeout((int) left);
            return connection.getResponseCode() == 200;
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return false;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
