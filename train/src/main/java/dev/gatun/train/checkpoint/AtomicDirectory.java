package dev.gatun.train.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Publishes a directory all at once: its files are written into a hidden temporary sibling, which
 * is synced and then renamed to the final name, so a crash leaves either no directory under that
 * name or a complete one (plus, at worst, a hidden leftover).
 */
final class AtomicDirectory {
    /** Fills a directory. */
    @FunctionalInterface
    interface Filler {
        void fill(Path dir) throws IOException;
    }

    private AtomicDirectory() {}

    /** Creates {@code target} with what {@code filler} writes; an existing {@code target} is replaced. */
    static Path publish(Path target, Filler filler) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            filler.fill(temp);
            try (Stream<Path> files = Files.list(temp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    sync(f);
                }
            }
            sync(temp);
            Path old = null;
            if (Files.exists(target)) {
                // A directory cannot be renamed over a non-empty one; move the old one aside first.
                old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old.");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            sync(parent);
            if (old != null) {
                deleteTree(old);
            }
            return target;
        } catch (IOException | RuntimeException | Error e) {
            try {
                deleteTree(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Deletes a directory and everything in it; nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static void sync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
