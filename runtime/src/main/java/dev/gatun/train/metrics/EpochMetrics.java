package dev.gatun.train.metrics;

/**
 * What one training epoch achieved. Accuracies are fractions in [0, 1]; a value that was not
 * measured (e.g. no test pass) may be {@code NaN}.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss,
        double testAccuracy, double seconds, double samplesPerSecond) {
    public EpochMetrics {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }
}
