package dev.gatun.data;

import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
        ByteImageBatch.fill(CifarBatch.PIXELS, (row, idx) -> {
            int b = batchOf(idx);
            batches.get(b).copyPixels(idx - starts[b], row);
        }, idx -> {
            int b = batchOf(idx);
            return batches.get(b).label(idx - starts[b]);
        }, indices, from, count, features, labels);
    }

    /** The file holding example {@code index}. */
    private int batchOf(int index) {
        Objects.checkIndex(index, size);
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
