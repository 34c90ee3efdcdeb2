package dev.gatun.report;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link ComparisonReport#write}: runs ranked best first by one metric.
 *
 * @param metric the metric runs are ranked by, e.g. {@code val_accuracy}
 * @param higherIsBetter whether the highest value ranks first
 * @param ranking every run, best first; ties keep the order the runs were given in
 */
public record Comparison(String metric, boolean higherIsBetter, List<Entry> ranking) {
    /**
     * One run in the ranking.
     *
     * @param name the run folder's name
     * @param folder the run folder
     * @param bestValue the best value of the metric over the run's epochs (or its final value
     *     when the metric is only among the final metrics)
     * @param bestEpoch the epoch of {@code bestValue}; 0 when it is a final metric
     * @param facts the run's {@code "run"} facts
     * @param finalMetrics the run's final test metrics; empty if it has none
     * @param seconds the run's total training time
     */
    public record Entry(String name, Path folder, double bestValue, int bestEpoch, Map<String, String> facts,
            Map<String, Double> finalMetrics, double seconds) {
        /** Copies the facts and the final metrics. */
        public Entry {
            facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
            finalMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(finalMetrics));
        }
    }

    /** Copies the ranking. */
    public Comparison {
        ranking = List.copyOf(ranking);
    }

    /** {@return the best run by {@link #metric}} */
    public Entry best() {
        return ranking.getFirst();
    }
}
