package dev.gatun.train.metrics;

import dev.gatun.tensor.Tensor;
import java.util.Arrays;

/**
 * Mean squared error, mean absolute error and the coefficient of determination
 * R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² of predictions against targets, accumulated in double. When
 * the targets are all equal (Σ(y − ȳ)² = 0), R² is 1 for a perfect fit and 0 otherwise, as
 * scikit-learn's r2_score with force_finite.
 *
 * @param mse the mean squared error
 * @param mae the mean absolute error
 * @param r2 the coefficient of determination
 * @param count the number of values
 */
public record RegressionMetrics(double mse, double mae, double r2, long count) {
    /**
     * From predictions and targets of the same length (at least one).
     *
     * @param predicted the predictions
     * @param truth the targets
     * @return the metrics
     */
    public static RegressionMetrics of(double[] predicted, double[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("predicted has " + predicted.length + " values but truth has "
                    + truth.length);
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("regression metrics need at least one value");
        }
        int n = truth.length;
        double mean = Arrays.stream(truth).sum() / n;
        double se = 0;
        double ae = 0;
        double tot = 0;
        for (int i = 0; i < n; i++) {
            double d = truth[i] - predicted[i];
            se += d * d;
            ae += Math.abs(d);
            tot += (truth[i] - mean) * (truth[i] - mean);
        }
        double r2 = tot == 0 ? (se == 0 ? 1 : 0) : 1 - se / tot;
        return new RegressionMetrics(se / n, ae / n, r2, n);
    }

    /**
     * From tensors with the same shape (any rank; every element is one value).
     *
     * @param predicted the predictions
     * @param truth the targets
     * @return the metrics
     */
    public static RegressionMetrics of(Tensor predicted, Tensor truth) {
        if (!Arrays.equals(predicted.shape(), truth.shape())) {
            throw new IllegalArgumentException("predicted " + predicted.describe() + " and truth " + truth.describe()
                    + " have different shapes");
        }
        return of(predicted.contiguous().toDoubleArray(), truth.contiguous().toDoubleArray());
    }
}
