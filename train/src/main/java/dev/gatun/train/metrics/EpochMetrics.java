package dev.gatun.train.metrics;

/**
 * What one training epoch achieved: the running training loss and accuracy, loss and accuracy on
 * the validation set, and the learning rate the epoch ended with. Accuracies are fractions in
 * [0, 1]; a value that was not measured (no validation set, regression targets) is {@code NaN}.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss,
        double valAccuracy, double learningRate, double seconds, double samplesPerSecond) {
    public EpochMetrics {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }
}
