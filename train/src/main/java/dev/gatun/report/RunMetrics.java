package dev.gatun.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A run's {@code metrics.json} as read back from its folder: the run facts, one row of named
 * numbers per epoch and the optional {@code "final"} metrics. JSON {@code null} (a metric not
 * measured, such as accuracy for regression) reads as NaN, so plots and tables can skip it.
 *
 * @param folder the run folder the file was read from
 * @param run the {@code "run"} object's values as text, in file order
 * @param epochs one entry per epoch, in file order
 * @param finalMetrics the {@code "final"} object, empty when the run has not evaluated its test set
 */
public record RunMetrics(Path folder, Map<String, String> run, List<Epoch> epochs, Map<String, Double> finalMetrics) {
    /** The file this record is read from. */
    public static final String FILE = "metrics.json";

    /**
     * One epoch: its 1-based number and its metrics by name ({@code train_loss}, {@code lr}...).
     *
     * @param epoch the epoch, 1-based
     * @param values the metrics by name
     */
    public record Epoch(int epoch, Map<String, Double> values) {
        /** Copies the values. */
        public Epoch {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /**
         * The named value; NaN when absent or null.
         *
         * @param name the metric's name
         * @return the value, or NaN
         */
        public double value(String name) {
            return values.getOrDefault(name, Double.NaN);
        }
    }

    /**
     * The epoch holding the best value of a metric.
     *
     * @param metric the metric the value is the best of
     * @param epoch the epoch, 1-based
     * @param value the best value
     */
    public record Best(String metric, int epoch, double value) {}

    /** Copies the run facts, the epochs and the final metrics. */
    public RunMetrics {
        run = Collections.unmodifiableMap(new LinkedHashMap<>(run));
        epochs = List.copyOf(epochs);
        finalMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(finalMetrics));
    }

    /**
     * Reads {@code folder/metrics.json}.
     *
     * @param folder the run folder
     * @return the metrics
     * @throws IllegalArgumentException naming the folder when the file is missing or malformed
     */
    public static RunMetrics read(Path folder) {
        Path file = folder.resolve(FILE);
        JsonNode root = JsonFile.read(folder, FILE);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object at the top level");
        }
        Map<String, String> run = new LinkedHashMap<>();
        JsonNode runNode = root.path("run");
        if (runNode.isObject()) {
            for (Map.Entry<String, JsonNode> e : runNode.properties()) {
                // Facts are strings by contract; a number or nested value is shown as its JSON text.
                run.put(e.getKey(), e.getValue().isString() ? e.getValue().asString() : e.getValue().toString());
            }
        }
        JsonNode epochsNode = root.get("epochs");
        if (epochsNode == null || !epochsNode.isArray()) {
            throw new IllegalArgumentException(file + ": \"epochs\" must be an array");
        }
        List<Epoch> epochs = new ArrayList<>();
        for (int i = 0; i < epochsNode.size(); i++) {
            JsonNode e = epochsNode.get(i);
            String where = file + ": epochs[" + i + "]";
            if (!e.isObject() || !e.path("epoch").isIntegralNumber() || !e.path("epoch").canConvertToInt()) {
                throw new IllegalArgumentException(where + ": expected an object with an integer \"epoch\"");
            }
            Map<String, Double> values = numbers(e, where);
            values.remove("epoch");
            epochs.add(new Epoch(e.get("epoch").intValue(), values));
        }
        JsonNode finalNode = root.get("final");
        Map<String, Double> finals = finalNode != null && finalNode.isObject()
                ? numbers(finalNode, file + ": final") : Map.of();
        return new RunMetrics(folder, run, epochs, finals);
    }

    private static Map<String, Double> numbers(JsonNode object, String where) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : object.properties()) {
            JsonNode v = p.getValue();
            if (v.isNumber()) {
                values.put(p.getKey(), v.doubleValueOpt().orElse(Double.NaN));
            } else if (v.isNull()) {
                values.put(p.getKey(), Double.NaN);
            } else if (!v.isString()) {
                throw new IllegalArgumentException(where + "." + p.getKey() + ": expected a number or null, got " + v);
            }
            // Strings (e.g. a best-model name among the final facts) are not metrics; skip them.
        }
        return values;
    }

    /** {@return the folder's name, used as the run's name in comparisons} */
    public String name() {
        return folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
    }

    /** {@return the epoch numbers, in file order} */
    public double[] epochNumbers() {
        return epochs.stream().mapToDouble(Epoch::epoch).toArray();
    }

    /**
     * The metric's value for every epoch, NaN where not measured.
     *
     * @param metric the metric's name, e.g. {@code val_accuracy}
     * @return one value per epoch
     */
    public double[] series(String metric) {
        return epochs.stream().mapToDouble(e -> e.value(metric)).toArray();
    }

    /**
     * True if some epoch has a finite value of the metric.
     *
     * @param metric the metric's name, e.g. {@code val_accuracy}
     * @return whether some epoch has a finite value of it
     */
    public boolean has(String metric) {
        for (Epoch e : epochs) {
            if (Double.isFinite(e.value(metric))) {
                return true;
            }
        }
        return false;
    }

    /** {@return every metric name some epoch carries, in first-seen order} */
    public Set<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        epochs.forEach(e -> names.addAll(e.values().keySet()));
        return names;
    }

    /**
     * The first epoch with the lowest (or highest) finite value of the metric; empty if none is finite.
     *
     * @param metric the metric's name, e.g. {@code val_accuracy}
     * @param higherIsBetter whether higher values are better
     * @return the best epoch, or empty
     */
    public Optional<Best> best(String metric, boolean higherIsBetter) {
        Best best = null;
        for (Epoch e : epochs) {
            double v = e.value(metric);
            if (Double.isFinite(v) && (best == null || (higherIsBetter ? v > best.value() : v < best.value()))) {
                best = new Best(metric, e.epoch(), v);
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@return the sum of the epochs' {@code seconds}, NaNs skipped} */
    public double totalSeconds() {
        double s = 0;
        for (double v : series("seconds")) {
            s += Double.isFinite(v) ? v : 0;
        }
        return s;
    }

    /**
     * {@return the training examples seen over all epochs: each epoch's {@code samples_per_second}
     * times its {@code seconds}, rounded; epochs missing either are skipped}
     */
    public long totalSamples() {
        long n = 0;
        for (Epoch e : epochs) {
            double rate = e.value("samples_per_second");
            double seconds = e.value("seconds");
            if (Double.isFinite(rate) && Double.isFinite(seconds)) {
                n += Math.round(rate * seconds);
            }
        }
        return n;
    }

    /**
     * The run's training speed: {@link #totalSamples()} over the seconds of the epochs they were
     * counted in. Not the mean of the epochs' rates, which a fast epoch (a warm JIT, a small last
     * one) inflates past what the run achieved.
     *
     * @return examples per second over the whole run; NaN when no epoch has both a rate and a time
     */
    public double samplesPerSecond() {
        double seconds = 0;
        boolean any = false;
        for (Epoch e : epochs) {
            double rate = e.value("samples_per_second");
            double s = e.value("seconds");
            if (Double.isFinite(rate) && Double.isFinite(s)) {
                seconds += s;
                any = true;
            }
        }
        return any && seconds > 0 ? totalSamples() / seconds : Double.NaN;
    }
}
