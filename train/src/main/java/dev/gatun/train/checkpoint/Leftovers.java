package dev.gatun.train.checkpoint;

import dev.gatun.train.metrics.IoReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What saves killed midway ({@code kill -9}, a power cut) leave in a run folder, and its removal.
 * A checkpoint is written into a hidden sibling {@code .epoch-NNNN.<digits>} and then renamed;
 * replacing a checkpoint first moves the old one aside to {@code .epoch-NNNN.old.<digits>}; a
 * file is written through {@code .<name>.<digits>.tmp}. A kill between those steps leaves them
 * behind, as large as the checkpoint.
 *
 * <p>The rule: only entries named exactly so, in the run folder and its {@code checkpoints/}
 * directory, and only once nothing in them changed for {@link #MIN_AGE}. A save in progress, in
 * this process or another, keeps writing into its temporary entry and is left alone. A complete
 * checkpoint ({@code epoch-NNNN}) is never touched; a checkpoint moved aside whose replacement
 * never arrived is the only copy of its epoch, so it is renamed back rather than deleted.
 */
final class Leftovers {
    /** How long an entry must have been unchanged to count as left over; a live save writes far more often. */
    static final Duration MIN_AGE = Duration.ofMinutes(10);

    private static final Pattern TEMP_CHECKPOINT = Pattern.compile("\\.(epoch-\\d+)\\.\\d+");
    private static final Pattern ASIDE_CHECKPOINT = Pattern.compile("\\.(epoch-\\d+)\\.old\\.\\d+");
    private static final Pattern TEMP_FILE = Pattern.compile("\\..+\\.\\d+\\.tmp");

    /** What {@link #clean} did: entries removed (with their bytes) and checkpoints put back. */
    record Cleanup(List<Path> removed, long bytes, List<Path> restored) {
        boolean isEmpty() {
            return removed.isEmpty() && restored.isEmpty();
        }
    }

    private Leftovers() {}

    /** Removes the leftovers of {@code runDir} unchanged since {@code now - minAge}; see the class comment. */
    static Cleanup clean(Path runDir, Duration minAge, Instant now) throws IOException {
        Instant cutoff = now.minus(minAge);
        List<Path> removed = new ArrayList<>();
        List<Path> restored = new ArrayList<>();
        long bytes = 0;
        Path checkpoints = runDir.resolve(Checkpoint.DIRECTORY);
        for (Path dir : List.of(runDir, checkpoints)) {
            for (Path p : entries(dir)) {
                String name = p.getFileName().toString();
                boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                Matcher temp = TEMP_CHECKPOINT.matcher(name);
                Matcher aside = ASIDE_CHECKPOINT.matcher(name);
                boolean ours = dir.equals(checkpoints) && isDir && (temp.matches() || aside.matches())
                        || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && TEMP_FILE.matcher(name).matches();
                if (!ours) {
                    continue;
                }
                long[] size = {0};
                if (!unchangedSince(p, cutoff, size)) {
                    continue;
                }
                try {
                    if (aside.matches() && Files.isRegularFile(p.resolve(Checkpoint.JSON_FILE))
                            && !Files.exists(dir.resolve(aside.group(1)))) {
                        Path target = dir.resolve(aside.group(1));
                        Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                        restored.add(target);
                        continue;
                    }
                    AtomicDirectory.deleteTree(p);
                } catch (IOException e) {
                    throw new IOException("could not remove " + p + ", left by an interrupted save: "
                            + IoReason.of(e), e);
                }
                removed.add(p);
                bytes += size[0];
            }
        }
        return new Cleanup(List.copyOf(removed), bytes, List.copyOf(restored));
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * Whether {@code p} and everything in it were last modified before {@code cutoff}; adds their
     * bytes to {@code size[0]}. Something vanishing while we look means a writer is at work.
     */
    private static boolean unchangedSince(Path p, Instant cutoff, long[] size) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.lastModifiedTime().toInstant().isBefore(cutoff)) {
                    return false;
                }
                size[0] += a.isRegularFile() ? a.size() : 0;
            }
            return true;
        } catch (NoSuchFileException | UncheckedIOException gone) {
            return false;
        }
    }
}
