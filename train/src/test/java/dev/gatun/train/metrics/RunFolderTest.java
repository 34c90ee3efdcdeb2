package dev.gatun.train.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path dir;

    private static final Clock FIXED = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);

    @Test
    void namesFolderByTimeAndMakesItUnique() throws IOException {
        Path parent = dir.resolve("runs/nested");
        RunFolder a = RunFolder.create(parent, "fashion-mlp", FIXED);
        RunFolder b = RunFolder.create(parent, "fashion-mlp", FIXED);
        RunFolder c = RunFolder.create(parent, "fashion-mlp", FIXED);
        assertEquals(parent.resolve("fashion-mlp-20250304-050607"), a.path());
        assertEquals(parent.resolve("fashion-mlp-20250304-050607-2"), b.path());
        assertEquals(parent.resolve("fashion-mlp-20250304-050607-3"), c.path());
        assertTrue(Files.isDirectory(c.path()));
    }

    @Test
    void systemClockNameHasTheStamp() throws IOException {
        RunFolder f = RunFolder.create(dir, "run");
        assertTrue(f.path().getFileName().toString().matches("run-\\d{8}-\\d{6}"), f.path().toString());
    }

    @Test
    void rejectsBadNames() {
        for (String bad : new String[] {"", " ", "a/b", "..", "a\\b"}) {
            assertThrows(IllegalArgumentException.class, () -> RunFolder.create(dir, bad, FIXED), bad);
        }
    }

    @Test
    void resolveStaysInside() throws IOException {
        RunFolder f = RunFolder.create(dir, "r", FIXED);
        assertEquals(f.path().resolve("metrics.csv"), f.resolve("metrics.csv"));
        assertEquals(f.path().resolve("ckpt/e1.bin"), f.resolve("ckpt/e1.bin"));
        assertThrows(IllegalArgumentException.class, () -> f.resolve("../escape"));
        assertThrows(IllegalArgumentException.class, () -> f.resolve("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> f.resolve("."));
    }

    @Test
    void writeAtomicallyReplacesAndCleansUp() throws IOException {
        RunFolder f = RunFolder.create(dir, "w", FIXED);
        f.writeAtomically("a.txt", "old".getBytes(StandardCharsets.UTF_8));
        Path written = f.writeAtomically("a.txt", "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(written));
        f.writeAtomically("ckpt/w.bin", out -> {
            for (int i = 0; i < 100_000; i++) {
                out.write(i);
            }
        });
        assertEquals(100_000, Files.size(f.resolve("ckpt/w.bin")));
        assertEquals(List.of("a.txt", "ckpt", "ckpt/w.bin"), listing(f.path()));
    }

    @Test
    void failedWriteKeepsTheOldFileAndNoTemp() throws IOException {
        RunFolder f = RunFolder.create(dir, "fail", FIXED);
        f.writeAtomically("m.json", new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> f.writeAtomically("m.json", out -> {
            out.write(new byte[10_000]);
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertThrows(UncheckedIOException.class, () -> f.writeAtomically("m.json", out -> {
            throw new UncheckedIOException(new IOException("boom"));
        }));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f.resolve("m.json")));
        assertEquals(List.of("m.json"), listing(f.path()));
    }

    @Test
    void theWriteProbeCreatesAFileInTheFolderAndDeletesIt() throws Exception {
        RunFolder f = RunFolder.create(dir, "probe", FIXED);
        try (WatchService watch = f.path().getFileSystem().newWatchService()) {
            f.path().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            RunFolder.probeWrite(f.path());
            List<String> events = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (events.size() < 2 && System.nanoTime() < deadline) {
                WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents().forEach(e -> events.add(e.kind().name() + " " + e.context()));
                    key.reset();
                }
            }
            assertEquals(2, events.size(), events.toString());
            String name = events.getFirst().substring("ENTRY_CREATE ".length());
            assertTrue(name.startsWith(".write-probe."), events.toString());
            assertEquals(List.of("ENTRY_CREATE " + name, "ENTRY_DELETE " + name), events);
        }
        assertEquals(List.of(), listing(f.path()));
    }

    @Test
    void theWriteProbeFailsWithTheSystemsReasonWhereNothingCanBeCreated() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> RunFolder.probeWrite(notADirectory));
        assertEquals("not a directory", IoReason.of(e));
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
