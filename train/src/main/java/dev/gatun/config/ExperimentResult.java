package dev.gatun.config;

import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.RunFolder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one experiment produced: its run folder, one entry per epoch trained, and the metrics
 * measured once at the end ({@code test_loss}, {@code test_accuracy} when there is a test set;
 * {@code val_loss}, {@code val_accuracy} when there is a validation set), in that order.
 *
 * @param config the experiment's config
 * @param folder the run folder
 * @param history the metrics of each epoch trained
 * @param finalMetrics the metrics measured once at the end, by name
 */
public record ExperimentResult(ExperimentConfig config, RunFolder folder, List<EpochMetrics> history,
                               Map<String, Double> finalMetrics) {
    /** Copies the history and the final metrics. */
    public ExperimentResult {
        history = List.copyOf(history);
        finalMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(finalMetrics));
    }

    /**
     * A final metric by name, NaN when it was not measured.
     *
     * @param name the metric's name, e.g. {@code test_accuracy}
     * @return the value, or NaN
     */
    public double metric(String name) {
        return finalMetrics.getOrDefault(name, Double.NaN);
    }
}
