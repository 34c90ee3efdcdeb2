package dev.gatun.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed file operations are worded by the reason the system gave, not the file alone. */
class IoReasonTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskReadsNoSpaceLeftOnDevice() throws IOException {
        // Linux's /dev/full fails every write with ENOSPC, as a full disk does.
        try (FileChannel full = FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE)) {
            IOException e = assertThrows(IOException.class, () -> full.write(ByteBuffer.allocate(1 << 16)));
            assertEquals("no space left on device", IoReason.of(e));
        }
    }

    @Test
    void aPathThroughAFileReadsNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> Files.createTempFile(file, "a", "b"));
        assertEquals("not a directory", IoReason.of(e));
    }

    @Test
    void aMissingFolderReadsNoSuchFileOrDirectory() {
        IOException e = assertThrows(IOException.class, () -> Files.createTempFile(dir.resolve("gone"), "a", "b"));
        assertEquals("no such file or directory", IoReason.of(e));
    }

    @Test
    void reasonsTheJdkGivesWithoutTextGetTheSystemsWording() {
        // What the JDK throws for EROFS and EACCES, which a test running as root cannot provoke.
        assertEquals("read-only file system",
                IoReason.of(new FileSystemException("/r/x", null, "Read-only file system")));
        assertEquals("permission denied", IoReason.of(new AccessDeniedException("/r/x")));
        assertEquals("no such file or directory", IoReason.of(new NoSuchFileException("/r/x")));
        assertEquals("IOException", IoReason.of(new IOException()));
        assertEquals("EOF in header", IoReason.of(new IOException("EOF in header")));
    }
}
