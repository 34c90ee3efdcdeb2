package dev.gatun.data;

import dev.gatun.tensor.MemoryBudget;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * A whole file mapped read-only into memory, whose resident pages are kept within a
 * {@link Budget}. The pages are read from disk as they are touched and belong to the page
 * cache, not the heap, so a data set larger than memory can be read through its mapping.
 *
 * <p>Pages a process has read stay in its resident set until it lets them go, and one read may
 * map far more than its own page: the kernel maps the pages around a fault, and a whole large
 * folio (up to 2 MiB, aligned) of the page cache at once; counting the bytes read would
 * undercount. So readers report what they read ({@link #markRead}), the file records which
 * aligned 2 MiB regions that touched, and when the regions of all the files sharing its budget
 * reach the budget they are released ({@link MemorySegment#unload()}, {@code madvise(MADV_DONTNEED)}):
 * the resident size of the mappings stays within the budget (at least one region), however
 * large the files. Released pages stay in the kernel's page cache while memory allows, so a page
 * read again soon is not read from disk again; random access over files much larger than the
 * budget pays a release every few examples, the price of the bound. Marking and releasing are
 * thread-safe, so a prefetching thread may read while another does.
 *
 * <p>The mapping lives as long as its arena: one of its own, closed by {@link #close()}, or one
 * the caller owns (a {@link dev.gatun.tensor.Scope}'s), which unmaps it when it closes.
 */
public final class MappedFile implements AutoCloseable {
    /**
     * The system property setting {@link #defaultResidentBytes()}: a size as
     * {@link MemoryBudget#parse} reads it, e.g. {@code -Dgatun.data.residentBudget=256m}.
     */
    public static final String RESIDENT_BUDGET_PROPERTY = "gatun.data.residentBudget";

    /** Mapped pages a data set keeps resident before it releases them, unless configured: 64 MiB. */
    public static final long DEFAULT_RESIDENT_BYTES = 64L << 20;

    /** The most one read can map: a PMD-sized folio, naturally aligned. */
    static final long REGION = 2L << 20;

    private final Path path;
    private final MemorySegment segment;
    private final Arena ownArenaOrNull;
    private final Budget budget;
    // Guarded by budget: the regions read since the last release, and how many.
    private final BitSet touched = new BitSet();
    private int touchedCount;

    private MappedFile(Path path, MemorySegment segment, Arena ownArenaOrNull, Budget budget) {
        this.path = path;
        this.segment = segment;
        this.ownArenaOrNull = ownArenaOrNull;
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * The resident bytes a data set's mappings may hold: the {@value #RESIDENT_BUDGET_PROPERTY}
     * system property when set, else {@link #DEFAULT_RESIDENT_BYTES}.
     *
     * @return the budget in bytes, positive
     * @throws IllegalArgumentException naming the property when its value is not a size
     */
    public static long defaultResidentBytes() {
        String value = System.getProperty(RESIDENT_BUDGET_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_RESIDENT_BYTES;
        }
        return MemoryBudget.parse(value, "-D" + RESIDENT_BUDGET_PROPERTY);
    }

    /**
     * Maps {@code path} into an arena of its own, unmapped by {@link #close()}, with a budget of
     * its own of {@link #defaultResidentBytes()}.
     *
     * @param path the file
     * @return the mapping
     * @throws IOException when the file cannot be opened or mapped
     */
    public static MappedFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new MappedFile(path, map(path, arena), arena, new Budget(defaultResidentBytes()));
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
     * @param budget the resident budget this file shares with the other files of its data set
     * @return the mapping
     * @throws IOException when the file cannot be opened or mapped
     */
    public static MappedFile open(Path path, Arena owner, Budget budget) throws IOException {
        return new MappedFile(path, map(path, Objects.requireNonNull(owner, "owner")), null, budget);
    }

    /**
     * Maps the file open on {@code channel}, whole, into {@code owner}: for readers that have
     * already opened the file to read its header. The mapping outlives the channel.
     *
     * @param path the file, for messages
     * @param channel the open file
     * @param owner the arena the mapping belongs to
     * @param budget the resident budget this file shares with the other files of its data set
     * @return the mapping
     * @throws IOException when the file cannot be mapped
     */
    public static MappedFile map(Path path, FileChannel channel, Arena owner, Budget budget) throws IOException {
        return new MappedFile(path, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), owner), null,
                budget);
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

    /** {@return the budget this file's resident pages count against} */
    public Budget budget() {
        return budget;
    }

    /**
     * {@return how many times the budget this file shares released the mapped pages so far}
     */
    public long releases() {
        synchronized (budget) {
            return budget.releases;
        }
    }

    /**
     * Counts bytes {@code [offset, offset + bytes)} of the file as read, after reading them:
     * when one more region would pass the budget, the regions read so far by every file sharing
     * it are released first.
     *
     * @param offset where the bytes start in the file
     * @param bytes how many bytes were read
     */
    public void markRead(long offset, long bytes) {
        Objects.checkFromIndexSize(offset, bytes, segment.byteSize());
        if (bytes == 0) {
            return;
        }
        synchronized (budget) {
            for (long r = offset / REGION; r <= (offset + bytes - 1) / REGION; r++) {
                if (touched.get((int) r)) {
                    continue;
                }
                if (budget.count == budget.regions) {
                    budget.releaseAll();
                }
                if (touchedCount == 0) {
                    budget.holding.add(this);
                }
                touched.set((int) r);
                touchedCount++;
                budget.count++;
            }
        }
    }

    /**
     * Lets all the pages of this file read so far leave the resident set: the mapping stays
     * valid and they are read from disk again when next touched.
     */
    public void release() {
        synchronized (budget) {
            if (segment.byteSize() > 0) {
                segment.unload();
            }
            budget.count -= touchedCount;
            budget.holding.remove(this);
            touched.clear();
            touchedCount = 0;
        }
    }

    /**
     * Releases the regions read, in one call over the span from the first to the last: the
     * regions between them map nothing, and each call costs a TLB flush on every core the
     * process runs on, more than walking empty page tables.
     */
    private void releaseTouched() {
        long first = touched.nextSetBit(0) * REGION;
        long end = Math.min(segment.byteSize(), touched.length() * REGION);
        segment.asSlice(first, end - first).unload();
        touched.clear();
        touchedCount = 0;
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

    /**
     * The resident bytes the mapped files of one data set may hold together, counted in aligned
     * 2 MiB regions (at least one). Safe to share between threads.
     */
    public static final class Budget {
        private final long bytes;
        private final long regions;
        // Guarded by this: the files holding read regions, how many regions, how many releases.
        private final List<MappedFile> holding = new ArrayList<>();
        private long count;
        private long releases;

        /**
         * A budget of {@code bytes}, rounded down to whole 2 MiB regions, at least one.
         *
         * @param bytes the resident bytes allowed, positive ({@link Long#MAX_VALUE}: never release)
         */
        public Budget(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("resident budget must be > 0 bytes, got " + bytes);
            }
            this.bytes = bytes;
            this.regions = Math.max(1, bytes / REGION);
        }

        /** {@return a budget of {@link #defaultResidentBytes()}} */
        public static Budget ofDefault() {
            return new Budget(defaultResidentBytes());
        }

        /** {@return the resident bytes allowed} */
        public long bytes() {
            return bytes;
        }

        private void releaseAll() {
            for (MappedFile f : holding) {
                f.releaseTouched();
            }
            holding.clear();
            count = 0;
            releases++;
        }

        @Override
        public String toString() {
            return "MappedFile.Budget[" + bytes + " bytes]";
        }
    }
}
