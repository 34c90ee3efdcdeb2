package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * A CSV file's {@link CsvCache cache}, memory-mapped: batches are gathered from the mapping, so
 * only the pages of the examples being read are in memory.
 *
 * <p>Pages a process has read stay in its resident set until it lets them go, and one read may
 * map far more than its own page: the kernel maps the pages around a fault, and a whole large
 * folio (up to 2 MiB, aligned) of the page cache at once. So this data set keeps the set of
 * aligned 2 MiB regions it has read since it last let go and, when they reach its resident
 * budget, releases them ({@link MemorySegment#unload()}, {@code madvise(MADV_DONTNEED)}): the
 * resident size of the mapping stays within the budget (at least one region), however large
 * the file. Released pages stay in the kernel's page cache while memory allows, so a page read
 * again soon is not read from disk again; random access over a file much larger than the budget
 * pays a release every few examples, the price of the bound.
 */
public final class MappedCsv implements Dataset {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The most one read can map: a PMD-sized folio, naturally aligned. */
    private static final long REGION = 2L << 20;

    private final Path file;
    private final Path cacheFile;
    private final MemorySegment mapping;
    private final int rows;
    private final int features;
    private final boolean regression;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final long targetsAt;
    private final String whyParsedOrNull;
    // Guarded by itself: the regions read since the last release, and how many.
    private final BitSet touched = new BitSet();
    private final int[] touchedList;
    private int touchedCount;
    private long releases;

    MappedCsv(Path file, Path cacheFile, MemorySegment mapping, int rows, int features, boolean regression,
            List<String> classNames, List<String> featureNames, long targetsAt, long residentBytes,
            String whyParsedOrNull) {
        this.file = file;
        this.cacheFile = cacheFile;
        this.mapping = mapping;
        this.rows = rows;
        this.features = features;
        this.regression = regression;
        this.classNames = List.copyOf(classNames);
        this.featureNames = List.copyOf(featureNames);
        this.targetsAt = targetsAt;
        this.touchedList = new int[(int) Math.max(1, Math.min(residentBytes / REGION,
                (mapping.byteSize() + REGION - 1) / REGION))];
        this.whyParsedOrNull = whyParsedOrNull;
    }

    /** {@return the CSV file} */
    public Path file() {
        return file;
    }

    /** {@return the cache file mapped} */
    public Path cacheFile() {
        return cacheFile;
    }

    /**
     * {@return why this load parsed the CSV (no cache yet, the source changed, a damaged cache),
     * or empty when it mapped the cache an earlier load wrote}
     */
    public Optional<String> whyParsed() {
        return Optional.ofNullable(whyParsedOrNull);
    }

    /** {@return the names of the feature columns, in feature order} */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * {@return the class names, class c's at index c (its id as text for integer ids); empty for
     * regression}
     */
    public List<String> classNames() {
        return classNames;
    }

    /** {@return how many times the mapped pages were released so far} */
    public long releases() {
        synchronized (touched) {
            return releases;
        }
    }

    @Override
    public int size() {
        return rows;
    }

    @Override
    public int[] featureShape() {
        return new int[] {features};
    }

    @Override
    public int classes() {
        return regression ? 0 : classNames.size();
    }

    @Override
    public DType targetDType() {
        return regression ? DType.FLOAT32 : DType.INT32;
    }

    @Override
    public int[] targetShape() {
        return regression ? new int[] {1} : new int[0];
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor x, Tensor y) {
        if (x.dtype() != DType.FLOAT32 || !x.isContiguous() || x.size() != (long) count * features) {
            throw new IllegalArgumentException("features must be contiguous float32 with " + count + "×" + features
                    + " elements, got " + x.describe());
        }
        if (y.dtype() != targetDType() || !y.isContiguous() || y.size() != count) {
            throw new IllegalArgumentException("targets must be contiguous " + targetDType() + " with " + count
                    + " elements, got " + y.describe());
        }
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        long rowBytes = (long) features * Float.BYTES;
        for (int i = 0; i < count; i++) {
            int idx = indices[from + i];
            if (idx < 0 || idx >= rows) {
                throw new IndexOutOfBoundsException("example " + idx + " of " + rows);
            }
            long at = CsvCacheFile.HEADER_BYTES + idx * rowBytes;
            MemorySegment.copy(mapping, FLOAT, at, xs, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (x.offset() + (long) i * features) * Float.BYTES, features);
            long target = targetsAt + (long) idx * Integer.BYTES;
            if (regression) {
                ys.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, y.offset() + i, mapping.get(FLOAT, target));
            } else {
                int label = mapping.get(INT, target);
                if (label < 0 || label >= classNames.size()) {
                    throw new IllegalStateException(cacheFile + ": example " + idx + " has class " + label
                            + ", outside 0.." + (classNames.size() - 1) + "; delete the cache to rebuild it");
                }
                ys.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, y.offset() + i, label);
            }
            read(at, at + rowBytes);
            read(target, target + Integer.BYTES);
        }
    }

    /**
     * Counts bytes [from, to) of the mapping as read, releasing the regions read so far first
     * when one more would pass the budget.
     */
    private void read(long from, long to) {
        synchronized (touched) {
            for (long r = from / REGION; r <= (to - 1) / REGION; r++) {
                if (touched.get((int) r)) {
                    continue;
                }
                if (touchedCount == touchedList.length) {
                    release();
                }
                touched.set((int) r);
                touchedList[touchedCount++] = (int) r;
            }
        }
    }

    /**
     * Releases the regions read, in one call over the span from the first to the last: the
     * regions between them map nothing, and each call costs a TLB flush on every core the
     * process runs on, more than walking empty page tables.
     */
    private void release() {
        long first = touched.nextSetBit(0) * REGION;
        long end = Math.min(mapping.byteSize(), (touched.length()) * REGION);
        mapping.asSlice(first, end - first).unload();
        for (int i = 0; i < touchedCount; i++) {
            touched.clear(touchedList[i]);
        }
        touchedCount = 0;
        releases++;
    }

    @Override
    public String toString() {
        return "MappedCsv[" + file + " via " + cacheFile + ", " + rows + " rows of " + features + "]";
    }
}
