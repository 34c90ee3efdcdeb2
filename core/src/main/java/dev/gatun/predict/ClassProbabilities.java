package dev.gatun.predict;

/**
 * Class probabilities and the predicted class from a classifier's logits, computed one way for
 * every reader ({@link Predictor}, evaluation, {@code gatun predict}) so they agree to the bit.
 */
public final class ClassProbabilities {
    private ClassProbabilities() {}

    /**
     * The softmax of {@code logits[from, from + width)}, in double (max subtracted first).
     *
     * @param logits the logits of one or more examples
     * @param from the index of the example's first logit
     * @param width the number of classes
     * @return the probabilities, one per class
     */
    public static double[] softmax(double[] logits, int from, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < width; c++) {
            max = Math.max(max, logits[from + c]);
        }
        double[] p = new double[width];
        double sum = 0;
        for (int c = 0; c < width; c++) {
            p[c] = Math.exp(logits[from + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < width; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /**
     * The predicted class of {@code logits[from, from + width)}: the first maximum.
     *
     * @param logits the logits of one or more examples
     * @param from the index of the example's first logit
     * @param width the number of classes
     * @return the class index, in [0, width)
     */
    public static int best(double[] logits, int from, int width) {
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (logits[from + c] > logits[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
