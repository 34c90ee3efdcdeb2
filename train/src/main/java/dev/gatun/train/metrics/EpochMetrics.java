package dev.gatun.train.metrics;

/**
 * What one training epoch achieved: the running training loss and accuracy, loss and accuracy on
 * the validation set, and the learning rate the epoch ended with. Accuracies are fractions in
 * [0, 1]; a value that was not measured (no validation set, regression targets) is {@code NaN}.
 *
 * @param epoch the epoch, 1-based
 * @param trainLoss the running mean training loss
 * @param trainAccuracy the running training accuracy
 * @param valLoss the validation loss
 * @param valAccuracy the validation accuracy
 * @param learningRate the learning rate at the epoch's end
 * @param seconds the epoch's wall time in seconds
 * @param samplesPerSecond the training examples per second
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss,
        double valAccuracy, double learningRate, double seconds, double samplesPerSecond) {
    /** Checks that the epoch is not negative. */
    public EpochMetrics {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }
}
