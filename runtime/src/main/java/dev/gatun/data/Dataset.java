package dev.gatun.data;

import dev.gatun.tensor.Tensor;

/** Labelled examples that can be copied, a batch at a time, into tensors. */
public interface Dataset {
    /** Number of examples. */
    int size();

    /** Shape of one example's features, e.g. {@code [784]} or {@code [1, 28, 28]}. */
    int[] featureShape();

    /** Number of classes (labels are 0..classes-1). */
    int classes();

    /**
     * Copies examples {@code indices[from .. from+count)} into {@code features} (float32
     * [count, featureShape...]) and {@code labels} (int32 [count]).
     */
    void fill(int[] indices, int from, int count, Tensor features, Tensor labels);
}
