package dev.gatun.train;

import java.util.Arrays;
import java.util.List;

/**
 * Several models' {@link Predictions} over the same examples, combined by soft voting: an
 * example's class probabilities are the mean of the members' softmax probabilities (summed in
 * member order, in double), its class the first most probable one; regression outputs are the mean
 * of the members' values.
 *
 * @param members each member's predictions, over the same examples in the same order
 */
public record EnsemblePredictions(List<Predictions> members) {
    /**
     * Copies the members and checks that they predict the same examples.
     *
     * @throws IllegalArgumentException when there is no member, or one differs from the first in
     *     examples, outputs per example, or labels (member numbers are 1-based)
     */
    public EnsemblePredictions {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one member");
        }
        Predictions first = members.getFirst();
        for (int m = 1; m < members.size(); m++) {
            Predictions p = members.get(m);
            if (p.count() != first.count() || p.width() != first.width()) {
                throw new IllegalArgumentException("ensemble member " + (m + 1) + " gave " + p.count() + " examples × "
                        + p.width() + " outputs, member 1 gave " + first.count() + " × " + first.width());
            }
            if (!Arrays.equals(p.labels(), first.labels())) {
                throw new IllegalArgumentException("ensemble member " + (m + 1) + " was given other labels than member 1:"
                        + " the members must be evaluated on the same examples");
            }
        }
    }

    /** {@return the number of examples} */
    public int count() {
        return members.getFirst().count();
    }

    /** {@return the outputs per example: classes, or regression values} */
    public int width() {
        return members.getFirst().width();
    }

    /**
     * The mean of the members' class probabilities for example {@code i}.
     *
     * @param i the example, 0-based
     * @return one mean probability per class
     */
    public double[] probabilities(int i) {
        double[] sum = new double[width()];
        for (Predictions p : members) {
            double[] q = p.probabilities(i);
            for (int c = 0; c < sum.length; c++) {
                sum[c] += q[c];
            }
        }
        for (int c = 0; c < sum.length; c++) {
            sum[c] /= members.size();
        }
        return sum;
    }

    /**
     * Whether every member's outputs for example {@code i} are finite.
     *
     * @param i the example, 0-based
     * @return true when no member gave it a NaN or infinite output
     */
    public boolean finite(int i) {
        return members.stream().allMatch(p -> p.finite(i));
    }

    /** {@return how many examples have a member output that is NaN or infinite} */
    public int nonFiniteCount() {
        int n = 0;
        for (int i = 0; i < count(); i++) {
            n += finite(i) ? 0 : 1;
        }
        return n;
    }

    /** {@return each example's class: the first maximum of its mean probabilities} */
    public int[] predictedClasses() {
        int[] out = new int[count()];
        for (int i = 0; i < out.length; i++) {
            double[] p = probabilities(i);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * The ensemble as one model's {@link Predictions}, for the metrics: with labels, the outputs are
     * the logarithms of the mean probabilities (valid logits whose softmax is the mean, so the
     * cross-entropy is the ensemble's negative log-likelihood); with regression targets, the mean
     * of the members' values.
     *
     * @return the combined predictions, with the first member's labels or targets
     */
    public Predictions combined() {
        Predictions first = members.getFirst();
        int n = count();
        int w = width();
        double[] outputs = new double[n * w];
        if (first.labels() != null) {
            for (int i = 0; i < n; i++) {
                double[] p = probabilities(i);
                for (int c = 0; c < w; c++) {
                    outputs[i * w + c] = Math.log(p[c]);
                }
            }
        } else {
            for (Predictions p : members) {
                for (int j = 0; j < n * w; j++) {
                    outputs[j] += p.outputs()[j];
                }
            }
            for (int j = 0; j < n * w; j++) {
                outputs[j] /= members.size();
            }
        }
        return new Predictions(n, w, outputs, first.labels(), first.targets());
    }
}
