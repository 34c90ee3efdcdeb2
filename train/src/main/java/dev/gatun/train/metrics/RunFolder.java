package dev.gatun.train.metrics;

import dev.gatun.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The directory one training run writes its outputs to ({@code metrics.csv}, checkpoints...),
 * named {@code <name>-<yyyyMMdd-HHmmss>} so runs never overwrite each other.
 */
public final class RunFolder {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path path;

    private RunFolder(Path path) {
        this.path = path;
    }

    /** Writes a file's content; used to stream large files (e.g. weights) without a byte[]. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content to {@code out}.
         *
         * @param out the stream to write to
         * @throws IOException when writing to out fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Creates {@code parent/<name>-<yyyyMMdd-HHmmss>} (and {@code parent} if needed), adding
     * {@code -2}, {@code -3}, ... when a run started in the same second already took the name.
     *
     * @param parent the directory the folder is created in
     * @param name the run's name
     * @return the new folder
     * @throws IOException when the folder cannot be created
     */
    public static RunFolder create(Path parent, String name) throws IOException {
        return create(parent, name, Clock.systemDefaultZone());
    }

    /**
     * An existing directory used as a folder of results (a benchmark result folder, say), for its
     * atomic writes; nothing is created.
     *
     * @param existing the directory
     * @return the folder
     * @throws IOException ({@link java.io.FileNotFoundException}) when {@code existing} is not a directory
     */
    public static RunFolder open(Path existing) throws IOException {
        if (!Files.isDirectory(existing)) {
            throw new java.io.FileNotFoundException(existing + " is not a directory");
        }
        return new RunFolder(existing.toAbsolutePath().normalize());
    }

    /** {@link #create(Path, String)} at the time of {@code clock}, for tests. */
    static RunFolder create(Path parent, String name, Clock clock) throws IOException {
        Objects.requireNonNull(parent, "parent");
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")
                || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("run name must be a plain file name, got '" + name + "'");
        }
        Files.createDirectories(parent);
        String base = name + "-" + LocalDateTime.now(clock).format(STAMP);
        for (int n = 1; ; n++) {
            Path dir = parent.resolve(n == 1 ? base : base + "-" + n);
            try {
                // createDirectory fails if it exists, so two runs racing cannot share a folder.
                return new RunFolder(Files.createDirectory(dir));
            } catch (FileAlreadyExistsException taken) {
                if (n >= 10_000) {
                    throw new IOException("cannot create a run folder in " + parent
                            + ": " + base + " through " + dir.getFileName() + " all exist", taken);
                }
            }
        }
    }

    /** {@return the run's directory} */
    public Path path() {
        return path;
    }

    /**
     * A path inside the run folder, e.g. {@code "metrics.csv"} or {@code "checkpoints/epoch-3.bin"}.
     *
     * @param file the relative path
     * @return the path
     * @throws IllegalArgumentException if {@code file} is absolute or climbs out of the folder
     */
    public Path resolve(String file) {
        Path p = path.resolve(file).normalize();
        if (Path.of(file).isAbsolute() || !p.startsWith(path) || p.equals(path)) {
            throw new IllegalArgumentException("'" + file + "' is not a file inside the run folder " + path);
        }
        return p;
    }

    /**
     * Creates and deletes a file in {@code dir}, so that a run that cannot write there can fail
     * when it starts rather than after an epoch of training.
     *
     * @param dir the folder the run writes to
     * @throws IOException as the file system reports it; {@link IoReason#of} words why
     */
    public static void probeWrite(Path dir) throws IOException {
        Files.delete(Files.createTempFile(dir, ".write-probe.", ".tmp"));
    }

    /**
     * Replaces {@code fileName} with {@code bytes} atomically; see {@link #writeAtomically(String, Content)}.
     *
     * @param fileName the file's name inside the folder
     * @param bytes the file's content
     * @return the written file
     * @throws IOException when the file cannot be written
     */
    public Path writeAtomically(String fileName, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        return writeAtomically(fileName, out -> out.write(bytes));
    }

    /**
     * Writes {@code fileName} so that readers see the old file or the complete new one, never a
     * half-written one: the content goes to a temporary file in the same directory, which is
     * synced and then moved over the target. On failure the temporary file is removed.
     *
     * @param fileName the file's name inside the folder
     * @param content writes the file's content
     * @return the written file
     * @throws IOException when the file cannot be written
     */
    public Path writeAtomically(String fileName, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        return AtomicFile.write(resolve(fileName), temp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                content.writeTo(out);
            }
        });
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
