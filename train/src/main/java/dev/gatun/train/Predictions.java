package dev.gatun.train;

import dev.gatun.autograd.Autograd;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Module;
import dev.gatun.predict.ClassProbabilities;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.RegressionMetrics;
import dev.gatun.train.metrics.TopKAccuracy;
import java.util.Arrays;

/**
 * A model's outputs over a whole data set, with the data set's labels or targets: what
 * evaluation, the confusion matrix and {@code gatun predict} are computed from.
 *
 * @param count the number of examples
 * @param width the outputs per example
 * @param outputs row-major [count, width]: logits for a classifier, values for regression
 * @param labels the int32 class labels [count], or null for regression targets
 * @param targets the float targets [count * width], or null for class labels
 */
public record Predictions(int count, int width, double[] outputs, int[] labels, double[] targets) {
    /**
     * Runs {@code model} over {@code data} in its order, without recording gradients and in
     * evaluation mode (dropout off, batch norm on running statistics); restores the mode after.
     *
     * @param model the model to run
     * @param data the data, in the order run
     * @return the outputs with the labels or targets
     */
    public static Predictions of(Module model, DataLoader data) {
        Collector collector = new Collector(data);
        int[] order = data.order(0);
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int b = 0; b < data.batchCount(); b++) {
                try (Scope step = Scope.open("predict step")) {
                    DataLoader.Batch batch = data.batch(order, b);
                    collector.add(model.forward(batch.features().to(model.device())), batch);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return collector.finish();
    }

    /** Gathers a model's outputs batch by batch, in the data's order, with the batches' labels or targets. */
    static final class Collector {
        private final boolean classes;
        private final int n;
        private final int[] labels;
        private double[] outputs;
        private double[] targets;
        private int width = -1;
        private int seen;

        Collector(DataLoader data) {
            classes = data.dataset().targetDType() == DType.INT32;
            n = data.samplesPerEpoch();
            labels = classes ? new int[n] : null;
        }

        /** Copies out one batch's outputs and labels. */
        void add(Tensor out, DataLoader.Batch batch) {
            int rows = batch.size();
            double[] o = out.contiguous().toDoubleArray();
            if (width < 0) {
                width = o.length / rows;
                outputs = new double[n * width];
                targets = classes ? null : new double[n * width];
            }
            if (o.length != rows * width) {
                throw new IllegalStateException("the model gave " + out.describe() + " for a batch of " + rows);
            }
            System.arraycopy(o, 0, outputs, seen * width, o.length);
            if (classes) {
                System.arraycopy(batch.labels().toIntArray(), 0, labels, seen, rows);
            } else {
                double[] t = batch.labels().contiguous().toDoubleArray();
                if (t.length != o.length) {
                    throw new IllegalArgumentException("the model outputs " + width + " values per example but "
                            + "the targets have " + t.length / rows);
                }
                System.arraycopy(t, 0, targets, seen * width, t.length);
            }
            seen += rows;
        }

        /** The predictions gathered. */
        Predictions finish() {
            if (width < 0) {
                throw new IllegalArgumentException("no examples to predict");
            }
            return new Predictions(seen, width, outputs, labels, targets);
        }
    }

    /**
     * Whether every output of example {@code i} is finite (no NaN, no infinity).
     *
     * @param i the example, 0-based in prediction order
     * @return true when all its outputs are finite
     */
    public boolean finite(int i) {
        for (int j = i * width; j < (i + 1) * width; j++) {
            if (!Double.isFinite(outputs[j])) {
                return false;
            }
        }
        return true;
    }

    /** {@return how many examples have an output that is NaN or infinite} */
    public int nonFiniteCount() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += finite(i) ? 0 : 1;
        }
        return n;
    }

    /**
     * The predicted class of each example: the first maximum of its logits. NaN never compares
     * greater, so an example with NaN logits still gets a class; {@link #finite} tells them apart.
     *
     * @return each example's class index, in prediction order
     */
    public int[] predictedClasses() {
        int[] p = new int[count];
        for (int i = 0; i < count; i++) {
            p[i] = ClassProbabilities.best(outputs, i * width, width);
        }
        return p;
    }

    /**
     * The softmax of example {@code i}'s logits.
     *
     * @param i the example's index
     * @return one probability per class
     */
    public double[] probabilities(int i) {
        return ClassProbabilities.softmax(outputs, i * width, width);
    }

    /** {@return the mean cross-entropy of the logits against the labels (log-softmax in double)} */
    public double crossEntropy() {
        requireLabels();
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < width; c++) {
                max = Math.max(max, outputs[i * width + c]);
            }
            double z = 0;
            for (int c = 0; c < width; c++) {
                z += Math.exp(outputs[i * width + c] - max);
            }
            sum += max + Math.log(z) - outputs[i * width + labels[i]];
        }
        return sum / count;
    }

    /** {@return the confusion matrix of a classifier's predictions} */
    public ConfusionMatrix confusion() {
        requireLabels();
        return ConfusionMatrix.of(predictedClasses(), labels, width);
    }

    /**
     * Top-k accuracy (ties as {@link TopKAccuracy}).
     *
     * @param k the number of top classes that count
     * @return the fraction of examples whose class is among the k highest logits
     */
    public double topK(int k) {
        requireLabels();
        return TopKAccuracy.of(outputs, width, labels, k);
    }

    /** {@return MSE, MAE and R² of a regression model's outputs against the targets} */
    public RegressionMetrics regression() {
        if (targets == null) {
            throw new IllegalStateException("these are class predictions; regression metrics need float targets");
        }
        return RegressionMetrics.of(Arrays.copyOf(outputs, count * width), Arrays.copyOf(targets, count * width));
    }

    private void requireLabels() {
        if (labels == null) {
            throw new IllegalStateException("these are regression outputs; class metrics need int32 labels");
        }
    }
}
