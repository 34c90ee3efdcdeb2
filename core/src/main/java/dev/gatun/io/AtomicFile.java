package dev.gatun.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see the old one or the complete new one, never a half-written
 * one: the content goes to a temporary file beside the target, which is synced and then moved
 * over it. On failure the temporary file is removed and the target is left as it was.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes a file's content to the path it is given. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content.
         *
         * @param temp the (existing, empty) file to write
         * @throws IOException when writing fails
         */
        void writeTo(Path temp) throws IOException;
    }

    /**
     * Writes {@code target} through a temporary file in its directory (created if needed).
     *
     * @param target the file to write or replace
     * @param writer writes the content to the temporary file
     * @return the target
     * @throws IOException when the file cannot be written
     */
    public static Path write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            writer.writeTo(temp);
            // Sync before the rename, or a crash could leave the new name on empty data.
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
