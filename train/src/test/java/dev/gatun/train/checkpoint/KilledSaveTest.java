package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code kill -9} during a checkpoint write, for real: a child JVM is killed (SIGKILL) while it
 * writes a checkpoint, and the next start of the run cleans up after it.
 */
class KilledSaveTest {
    @TempDir
    Path dir;

    @Test
    void aKilledCheckpointWriteLeavesNothingBehindAfterTheNextStart() throws Exception {
        Path run = dir.resolve("run");
        Path checkpoints = run.resolve(Checkpoint.DIRECTORY);
        killMidSave(run);

        List<String> names = names(checkpoints);
        assertEquals(2, names.size(), names.toString());
        assertEquals("epoch-0001", names.get(1));
        String leftover = names.getFirst();
        assertTrue(leftover.matches("\\.epoch-0002\\.\\d+"), names.toString());
        assertTrue(Files.size(checkpoints.resolve(leftover).resolve(Checkpoint.MODEL_FILE)) > 0,
                "the kill came after the model file was written");

        // A leftover this fresh could be a save still writing: a start now must leave it.
        String fresh = resume(run, 1);
        assertTrue(Files.isDirectory(checkpoints.resolve(leftover)), fresh);
        assertTrue(!fresh.contains("leftover"), fresh);
        // An hour later it is a leftover: the next start removes it and resumes from epoch 1.
        age(checkpoints.resolve(leftover));
        String later = resume(run, 2);
        assertTrue(later.contains("removed 1 leftover of interrupted saves"), later);
        assertEquals(List.of("epoch-0001", "epoch-0002"), names(checkpoints));
        try (Scope s = Scope.open("check")) {
            KilledSaveProbe.Run check = KilledSaveProbe.Run.build(run, 3, null, ResumeTest.QUIET);
            assertEquals(2, Checkpoint.load(checkpoints.resolve("epoch-0002"), check.model(), s).epoch());
        }
    }

    /** Resumes {@code run} from its newest checkpoint and trains to {@code epochs}; returns what it printed. */
    private static String resume(Path run, int epochs) throws IOException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (Scope s = Scope.open("resume"); PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            KilledSaveProbe.Run r = KilledSaveProbe.Run.build(run, 2, null, out);
            Checkpoint cp = Checkpoint.load(CheckpointCallback.latest(run), r.model(), s);
            assertEquals(1, cp.epoch(), "the complete checkpoint of epoch 1 is the newest");
            r.trainer().resume(cp);
            r.trainer().fit(r.train(), null, epochs, null);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static void killMidSave(Path run) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp", classPath(),
                KilledSaveProbe.class.getName(), run.toString());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (IOException | UncheckedIOException ignored) {
                // The child was killed and its output closed; what it printed is in the queue.
            }
        });
        List<String> seen = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!seen.contains(PausingSgd.PAUSED)) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                } else if (!child.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the child never paused inside its save: " + seen);
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child outlived SIGKILL");
            reader.join(10_000);
        }
        assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL: " + seen);
    }

    /** The test JVM's module path and this test's classes, as a class path for the child. */
    private static String classPath() throws URISyntaxException {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("jdk.module.path", "").split(File.pathSeparator)));
        entries.addAll(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        entries.add(Path.of(KilledSaveProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        entries.removeIf(String::isBlank);
        return String.join(File.pathSeparator, entries);
    }

    /** Dates {@code p} and everything in it an hour back. */
    static void age(Path p) throws IOException {
        FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                Files.setLastModifiedTime(f, hourAgo);
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(q -> q.getFileName().toString()).sorted().toList();
        }
    }
}
