package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Byte images with class labels (an IDX split: MNIST, Fashion-MNIST, EMNIST), served as float32
 * pixels scaled to [0, 1]. Pixels stay in the mapped (or inflated off-heap) IDX data until a
 * batch is filled.
 */
public final class ImageDataset implements Dataset {

    private final IdxImages split;
    private final int[] featureShape;
    private final int pixels;

    /**
     * A data set over {@code split} whose examples have {@code featureShape}, which must hold
     * rows × cols elements: {@code [784]} for an MLP, {@code [1, 28, 28]} for a CNN.
     *
     * @param split the Fashion-MNIST split
     * @param featureShape the shape of one example, holding rows × cols elements
     */
    public ImageDataset(FashionMnist.Split split, int... featureShape) {
        this(split.asImages(), featureShape);
    }

    /**
     * A data set over {@code images} whose examples have {@code featureShape}, which must hold
     * rows × cols elements.
     *
     * @param images the images and labels
     * @param featureShape the shape of one example, holding rows × cols elements
     */
    public ImageDataset(IdxImages images, int... featureShape) {
        this.split = images;
        this.pixels = split.rows() * split.cols();
        long n = dev.gatun.tensor.Shape.checkedSize(featureShape);
        if (n != pixels) {
            throw new IllegalArgumentException("feature shape " + Arrays.toString(featureShape) + " holds " + n
                    + " values but the images are " + split.rows() + "×" + split.cols());
        }
        this.featureShape = featureShape.clone();
    }

    @Override
    public int size() {
        return split.count();
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    @Override
    public int classes() {
        return split.classes();
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
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
            split.pixels(idx, row);
            long o = base + (long) i * pixels;
            for (int p = 0; p < pixels; p++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, o + p, (row[p] & 0xFF) / 255f); // as ImageFolder and torchvision's ToTensor, bit for bit
            }
            lab.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + i, split.label(idx));
        }
    }
}
