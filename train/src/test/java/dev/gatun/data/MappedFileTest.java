package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mapping reads the file's bytes, survives release(), lives exactly as long as its arena, and
 * releases the regions read when the files sharing its budget reach it.
 */
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
            mapped = MappedFile.open(file, arena, new MappedFile.Budget(1L << 20));
            mapped.close();
            assertTrue(mapped.segment().scope().isAlive());
            assertEquals(3, mapped.segment().get(ValueLayout.JAVA_BYTE, 2));
        }
        assertFalse(mapped.segment().scope().isAlive());
    }

    @Test
    void regionsReadAreReleasedWhenTheFilesSharingABudgetReachIt() throws IOException {
        long region = 2L << 20;
        byte[] bytes = new byte[(int) (5 * region)];
        for (int i = 0; i < bytes.length; i += 4096) {
            bytes[i] = (byte) (i / 4096 + 1);
        }
        Path a = Files.write(dir.resolve("a.bin"), bytes);
        Path b = Files.write(dir.resolve("b.bin"), bytes);
        try (Arena arena = Arena.ofConfined()) {
            // 5 MiB rounds down to two regions.
            MappedFile.Budget budget = new MappedFile.Budget(5L << 20);
            MappedFile first = MappedFile.open(a, arena, budget);
            MappedFile second = MappedFile.open(b, arena, budget);
            first.markRead(0, 10);
            first.markRead(region - 1, 1);
            first.markRead(100, 4096);
            assertEquals(0, first.releases(), "one region read, whatever the bytes");
            second.markRead(3 * region, 1);
            assertEquals(0, second.releases(), "two regions fill the budget");
            first.markRead(region - 2, 4);
            assertEquals(1, first.releases(), "a read crossing into a third region releases");
            assertEquals(1, second.releases(), "the count belongs to the shared budget");
            // Regions 0 and 1 of the first file are now held; reading them again costs nothing.
            first.markRead(0, 2 * region);
            assertEquals(1, first.releases());
            first.release();
            second.markRead(0, 1);
            second.markRead(region, 1);
            assertEquals(1, second.releases(), "release() gave back the first file's regions");
            second.markRead(4 * region, 1);
            assertEquals(2, second.releases());
            // Released pages read the file again.
            assertEquals(bytes[(int) region], first.segment().get(ValueLayout.JAVA_BYTE, region));
            assertEquals(bytes[(int) (4 * region + 4096)], second.segment().get(ValueLayout.JAVA_BYTE, 4 * region + 4096));
            assertThrows(IndexOutOfBoundsException.class, () -> first.markRead(5 * region - 1, 2));
        }
        assertThrows(IllegalArgumentException.class, () -> new MappedFile.Budget(0));
    }

    @Test
    void anIdxFileCountsItsDataWherePastTheHeaderItLies() throws IOException {
        long region = 2L << 20;
        int n = (int) region;
        ByteBuffer file = ByteBuffer.allocate(8 + n).putInt(0x0801).putInt(n);
        Path path = Files.write(dir.resolve("labels-idx1-ubyte"), file.array());
        try (Arena arena = Arena.ofConfined()) {
            IdxFile idx = IdxFile.read(path, arena, new MappedFile.Budget(region));
            MappedFile mapping = idx.mappingOrNull();
            // The data starts 8 bytes in, so its last 8 bytes lie in the file's second region.
            idx.markRead(0, n - 8);
            assertEquals(0, mapping.releases());
            idx.markRead(n - 8, 1);
            assertEquals(1, mapping.releases());
            idx.markRead(n - 9, 1);
            assertEquals(2, mapping.releases());
            assertThrows(IndexOutOfBoundsException.class, () -> idx.markRead(n - 1, 2));
        }
    }

    @Test
    void theDefaultBudgetReadsItsSystemProperty() {
        String before = System.getProperty(MappedFile.RESIDENT_BUDGET_PROPERTY);
        try {
            System.clearProperty(MappedFile.RESIDENT_BUDGET_PROPERTY);
            assertEquals(MappedFile.DEFAULT_RESIDENT_BYTES, MappedFile.defaultResidentBytes());
            System.setProperty(MappedFile.RESIDENT_BUDGET_PROPERTY, "256m");
            assertEquals(256L << 20, MappedFile.defaultResidentBytes());
            System.setProperty(MappedFile.RESIDENT_BUDGET_PROPERTY, "3G");
            assertEquals(3L << 30, MappedFile.defaultResidentBytes());
            System.setProperty(MappedFile.RESIDENT_BUDGET_PROPERTY, "4096");
            assertEquals(4096, MappedFile.Budget.ofDefault().bytes());
            System.setProperty(MappedFile.RESIDENT_BUDGET_PROPERTY, "-1m");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, MappedFile::defaultResidentBytes);
            assertEquals("-D" + MappedFile.RESIDENT_BUDGET_PROPERTY + ": '-1m' is not a memory size (e.g. 512m, 8g,"
                    + " 1.5GiB or a number of bytes)", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(MappedFile.RESIDENT_BUDGET_PROPERTY);
            } else {
                System.setProperty(MappedFile.RESIDENT_BUDGET_PROPERTY, before);
            }
        }
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
