package dev.gatun.train.metrics;

import dev.gatun.tensor.Tensor;

/**
 * Fraction of samples whose true class is among the k highest logits. Ties are broken by class
 * index, lower first (as argmax takes the first maximum): the true class t ranks
 * {@code #{c : x[c] > x[t]} + #{c < t : x[c] == x[t]}}, and the sample counts when that rank is
 * below k. So top-1 equals argmax accuracy, and a tie straddling the k-th place favours the lower
 * classes. A NaN logit for the true class never counts; NaN logits elsewhere never outrank it.
 */
public final class TopKAccuracy {
    private TopKAccuracy() {}

    /**
     * Top-k accuracy of logits [N, C] against int32 labels [N] in [0, C); NaN when N is 0.
     *
     * @param logits the logits [N, C]
     * @param labels the int32 labels [N], in [0, C)
     * @param k the number of top classes that count
     * @return the fraction of examples whose label is among the k highest logits
     */
    public static double of(Tensor logits, Tensor labels, int k) {
        ConfusionMatrix.checkLogitsAndLabels(logits, labels);
        return of(logits.contiguous().toDoubleArray(), logits.dim(1), labels.toIntArray(), k);
    }

    /**
     * Top-k accuracy of row-major logits {@code x} [N, classes] against labels [N]; NaN when N is 0.
     *
     * @param x the logits, row-major [N, classes]
     * @param classes the number of classes
     * @param truth the labels [N]
     * @param k the number of top classes that count
     * @return the fraction of examples whose label is among the k highest logits
     */
    public static double of(double[] x, int classes, int[] truth, int k) {
        int n = truth.length;
        if (k < 1 || k > classes) {
            throw new IllegalArgumentException("k must be in [1, " + classes + "] for " + classes + " classes, got " + k);
        }
        if (x.length != (long) n * classes) {
            throw new IllegalArgumentException(x.length + " logits are not " + n + " rows of " + classes + " classes");
        }
        for (int i = 0; i < n; i++) {
            if (truth[i] < 0 || truth[i] >= classes) {
                throw new IllegalArgumentException("true class " + truth[i] + " at index " + i
                        + " is out of range [0, " + classes + ")");
            }
        }
        long hits = 0;
        for (int i = 0; i < n; i++) {
            int t = truth[i];
            double xt = x[i * classes + t];
            if (Double.isNaN(xt)) {
                continue;
            }
            int rank = 0;
            for (int c = 0; c < classes; c++) {
                double xc = x[i * classes + c];
                if (xc > xt || (xc == xt && c < t)) {
                    rank++;
                }
            }
            if (rank < k) {
                hits++;
            }
        }
        return n == 0 ? Double.NaN : (double) hits / n;
    }
}
