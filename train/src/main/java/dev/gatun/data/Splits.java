package dev.gatun.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded train/validation splits of a data set, plain or stratified by class. */
public final class Splits {
    private Splits() {}

    /**
     * A training part and a validation part of one data set; together they hold every example once.
     *
     * @param train the training part
     * @param validation the validation part
     */
    public record TrainValidation(Subset train, Subset validation) {}

    /**
     * Splits {@code data} at random (seeded) into training and validation parts, the validation
     * part holding round(fraction · N) examples. Stratified, each class c is split on its own, giving
     * round(fraction · N_c) of its examples to validation, so every class's share of each part is
     * within one example of {@code fraction}. Indices within each part are ascending.
     *
     * @param data the data set
     * @param validationFraction the fraction of the examples that goes to validation, in (0, 1)
     * @param seed the seed of the split
     * @param stratified whether to split each class on its own
     * @return the two parts
     * @throws IllegalArgumentException for a fraction outside (0, 1), a part that would be empty,
     *     or stratification of a data set without int32 class labels
     */
    public static TrainValidation trainValidation(Dataset data, double validationFraction, long seed,
            boolean stratified) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validationFraction);
        }
        int n = data.size();
        List<int[]> groups = stratified ? byClass(data) : List.of(ArrayDataset.identity(n));
        SplittableRandom rng = new SplittableRandom(seed);
        int[] val = new int[n];
        int[] train = new int[n];
        int nv = 0;
        int nt = 0;
        for (int[] group : groups) {
            shuffle(group, rng);
            int take = (int) Math.round(validationFraction * group.length);
            for (int i = 0; i < group.length; i++) {
                if (i < take) {
                    val[nv++] = group[i];
                } else {
                    train[nt++] = group[i];
                }
            }
        }
        if (nv == 0 || nt == 0) {
            throw new IllegalArgumentException("validation fraction " + validationFraction + " of " + n
                    + " examples leaves " + (nv == 0 ? "the validation" : "the training") + " part empty");
        }
        int[] v = Arrays.copyOf(val, nv);
        int[] t = Arrays.copyOf(train, nt);
        Arrays.sort(v);
        Arrays.sort(t);
        return new TrainValidation(new Subset(data, t), new Subset(data, v));
    }

    /** The example indices of each class, in ascending order; classes with no examples are left out. */
    static List<int[]> byClass(Dataset data) {
        if (data.classes() < 1) {
            throw new IllegalArgumentException("stratified split needs int32 class labels, the data set has "
                    + data.targetDType() + " targets and " + data.classes() + " classes");
        }
        int[] labels = ArrayDataset.labelsOf(data);
        int[] counts = new int[data.classes()];
        for (int y : labels) {
            counts[y]++;
        }
        List<int[]> groups = new ArrayList<>();
        int[][] byClass = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[counts.length];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        for (int[] g : byClass) {
            if (g.length > 0) {
                groups.add(g);
            }
        }
        return groups;
    }

    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
