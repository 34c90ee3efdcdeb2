package dev.gatun.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several trained networks answering as one by soft voting: a classifier ensemble's class
 * probabilities are the mean of its members' probabilities (regression: the mean of their
 * values), and its class is the most probable one of that mean.
 *
 * <pre>{@code
 * try (Ensemble e = Ensemble.of(List.of(TrainedModel.predictor(a), TrainedModel.predictor(b)))) {
 *     float[] probabilities = e.predict(row);   // mean of a's and b's
 *     Prediction best = e.classify(row);
 * }
 * }</pre>
 *
 * <p>Each member applies its own preprocessing to the raw rows, so members trained with different
 * fitted statistics (different seeds, different folds) combine correctly. The members must agree on
 * the input shape and on the classes (names and order); an ensemble owns them and closes them in
 * {@link #close()}. Like a {@link Predictor}, an ensemble is safe to share between threads.
 *
 * <p>Exactly: probability {@code c} of a row is {@code (float) (Σ_m (double) p_m[c] / M)}, the
 * members' float probabilities summed in member order in double and divided by their number.
 */
public final class Ensemble implements AutoCloseable {
    private final List<Predictor> members;

    private Ensemble(List<Predictor> members) {
        this.members = members;
    }

    /**
     * An ensemble of {@code members}, which it owns from now on (also when this throws, it closes them).
     *
     * @param members the networks, at least one
     * @return the ensemble
     * @throws IllegalArgumentException naming the member that differs from the first in input shape,
     *     in being a classifier, or in its classes
     */
    public static Ensemble of(List<Predictor> members) {
        List<Predictor> copy = List.copyOf(members);
        try {
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("an ensemble needs at least one member");
            }
            Predictor first = copy.getFirst();
            for (Predictor p : copy.subList(1, copy.size())) {
                String problem = mismatch(first, p);
                if (problem != null) {
                    throw new IllegalArgumentException("ensemble member " + p.name() + ": " + problem);
                }
            }
            return new Ensemble(copy);
        } catch (RuntimeException e) {
            copy.forEach(Predictor::close);
            throw e;
        }
    }

    /**
     * How {@code member} differs from {@code first} in what an ensemble needs shared, or null when
     * it does not.
     *
     * @param first the ensemble's first member
     * @param member another member
     * @return the difference in words, or null
     */
    static String mismatch(Predictor first, Predictor member) {
        if (!Arrays.equals(first.inputShape(), member.inputShape())) {
            return "input shape " + Arrays.toString(member.inputShape()) + " differs from "
                    + Arrays.toString(first.inputShape()) + " of " + first.name();
        }
        if (first.classification() != member.classification()) {
            return (member.classification() ? "a classifier" : "a regression network") + ", but " + first.name()
                    + " is " + (first.classification() ? "a classifier" : "a regression network");
        }
        if (!first.classNames().equals(member.classNames())) {
            return "classes " + member.classNames() + " differ from " + first.classNames() + " of " + first.name();
        }
        return null;
    }

    /** {@return the members, in the order their outputs are summed} */
    public List<Predictor> members() {
        return members;
    }

    /** {@return one example's shape, shared by the members} */
    public int[] inputShape() {
        return members.getFirst().inputShape();
    }

    /** {@return whether the members are classifiers} */
    public boolean classification() {
        return members.getFirst().classification();
    }

    /** {@return one name per class; empty for regression} */
    public List<String> classNames() {
        return members.getFirst().classNames();
    }

    /**
     * The mean of the members' class probabilities (or values) for one raw example.
     *
     * @param row one raw example's values
     * @return the mean class probabilities or values
     */
    public float[] predict(float[] row) {
        return predict(new float[][] {row})[0];
    }

    /**
     * {@link #predict(float[])} of each row; each member runs the rows as one batch.
     *
     * @param rows raw examples, one per row
     * @return the mean class probabilities or values, one row per example
     */
    public float[][] predict(float[][] rows) {
        if (rows.length == 0) {
            return new float[0][];
        }
        double[][] sum = null;
        for (Predictor p : members) {
            float[][] out = p.predict(rows);
            if (sum == null) {
                sum = new double[rows.length][out[0].length];
            }
            for (int i = 0; i < rows.length; i++) {
                if (out[i].length != sum[i].length) {
                    throw new IllegalStateException("ensemble member " + p.name() + " gives " + out[i].length
                            + " outputs per example, " + members.getFirst().name() + " gives " + sum[i].length);
                }
                for (int c = 0; c < out[i].length; c++) {
                    sum[i][c] += out[i][c];
                }
            }
        }
        float[][] mean = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            mean[i] = new float[sum[i].length];
            for (int c = 0; c < sum[i].length; c++) {
                mean[i][c] = (float) (sum[i][c] / members.size());
            }
        }
        return mean;
    }

    /**
     * The most probable class of the mean probabilities of one raw example.
     *
     * @param row one raw example's values
     * @return the predicted class and its mean probability
     */
    public Prediction classify(float[] row) {
        return classify(new float[][] {row}).getFirst();
    }

    /**
     * {@link #classify(float[])} of each row.
     *
     * @param rows raw examples, one per row
     * @return the predicted classes, one per row
     */
    public List<Prediction> classify(float[][] rows) {
        if (!classification()) {
            throw new IllegalStateException("ensemble of " + members.size() + ": regression networks have no classes; "
                    + "use predict");
        }
        List<Prediction> out = new ArrayList<>(rows.length);
        for (float[] p : predict(rows)) {
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            out.add(new Prediction(best, classNames().get(best), p[best]));
        }
        return out;
    }

    /** Closes every member. */
    @Override
    public void close() {
        members.forEach(Predictor::close);
    }

    @Override
    public String toString() {
        return "Ensemble[" + members.size() + " members, input " + Arrays.toString(inputShape()) + ", "
                + (classification() ? classNames().size() + " classes" : "regression") + "]";
    }
}
