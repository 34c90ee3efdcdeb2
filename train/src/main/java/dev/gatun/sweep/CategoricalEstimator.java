package dev.gatun.sweep;

import java.util.SplittableRandom;

/**
 * Smoothed counts over a categorical parameter's values, as Optuna's TPE builds them: each
 * observation is a kernel putting 1 + prior/K on its own value and prior/K on every other (then
 * normalized), mixed by the observations' weights with a uniform prior kernel.
 */
final class CategoricalEstimator {
    private final double[] probabilities;

    /**
     * @param observations the observed values' indices
     * @param weights each observation's weight
     * @param choices K, how many values there are
     * @param priorWeight the prior's weight beside the observations'
     */
    CategoricalEstimator(int[] observations, double[] weights, int choices, double priorWeight) {
        probabilities = new double[choices];
        double total = priorWeight;
        for (double w : weights) {
            total += w;
        }
        double smoothing = priorWeight / choices;
        for (int i = 0; i < observations.length; i++) {
            double w = weights[i] / total;
            for (int c = 0; c < choices; c++) {
                double kernel = ((c == observations[i] ? 1 : 0) + smoothing) / (1 + priorWeight);
                probabilities[c] += w * kernel;
            }
        }
        for (int c = 0; c < choices; c++) {
            probabilities[c] += priorWeight / total / choices;
        }
    }

    /** A value's index, drawn by probability. */
    int sample(SplittableRandom rng) {
        double u = rng.nextDouble();
        double running = 0;
        for (int c = 0; c < probabilities.length; c++) {
            running += probabilities[c];
            if (u < running) {
                return c;
            }
        }
        return probabilities.length - 1;
    }

    /** The log probability of value {@code c}. */
    double logProbability(int c) {
        return Math.log(probabilities[c]);
    }
}
