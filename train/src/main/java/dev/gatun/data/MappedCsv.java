package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A CSV file's {@link CsvCache cache}, memory-mapped: batches are gathered from the mapping, so
 * only the pages of the examples being read are in memory, and the {@link MappedFile mapping}
 * keeps them within its resident budget however large the file.
 */
public final class MappedCsv implements Dataset {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Path cacheFile;
    private final MappedFile mapping;
    private final int rows;
    private final int features;
    private final boolean regression;
    private final List<String> classNames;
    private final List<String> featureNames;
    private final long targetsAt;
    private final String whyParsedOrNull;

    MappedCsv(Path file, Path cacheFile, MappedFile mapping, int rows, int features, boolean regression,
            List<String> classNames, List<String> featureNames, long targetsAt, String whyParsedOrNull) {
        this.file = file;
        this.cacheFile = cacheFile;
        this.mapping = mapping;
        this.rows = rows;
        this.features = features;
        this.regression = regression;
        this.classNames = List.copyOf(classNames);
        this.featureNames = List.copyOf(featureNames);
        this.targetsAt = targetsAt;
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
        return mapping.releases();
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
        MemorySegment data = mapping.segment();
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        long rowBytes = (long) features * Float.BYTES;
        for (int i = 0; i < count; i++) {
            int idx = indices[from + i];
            if (idx < 0 || idx >= rows) {
                throw new IndexOutOfBoundsException("example " + idx + " of " + rows);
            }
            long at = CsvCacheFile.HEADER_BYTES + idx * rowBytes;
            MemorySegment.copy(data, FLOAT, at, xs, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (x.offset() + (long) i * features) * Float.BYTES, features);
            long target = targetsAt + (long) idx * Integer.BYTES;
            if (regression) {
                ys.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, y.offset() + i, data.get(FLOAT, target));
            } else {
                int label = data.get(INT, target);
                if (label < 0 || label >= classNames.size()) {
                    throw new IllegalStateException(cacheFile + ": example " + idx + " has class " + label
                            + ", outside 0.." + (classNames.size() - 1) + "; delete the cache to rebuild it");
                }
                ys.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, y.offset() + i, label);
            }
            mapping.markRead(at, rowBytes);
            mapping.markRead(target, Integer.BYTES);
        }
    }

    @Override
    public String toString() {
        return "MappedCsv[" + file + " via " + cacheFile + ", " + rows + " rows of " + features + "]";
    }
}
