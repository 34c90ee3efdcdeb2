package dev.gatun.train;

/**
 * Mean loss and accuracy over a whole data set.
 *
 * @param loss the mean loss
 * @param accuracy the fraction classified correctly, NaN for regression
 * @param samples the number of examples
 */
public record Evaluation(double loss, double accuracy, int samples) {}
