package dev.gatun.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A whole file mapped read-only into memory. The pages are read from disk as they are touched
 * and belong to the page cache, not the heap, so a data set larger than memory can be read
 * through its mapping; {@link #release()} lets the touched pages leave the resident set again.
 *
 * <p>The mapping lives as long as its arena: one of its own, closed by {@link #close()}, or one
 * the caller owns (a {@link dev.gatun.tensor.Scope}'s), which unmaps it when it closes.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final MemorySegment segment;
    private final Arena ownArenaOrNull;

    private MappedFile(Path path, MemorySegment segment, Arena ownArenaOrNull) {
        this.path = path;
        this.segment = segment;
        this.ownArenaOrNull = ownArenaOrNull;
    }

    /**
     * Maps {@code path} into an arena of its own, unmapped by {@link #close()}.
     *
     * @param path the file
     * @return the mapping
     * @throws IOException when the file cannot be opened or mapped
     */
    public static MappedFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new MappedFile(path, map(path, arena), arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps {@code path} into {@code owner}, which unmaps it when it closes; {@link #close()} then
     * does nothing.
     *
     * @param path the file
     * @param owner the arena the mapping belongs to
     * @return the mapping
     * @throws IOException when the file cannot be opened or mapped
     */
    public static MappedFile open(Path path, Arena owner) throws IOException {
        return new MappedFile(path, map(path, Objects.requireNonNull(owner, "owner")), null);
    }

    /**
     * Maps the file open on {@code channel}, whole, into {@code owner}: for readers that have
     * already opened the file to read its header. The mapping outlives the channel.
     *
     * @param path the file, for messages
     * @param channel the open file
     * @param owner the arena the mapping belongs to
     * @return the mapping
     * @throws IOException when the file cannot be mapped
     */
    public static MappedFile map(Path path, FileChannel channel, Arena owner) throws IOException {
        return new MappedFile(path, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), owner), null);
    }

    private static MemorySegment map(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }

    /** {@return the file} */
    public Path path() {
        return path;
    }

    /** {@return the file's bytes} */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return the file's size in bytes} */
    public long byteSize() {
        return segment.byteSize();
    }

    /**
     * Lets the pages read so far leave the resident set: the mapping stays valid and they are
     * read from disk again when next touched.
     */
    public void release() {
        if (segment.byteSize() > 0) {
            segment.unload();
        }
    }

    /** Unmaps the file when it was mapped into an arena of its own; otherwise its owner does. */
    @Override
    public void close() {
        if (ownArenaOrNull != null) {
            ownArenaOrNull.close();
        }
    }

    @Override
    public String toString() {
        return "MappedFile[" + path + ", " + segment.byteSize() + " bytes]";
    }
}
