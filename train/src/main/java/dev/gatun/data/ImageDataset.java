package dev.gatun.data;

import dev.gatun.tensor.Tensor;
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
        ByteImageBatch.fill(pixels, (row, idx) -> split.pixels(idx, row), split::label, indices, from, count, features,
                labels);
    }
}
