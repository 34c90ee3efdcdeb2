package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mapping reads the file's bytes, survives release(), and lives exactly as long as its arena. */
class MappedFileTest {
    @TempDir
    Path dir;

    @Test
    void mapsTheWholeFileAndUnmapsOnClose() throws IOException {
        byte[] bytes = new byte[10_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Path file = Files.write(dir.resolve("data.bin"), bytes);
        MappedFile mapped = MappedFile.open(file);
        assertEquals(file, mapped.path());
        assertEquals(10_000, mapped.byteSize());
        assertEquals(bytes[9_999], mapped.segment().get(ValueLayout.JAVA_BYTE, 9_999));
        mapped.release();
        // Released pages are read again from the file on the next touch.
        assertEquals(bytes[4_321], mapped.segment().get(ValueLayout.JAVA_BYTE, 4_321));
        mapped.close();
        assertFalse(mapped.segment().scope().isAlive());
        assertThrows(IllegalStateException.class, () -> mapped.segment().get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void aMappingInAnOwnersArenaLivesUntilThatArenaCloses() throws IOException {
        Path file = Files.write(dir.resolve("small.bin"), new byte[] {1, 2, 3});
        MappedFile mapped;
        try (Arena arena = Arena.ofConfined()) {
            mapped = MappedFile.open(file, arena);
            mapped.close();
            assertTrue(mapped.segment().scope().isAlive());
            assertEquals(3, mapped.segment().get(ValueLayout.JAVA_BYTE, 2));
        }
        assertFalse(mapped.segment().scope().isAlive());
    }

    @Test
    void anEmptyFileMapsToNoBytesAndAMissingOneIsNamed() throws IOException {
        try (MappedFile empty = MappedFile.open(Files.write(dir.resolve("empty.bin"), new byte[0]))) {
            assertEquals(0, empty.byteSize());
            empty.release();
        }
        Path missing = dir.resolve("missing.bin");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> MappedFile.open(missing));
        assertEquals(missing.toString(), e.getMessage());
    }
}
