package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/**
 * A data set seen through another: everything is the base's unless a subclass says otherwise
 * (a subset's size and order, standardized features, one-hot targets).
 */
abstract class DatasetView implements Dataset {
    /** The data set seen through this one. */
    protected final Dataset base;

    DatasetView(Dataset base) {
        this.base = base;
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public int[] featureShape() {
        return base.featureShape();
    }

    @Override
    public int classes() {
        return base.classes();
    }

    @Override
    public DType targetDType() {
        return base.targetDType();
    }

    @Override
    public int[] targetShape() {
        return base.targetShape();
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
        base.fill(indices, from, count, features, labels);
    }
}
