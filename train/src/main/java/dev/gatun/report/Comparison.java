package dev.gatun.report;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link ComparisonReport#write}: runs ranked best first by one metric of the model
 * each saved, and the runs that failed, which are listed but not ranked.
 *
 * @param metric the metric runs are ranked by, e.g. {@code val_accuracy}
 * @param higherIsBetter whether the highest value ranks first
 * @param ranking every finished run, best first; ties keep the order the runs were given in
 * @param failed the runs that did not finish, in the order they were given
 */
public record Comparison(String metric, boolean higherIsBetter, List<Entry> ranking, List<Failed> failed) {
    /**
     * One run in the ranking.
     *
     * @param name the run folder's name
     * @param folder the run folder
     * @param value the metric for the weights the run saved: its final evaluation (validation and
     *     test metrics are measured on those weights at the end), else its last epoch's value
     * @param epoch the epoch {@code value} was logged in; 0 when it is from the final evaluation
     * @param facts the run's {@code "run"} facts
     * @param finalMetrics the run's final metrics; empty if it has none
     * @param seconds the run's total training time
     */
    public record Entry(String name, Path folder, double value, int epoch, Map<String, String> facts,
            Map<String, Double> finalMetrics, double seconds) {
        /** Copies the facts and the final metrics. */
        public Entry {
            facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
            finalMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(finalMetrics));
        }
    }

    /**
     * A run left out of the ranking because it did not finish.
     *
     * @param name the run folder's name
     * @param folder the run folder
     * @param reason what shows it failed, e.g. {@code no model.safetensors: it stopped after epoch 3}
     */
    public record Failed(String name, Path folder, String reason) {}

    /** Copies the ranking and the failed runs. */
    public Comparison {
        ranking = List.copyOf(ranking);
        failed = List.copyOf(failed);
    }

    /**
     * A comparison in which every run finished.
     *
     * @param metric the metric runs are ranked by
     * @param higherIsBetter whether the highest value ranks first
     * @param ranking every run, best first
     */
    public Comparison(String metric, boolean higherIsBetter, List<Entry> ranking) {
        this(metric, higherIsBetter, ranking, List.of());
    }

    /** {@return the best run by {@link #metric}} */
    public Entry best() {
        return ranking.getFirst();
    }
}
