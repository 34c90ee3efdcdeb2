package dev.gatun.train;

/**
 * A data set's mean loss and accuracy with the model's outputs over it, from one pass
 * ({@link Trainer#evaluateWithPredictions}).
 *
 * @param evaluation the mean loss and accuracy
 * @param predictions the outputs with the labels or targets
 */
public record EvaluationWithPredictions(Evaluation evaluation, Predictions predictions) {}
