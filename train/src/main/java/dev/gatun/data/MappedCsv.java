package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CSV file's {@link CsvCache cache}, memory-mapped: batches are gathered from the mapping, so
 * only the pages of the examples being read are in memory.
 *
 * <p>Pages a process has read stay in its resident set until it lets them go, so this data set
 * counts the bytes it gathers and, each time they pass its resident budget, releases every
 * mapped page ({@link MemorySegment#unload()}, {@code madvise(MADV_DONTNEED)}): the resident
 * size of the mapping stays within about the budget plus one batch, however large the file. The
 * pages stay in the kernel's page cache while memory allows, so a page read again soon is not
 * read from disk again.
 */
public final class MappedCsv implements Dataset {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long PAGE = 4096;

    private final Path file;
    private final Path cacheFile;
    private final MemorySegment mapping;
    private final int rows;
    private final int features;
    private final boolean regression;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final long targetsAt;
    private final long residentBytes;
    private final String whyParsedOrNull;
    private final AtomicLong gathered = new AtomicLong();
    private final AtomicLong releases = new AtomicLong();

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
        this.residentBytes = residentBytes;
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
        return releases.get();
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
        long touched = 0;
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
            touched += pagesSpanned(at, rowBytes) + PAGE;
        }
        if (gathered.addAndGet(touched) >= residentBytes) {
            release();
        }
    }

    /** Lets every mapped page go; the next read of one faults it back in from the page cache or the disk. */
    private synchronized void release() {
        if (gathered.get() >= residentBytes) {
            mapping.unload();
            gathered.set(0);
            releases.incrementAndGet();
        }
    }

    private static long pagesSpanned(long at, long bytes) {
        return ((at + bytes - 1) / PAGE - at / PAGE + 1) * PAGE;
    }

    @Override
    public String toString() {
        return "MappedCsv[" + file + " via " + cacheFile + ", " + rows + " rows of " + features + "]";
    }
}
