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

    /**
     * The context of an epoch that just ended.
     *
     * @param trainer the trainer running the epoch
     * @param epochs the number of epochs {@code fit} was asked for
     * @param metrics the epoch's standard metrics
     */
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

    /** {@return the epoch that just ended, 1-based} */
    public int epoch() {
        return metrics.epoch();
    }

    /** {@return the number of epochs {@code fit} was asked for} */
    public int epochs() {
        return epochs;
    }

    /** {@return the epoch's standard metrics} */
    public EpochMetrics metrics() {
        return metrics;
    }

    /**
     * A metric by name; NaN when it was not measured (no validation set).
     *
     * @param name the metric's name
     * @return the value, or NaN
     */
    public double metric(String name) {
        Double v = named.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric named '" + name + "' at epoch " + epoch() + "; known: "
                    + named.keySet());
        }
        return v;
    }

    /**
     * Adds or replaces a named metric for the callbacks that run after this one.
     *
     * @param name the metric's name
     * @param value the metric's value
     */
    public void putMetric(String name, double value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric name must not be blank");
        }
        named.put(name, value);
    }

    /** {@return the names {@link #metric} knows} */
    public Set<String> metricNames() {
        return Set.copyOf(named.keySet());
    }

    /** {@return the trainer, to change its optimizer or stop it} */
    public Trainer trainer() {
        return trainer;
    }

    /** {@return the optimizer the next batch will step} */
    public Optimizer optimizer() {
        return trainer.optimizer();
    }

    /**
     * Sets the current optimizer's learning rate for the following steps.
     *
     * @param lr the learning rate
     */
    public void setLearningRate(double lr) {
        trainer.optimizer().setLearningRate(lr);
    }

    /**
     * Replaces the optimizer for the following epochs.
     *
     * @param optimizer the new optimizer
     */
    public void setOptimizer(Optimizer optimizer) {
        trainer.setOptimizer(optimizer);
    }

    /** Ends {@code fit} after this epoch's callbacks. */
    public void requestStop() {
        trainer.requestStop();
    }
}
