package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint directory appears complete under its name or not at all. */
class AtomicDirectoryTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailureHalfwayLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("epoch-0001");
        IOException e = assertThrows(IOException.class, () -> AtomicDirectory.publish(target, d -> {
            Files.writeString(d.resolve("model.safetensors"), "half");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), names(), "no temporary directory may stay behind");
    }

    @Test
    void replacesAnExistingDirectoryWhole() throws IOException {
        Path target = dir.resolve("epoch-0001");
        AtomicDirectory.publish(target, d -> {
            Files.writeString(d.resolve("a"), "old");
            Files.writeString(d.resolve("b"), "old");
        });
        AtomicDirectory.publish(target, d -> Files.writeString(d.resolve("a"), "new"));
        assertEquals(List.of("epoch-0001"), names());
        try (Stream<Path> s = Files.list(target)) {
            assertEquals(List.of("a"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("new", Files.readString(target.resolve("a")));
    }
}
