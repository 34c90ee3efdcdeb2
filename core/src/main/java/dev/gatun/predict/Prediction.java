package dev.gatun.predict;

/**
 * A classifier's answer for one example: the most probable class and its probability.
 *
 * @param classIndex the class, 0-based, as the network's outputs are numbered
 * @param className its name
 * @param probability its softmax probability, in [0, 1]
 */
public record Prediction(int classIndex, String className, float probability) {}
