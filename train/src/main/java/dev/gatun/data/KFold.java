package dev.gatun.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * K-fold cross-validation: the examples are shuffled (seeded) and dealt into k folds; fold i
 * validates on its own examples and trains on the rest, so every example is validated exactly once.
 * Plain folds are contiguous runs of the shuffled order (sizes differ by at most one). Stratified,
 * the shuffled examples of each class are dealt round-robin, continuing where the previous class
 * stopped, so each fold holds within one example of N_c / k of every class c and fold sizes still
 * differ by at most one.
 */
public final class KFold {
    private final Dataset data;
    private final int k;
    private final int[][] folds;

    /**
     * Folds of {@code data}.
     *
     * @param data the data set
     * @param k the number of folds, in [2, N]
     * @param seed the seed of the assignment to folds
     * @param stratified whether every class is spread evenly over the folds
     * @throws IllegalArgumentException when k is not in [2, N], or stratification needs labels the set lacks
     */
    public KFold(Dataset data, int k, long seed, boolean stratified) {
        int n = data.size();
        if (k < 2 || k > n) {
            throw new IllegalArgumentException("k-fold: k must be in [2, " + n + "] (the number of examples), got " + k);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] foldOf = new int[n];
        int[] sizes = new int[k];
        if (stratified) {
            List<int[]> groups = Splits.byClass(data);
            int next = 0;
            for (int[] group : groups) {
                Splits.shuffle(group, rng);
                for (int idx : group) {
                    foldOf[idx] = next;
                    sizes[next]++;
                    next = (next + 1) % k;
                }
            }
        } else {
            int[] order = ArrayDataset.identity(n);
            Splits.shuffle(order, rng);
            for (int i = 0; i < k; i++) {
                int from = (int) ((long) i * n / k);
                int to = (int) ((long) (i + 1) * n / k);
                for (int p = from; p < to; p++) {
                    foldOf[order[p]] = i;
                }
                sizes[i] = to - from;
            }
        }
        this.folds = new int[k][];
        int[] fill = new int[k];
        for (int i = 0; i < k; i++) {
            folds[i] = new int[sizes[i]];
        }
        // Ascending indices within each fold, whatever the dealing order.
        for (int idx = 0; idx < n; idx++) {
            int f = foldOf[idx];
            folds[f][fill[f]++] = idx;
        }
        this.data = data;
        this.k = k;
    }

    /** {@return the number of folds} */
    public int k() {
        return k;
    }

    /**
     * Fold {@code i}: validation on its examples, training on all others (both ascending).
     *
     * @param i the fold's index, in [0, k)
     * @return the fold's training and validation parts
     */
    public Splits.TrainValidation fold(int i) {
        if (i < 0 || i >= k) {
            throw new IllegalArgumentException("k-fold: fold " + i + " does not exist, folds are 0.." + (k - 1));
        }
        int[] train = new int[data.size() - folds[i].length];
        int t = 0;
        for (int f = 0; f < k; f++) {
            if (f != i) {
                System.arraycopy(folds[f], 0, train, t, folds[f].length);
                t += folds[f].length;
            }
        }
        Arrays.sort(train);
        return new Splits.TrainValidation(new Subset(data, train), new Subset(data, folds[i].clone()));
    }
}
