package dev.gatun.train.metrics;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;

/**
 * Single-label classification counts: {@code count(t, p)} samples of true class t predicted as p,
 * and the metrics derived from them. Conventions follow scikit-learn with
 * {@code labels = range(classes)} and {@code zero_division = 0}: a class never predicted has
 * precision 0, a class that never occurs has recall 0, F1 is 0 when precision + recall is 0, and
 * macro averages weigh every one of the {@code classes} classes equally, absent ones included.
 * Micro precision, recall and F1 all equal the accuracy for single-label data.
 */
public final class ConfusionMatrix {
    private final long[][] counts;
    private final long total;

    private ConfusionMatrix(long[][] counts, long total) {
        this.counts = counts;
        this.total = total;
    }

    /**
     * From predicted and true class indices in [0, classes).
     *
     * @param predicted the predicted class of each sample
     * @param truth the true class of each sample
     * @param classes the number of classes
     * @return the matrix
     */
    public static ConfusionMatrix of(int[] predicted, int[] truth, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("predicted has " + predicted.length + " entries but truth has "
                    + truth.length);
        }
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= classes) {
                throw new IllegalArgumentException("true class " + truth[i] + " at index " + i + " is out of range [0, "
                        + classes + ")");
            }
            if (predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("predicted class " + predicted[i] + " at index " + i
                        + " is out of range [0, " + classes + ")");
            }
        }
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(counts, truth.length);
    }

    /**
     * From counts[t][p] (rows true class, columns predicted), e.g. a saved matrix; copied.
     *
     * @param counts the counts, {@code counts[true][predicted]}
     * @return the matrix
     */
    public static ConfusionMatrix ofCounts(long[][] counts) {
        int classes = counts.length;
        if (classes < 1) {
            throw new IllegalArgumentException("a confusion matrix needs at least 1 class, got 0 rows");
        }
        long[][] copy = new long[classes][];
        long total = 0;
        for (int t = 0; t < classes; t++) {
            if (counts[t].length != classes) {
                throw new IllegalArgumentException("confusion matrix row " + t + " has " + counts[t].length
                        + " columns, expected " + classes);
            }
            copy[t] = counts[t].clone();
            for (int p = 0; p < classes; p++) {
                if (copy[t][p] < 0) {
                    throw new IllegalArgumentException("confusion matrix count [" + t + "][" + p + "] is negative: "
                            + copy[t][p]);
                }
                total = Math.addExact(total, copy[t][p]);
            }
        }
        return new ConfusionMatrix(copy, total);
    }

    /**
     * From logits [N, C] (the prediction is the first maximum of each row) and int32 labels [N].
     *
     * @param logits the logits [N, C]
     * @param labels the int32 labels [N]
     * @return the matrix
     */
    public static ConfusionMatrix of(Tensor logits, Tensor labels) {
        checkLogitsAndLabels(logits, labels);
        return of(logits.argmax().toIntArray(), labels.toIntArray(), logits.dim(1));
    }

    static void checkLogitsAndLabels(Tensor logits, Tensor labels) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("logits must be [N, C], got " + logits.describe());
        }
        if (labels.rank() != 1 || labels.dtype() != DType.INT32) {
            throw new IllegalArgumentException("labels must be int32 [N], got " + labels.describe());
        }
        if (labels.dim(0) != logits.dim(0)) {
            throw new IllegalArgumentException("logits " + logits.describe() + " and labels " + labels.describe()
                    + " have different N");
        }
    }

    /** {@return the number of classes C} */
    public int classes() {
        return counts.length;
    }

    /** {@return the number of samples counted} */
    public long total() {
        return total;
    }

    /**
     * Samples of true class {@code truth} predicted as {@code predicted}.
     *
     * @param truth the true class
     * @param predicted the predicted class
     * @return the number of such samples
     */
    public long count(int truth, int predicted) {
        checkClass(truth);
        checkClass(predicted);
        return counts[truth][predicted];
    }

    /** {@return a copy of the counts, rows = true class, columns = predicted class} */
    public long[][] counts() {
        long[][] out = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i].clone();
        }
        return out;
    }

    /** {@return the fraction of samples predicted correctly; NaN when there are none} */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < counts.length; c++) {
            correct += counts[c][c];
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /**
     * TP / (TP + FP) of class c; 0 when c is never predicted.
     *
     * @param c the class
     * @return the precision
     */
    public double precision(int c) {
        checkClass(c);
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
    }

    /**
     * TP / (TP + FN) of class c; 0 when c never occurs.
     *
     * @param c the class
     * @return the recall
     */
    public double recall(int c) {
        checkClass(c);
        long actual = Arrays.stream(counts[c]).sum();
        return actual == 0 ? 0 : (double) counts[c][c] / actual;
    }

    /**
     * Harmonic mean of precision and recall of class c; 0 when both are 0.
     *
     * @param c the class
     * @return the F1 score
     */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** {@return the unweighted mean of the per-class precisions} */
    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += precision(c);
        }
        return s / counts.length;
    }

    /** {@return the unweighted mean of the per-class recalls} */
    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += recall(c);
        }
        return s / counts.length;
    }

    /**
     * {@return the unweighted mean of the per-class F1 scores (not the F1 of the macro averages, as in
     * scikit-learn)}
     */
    public double macroF1() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += f1(c);
        }
        return s / counts.length;
    }

    /**
     * {@return the precision over all samples pooled: equal to {@link #accuracy()} for single-label
     * data}
     */
    public double microPrecision() {
        return accuracy();
    }

    /**
     * {@return the recall over all samples pooled: equal to {@link #accuracy()} for single-label data}
     */
    public double microRecall() {
        return accuracy();
    }

    /** {@return the F1 of the pooled counts: equal to {@link #accuracy()} for single-label data} */
    public double microF1() {
        return accuracy();
    }

    private void checkClass(int c) {
        if (c < 0 || c >= counts.length) {
            throw new IllegalArgumentException("class " + c + " is out of range [0, " + counts.length + ")");
        }
    }

    /** The matrix as text, one row per true class. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConfusionMatrix(rows = true, columns = predicted)\n");
        for (long[] row : counts) {
            sb.append(Arrays.toString(row)).append('\n');
        }
        return sb.toString();
    }
}
