package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * Examples with targets that can be copied, a batch at a time, into tensors: class labels
 * (int32, the default) for classification, or float32 values for regression.
 */
public interface Dataset {
    /**
     * The most classes a data set, and a model's class names, may have: 65,536, more than any
     * real labelling needs. A larger label is taken for a corrupt file, not a task, and refused
     * before anything is built for it.
     */
    int MAX_CLASSES = 1 << 16;

    /** {@return the number of examples} */
    int size();

    /** {@return the shape of one example's features, e.g. {@code [784]} or {@code [1, 28, 28]}} */
    int[] featureShape();

    /** {@return the number of classes (labels are 0..classes-1); 0 for a regression data set} */
    int classes();

    /** {@return the dtype of the targets: int32 class labels, or float32 for regression} */
    default DType targetDType() {
        return DType.INT32;
    }

    /**
     * {@return the shape of one example's target: {@code []} for a class label, e.g. {@code [1]} for
     * one value}
     */
    default int[] targetShape() {
        return new int[0];
    }

    /**
     * Copies examples {@code indices[from .. from+count)} into {@code features} (float32
     * [count, featureShape...]) and {@code labels} ([count, targetShape...] of {@link #targetDType}).
     *
     * @param indices the example indices to read from
     * @param from the first position in indices
     * @param count the number of examples
     * @param features receives the features, float32 [count, featureShape...]
     * @param labels receives the targets, [count, targetShape...]
     */
    void fill(int[] indices, int from, int count, Tensor features, Tensor labels);
}
