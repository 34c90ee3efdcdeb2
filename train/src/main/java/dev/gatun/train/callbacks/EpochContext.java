package dev.gatun.train.callbacks;

import dev.gatun.optim.Optimizer;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a callback sees after an epoch: the epoch's metrics by name, and the trainer to change.
 * The built-in names are {@code train_loss}, {@code train_accuracy}, {@code val_loss},
 * {@code val_accuracy} (the validation loader given to {@code fit}) and {@code lr}; a callback
 * may {@link #putMetric add} more for the callbacks after it.
 */
public final class EpochContext {
    private final Trainer trainer;
    private final int epochs;
    private final EpochMetrics metrics;
    private final Map<String, Double> named = new LinkedHashMap<>();

    public EpochContext(Trainer trainer, int epochs, EpochMetrics metrics) {
        this.trainer = trainer;
        this.epochs = epochs;
        this.metrics = metrics;
        named.put("train_loss", metrics.trainLoss());
        named.put("train_accuracy", metrics.trainAccuracy());
        named.put("val_loss", metrics.valLoss());
        named.put("val_accuracy", metrics.valAccuracy());
        named.put("lr", trainer.optimizer().learningRate());
    }

    /** The epoch that just ended, 1-based. */
    public int epoch() {
        return metrics.epoch();
    }

    /** The number of epochs {@code fit} was asked for. */
    public int epochs() {
        return epochs;
    }

    /** The epoch's standard metrics. */
    public EpochMetrics metrics() {
        return metrics;
    }

    /** A metric by name; NaN when it was not measured (no validation set). */
    public double metric(String name) {
        Double v = named.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric named '" + name + "' at epoch " + epoch() + "; known: "
                    + named.keySet());
        }
        return v;
    }

    /** Adds or replaces a named metric for the callbacks that run after this one. */
    public void putMetric(String name, double value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric name must not be blank");
        }
        named.put(name, value);
    }

    /** The names {@link #metric} knows. */
    public Set<String> metricNames() {
        return Set.copyOf(named.keySet());
    }

    /** The trainer, to change its optimizer or stop it. */
    public Trainer trainer() {
        return trainer;
    }

    /** The optimizer the next batch will step. */
    public Optimizer optimizer() {
        return trainer.optimizer();
    }

    /** Sets the current optimizer's learning rate for the following steps. */
    public void setLearningRate(double lr) {
        trainer.optimizer().setLearningRate(lr);
    }

    /** Replaces the optimizer for the following epochs. */
    public void setOptimizer(Optimizer optimizer) {
        trainer.setOptimizer(optimizer);
    }

    /** Ends {@code fit} after this epoch's callbacks. */
    public void requestStop() {
        trainer.requestStop();
    }
}
