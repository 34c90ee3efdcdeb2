package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * CIFAR images, gathered a batch at a time straight from the mapped binary files, served as
 * float32 [3, 32, 32] pixels scaled to [0, 1] as {@link ImageDataset}'s are; the whole data set
 * is never copied.
 */
public final class CifarDataset implements Dataset {
    private final List<CifarBatch> batches;
    private final int[] starts;
    private final int size;
    private final int classes;
    private final int[] featureShape;

    /**
     * A data set over {@code batches}, in order, whose examples have {@code featureShape}, which
     * must hold 3,072 values: {@code [3, 32, 32]} for a CNN, {@code [3072]} for an MLP.
     *
     * @param batches the files, all of one kind of labels
     * @param featureShape the shape of one example
     */
    public CifarDataset(List<CifarBatch> batches, int... featureShape) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR files");
        }
        this.batches = List.copyOf(batches);
        this.classes = batches.getFirst().labels().classes();
        this.starts = new int[batches.size()];
        long total = 0;
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).labels() != batches.getFirst().labels()) {
                throw new IllegalArgumentException(batches.get(i).file().path() + " is read as "
                        + batches.get(i).labels() + " but " + batches.getFirst().file().path() + " as "
                        + batches.getFirst().labels());
            }
            starts[i] = (int) total;
            total += batches.get(i).count();
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more than " + Integer.MAX_VALUE + " CIFAR images");
            }
        }
        this.size = (int) total;
        long n = Shape.checkedSize(featureShape);
        if (n != CifarBatch.PIXELS) {
            throw new IllegalArgumentException("feature shape " + Arrays.toString(featureShape) + " holds " + n
                    + " values but CIFAR images are 3×32×32 (" + CifarBatch.PIXELS + ")");
        }
        this.featureShape = featureShape.clone();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
        int pixels = CifarBatch.PIXELS;
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous() || features.size() != (long) count * pixels) {
            throw new IllegalArgumentException("features must be contiguous float32 with " + count + "×" + pixels
                    + " elements, got " + features.describe());
        }
        if (labels.dtype() != DType.INT32 || labels.size() != count || !labels.isContiguous()) {
            throw new IllegalArgumentException("labels must be int32 [" + count + "], got " + labels.describe());
        }
        MemorySegment out = features.segment();
        MemorySegment lab = labels.segment();
        long base = features.offset();
        byte[] row = new byte[pixels];
        for (int i = 0; i < count; i++) {
            int idx = indices[from + i];
            int b = batchOf(idx);
            CifarBatch batch = batches.get(b);
            int local = idx - starts[b];
            MemorySegment.copy(batch.pixels(local), ValueLayout.JAVA_BYTE, 0, row, 0, pixels);
            long o = base + (long) i * pixels;
            for (int p = 0; p < pixels; p++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, o + p, (row[p] & 0xFF) / 255f);
            }
            lab.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + i, batch.label(local));
        }
    }

    /** The file holding example {@code index}. */
    private int batchOf(int index) {
        java.util.Objects.checkIndex(index, size);
        int at = Arrays.binarySearch(starts, index);
        if (at >= 0) {
            // Skips empty files, which start where the next one does; read() refuses them anyway.
            while (at + 1 < starts.length && starts[at + 1] == index) {
                at++;
            }
            return at;
        }
        return -at - 2;
    }
}
