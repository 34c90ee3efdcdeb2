package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;

/** Some examples of another data set, in a given order: a quick subset, a validation split, a fold. */
public final class Subset extends DatasetView {
    private final int[] indices;

    /**
     * The examples {@code indices} of {@code base}; each must be a valid index there.
     *
     * @param base the data set
     * @param indices the indices of the examples, in the order served
     */
    public Subset(Dataset base, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IllegalArgumentException("subset: index " + i + " is outside the data set of "
                        + base.size() + " examples");
            }
        }
        super(base);
        this.indices = indices.clone();
    }

    /**
     * The first {@code n} examples of {@code base}, or all of them when n is 0 or at least its size.
     *
     * @param base the data set
     * @param n the number of examples, or 0 for all
     * @return the first n examples, or base itself
     */
    public static Dataset first(Dataset base, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("subset: example count must be >= 0, got " + n);
        }
        if (n == 0 || n >= base.size()) {
            return base;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return new Subset(base, idx);
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public void fill(int[] order, int from, int count, Tensor features, Tensor labels) {
        int[] mapped = new int[count];
        for (int i = 0; i < count; i++) {
            mapped[i] = indices[order[from + i]];
        }
        base.fill(mapped, 0, count, features, labels);
    }
}
