package dev.gatun.train;

/** Mean loss and accuracy over a whole data set. */
public record Evaluation(double loss, double accuracy, int samples) {}
