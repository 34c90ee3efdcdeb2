package dev.gatun.config;

import dev.gatun.train.metrics.CsvCell;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a cross-validation reached: each fold's final metrics (validation on its held-out fold,
 * test on the config's test part if any), and per metric the mean and the sample standard
 * deviation (n − 1) over the folds. Written to the parent run folder as {@value #JSON},
 * {@value #CSV} and {@value #MARKDOWN}, and printed as a table.
 *
 * @param config the config's name
 * @param folds one entry per fold, in fold order
 * @param mean the mean of each metric over the folds that measured it
 * @param std the sample standard deviation of each metric (0 with one value)
 */
public record CrossValidationSummary(String config, List<Fold> folds, Map<String, Double> mean,
                                     Map<String, Double> std) {
    /** The summary's JSON file in the parent run folder. */
    public static final String JSON = "folds.json";
    /** The per-fold table, with mean and std rows, as CSV. */
    public static final String CSV = "folds.csv";
    /** The short report. */
    public static final String MARKDOWN = "folds.md";
    /** The columns of the printed table, when measured. */
    static final List<String> PRINTED = List.of("val_loss", "val_accuracy", "test_loss", "test_accuracy");

    /**
     * One fold's run.
     *
     * @param fold the fold, 1-based
     * @param run the fold's run id (its folder's name)
     * @param classCounts the held-out examples of each class, by class name (empty for regression)
     * @param metrics the fold's final metrics, by name
     */
    public record Fold(int fold, String run, Map<String, Long> classCounts, Map<String, Double> metrics) {
        /** Copies the maps, keeping their order. */
        public Fold {
            classCounts = Collections.unmodifiableMap(new LinkedHashMap<>(classCounts));
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    /** Copies the folds and statistics. */
    public CrossValidationSummary {
        folds = List.copyOf(folds);
        mean = Collections.unmodifiableMap(new LinkedHashMap<>(mean));
        std = Collections.unmodifiableMap(new LinkedHashMap<>(std));
    }

    /**
     * The summary of {@code folds}: mean and spread of every metric any fold measured (NaN values,
     * such as accuracy for regression, are left out of a metric's statistics).
     *
     * @param config the config's name
     * @param folds one entry per fold
     * @return the summary
     */
    public static CrossValidationSummary of(String config, List<Fold> folds) {
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> std = new LinkedHashMap<>();
        for (String name : metricNames(folds)) {
            List<Double> values = new ArrayList<>();
            for (Fold f : folds) {
                Double v = f.metrics().get(name);
                if (v != null && !Double.isNaN(v)) {
                    values.add(v);
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            double m = sum / values.size();
            double squares = 0;
            for (double v : values) {
                squares += (v - m) * (v - m);
            }
            mean.put(name, m);
            std.put(name, values.size() < 2 ? 0 : Math.sqrt(squares / (values.size() - 1)));
        }
        return new CrossValidationSummary(config, folds, mean, std);
    }

    /**
     * The mean of a metric over the folds, NaN when no fold measured it.
     *
     * @param name the metric, e.g. {@code val_accuracy}
     * @return the mean, or NaN
     */
    public double mean(String name) {
        return mean.getOrDefault(name, Double.NaN);
    }

    /**
     * The sample standard deviation of a metric over the folds, NaN when no fold measured it.
     *
     * @param name the metric, e.g. {@code val_accuracy}
     * @return the standard deviation, or NaN
     */
    public double std(String name) {
        return std.getOrDefault(name, Double.NaN);
    }

    /**
     * Writes {@value #JSON}, {@value #CSV} and {@value #MARKDOWN} into the parent run folder.
     *
     * @param folder the parent run folder
     * @throws IOException when a file cannot be written
     */
    public void write(RunFolder folder) throws IOException {
        folder.writeAtomically(JSON, json().getBytes(StandardCharsets.UTF_8));
        folder.writeAtomically(CSV, csv().getBytes(StandardCharsets.UTF_8));
        folder.writeAtomically(MARKDOWN, markdown().getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the summary as JSON: config, folds (run, class counts, metrics), mean and std, at full precision} */
    public String json() {
        StringBuilder sb = new StringBuilder("{\n  \"config\": ").append(quote(config))
                .append(",\n  \"folds\": ").append(folds.size()).append(",\n  \"runs\": [");
        for (int i = 0; i < folds.size(); i++) {
            Fold f = folds.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"fold\": ").append(f.fold()).append(", \"run\": ")
                    .append(quote(f.run())).append(", \"class_counts\": {");
            String sep = "";
            for (Map.Entry<String, Long> e : f.classCounts().entrySet()) {
                sb.append(sep).append(quote(e.getKey())).append(": ").append(e.getValue());
                sep = ", ";
            }
            sb.append("}, \"metrics\": ").append(numbers(f.metrics())).append('}');
        }
        sb.append("\n  ],\n  \"mean\": ").append(numbers(mean)).append(",\n  \"std\": ").append(numbers(std))
                .append("\n}\n");
        return sb.toString();
    }

    /** {@return one row per fold, then a mean and a std row; a column per metric} */
    public String csv() {
        List<String> names = metricNames(folds);
        List<String> header = new ArrayList<>(List.of("fold", "run"));
        header.addAll(names);
        StringBuilder sb = new StringBuilder(CsvCell.line(header));
        for (Fold f : folds) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(f.fold()), f.run()));
            names.forEach(n -> row.add(CsvCell.number(f.metrics().getOrDefault(n, Double.NaN))));
            sb.append(CsvCell.line(row));
        }
        for (String stat : List.of("mean", "std")) {
            List<String> row = new ArrayList<>(List.of(stat, ""));
            Map<String, Double> m = stat.equals("mean") ? mean : std;
            names.forEach(n -> row.add(CsvCell.number(m.getOrDefault(n, Double.NaN))));
            sb.append(CsvCell.line(row));
        }
        return sb.toString();
    }

    /** {@return a short Markdown report: the result in one line per metric, then the per-fold table} */
    public String markdown() {
        List<String> names = metricNames(folds);
        StringBuilder sb = new StringBuilder("# ").append(folds.size()).append("-fold cross-validation of ")
                .append(config).append("\n\nStratified by class for classifiers; each fold trains a fresh model on the "
                        + "other folds and validates on its own. Mean ± sample standard deviation over the folds:\n\n");
        for (String n : names) {
            if (mean.containsKey(n)) {
                sb.append("- ").append(n).append(": ").append(MetricsLog.number(mean.get(n))).append(" ± ")
                        .append(MetricsLog.number(std.get(n))).append('\n');
            }
        }
        sb.append("\n| fold | run | ").append(String.join(" | ", names)).append(" |\n|---|---|")
                .append("---|".repeat(names.size())).append('\n');
        for (Fold f : folds) {
            sb.append("| ").append(f.fold()).append(" | ").append(f.run()).append(" |");
            names.forEach(n -> sb.append(' ').append(MetricsLog.number(f.metrics().getOrDefault(n, Double.NaN)))
                    .append(" |"));
            sb.append('\n');
        }
        for (String stat : List.of("mean", "std")) {
            Map<String, Double> m = stat.equals("mean") ? mean : std;
            sb.append("| ").append(stat).append(" | |");
            names.forEach(n -> sb.append(' ').append(MetricsLog.number(m.getOrDefault(n, Double.NaN))).append(" |"));
            sb.append('\n');
        }
        boolean counts = folds.stream().anyMatch(f -> !f.classCounts().isEmpty());
        if (counts) {
            sb.append("\nHeld-out examples per class:\n\n");
            for (Fold f : folds) {
                sb.append("- fold ").append(f.fold()).append(": ").append(f.classCounts()).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Prints the table: a row per fold, then mean and std, with the validation and test loss and
     * accuracy that were measured.
     *
     * @param out where the table goes
     */
    public void print(PrintStream out) {
        List<String> columns = PRINTED.stream().filter(mean::containsKey).toList();
        int runWidth = Math.max(3, folds.stream().mapToInt(f -> f.run().length()).max().orElse(3));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-5s %-" + runWidth + "s", "fold", "run"));
        columns.forEach(c -> head.append(String.format(Locale.ROOT, " %13s", c)));
        out.println(head);
        for (Fold f : folds) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-5d %-" + runWidth + "s", f.fold(), f.run()));
            columns.forEach(c -> row.append(String.format(Locale.ROOT, " %13s",
                    MetricsLog.number(f.metrics().getOrDefault(c, Double.NaN)))));
            out.println(row);
        }
        StringBuilder m = new StringBuilder(String.format(Locale.ROOT, "%-5s %-" + runWidth + "s", "mean", ""));
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-5s %-" + runWidth + "s", "std", ""));
        for (String c : columns) {
            m.append(String.format(Locale.ROOT, " %13s", MetricsLog.number(mean.get(c))));
            s.append(String.format(Locale.ROOT, " %13s", MetricsLog.number(std.get(c))));
        }
        out.println(m);
        out.println(s);
    }

    private static List<String> metricNames(List<Fold> folds) {
        Set<String> names = new LinkedHashSet<>();
        folds.forEach(f -> names.addAll(f.metrics().keySet()));
        return List.copyOf(names);
    }

    private static String numbers(Map<String, Double> values) {
        StringBuilder sb = new StringBuilder("{");
        String sep = "";
        for (Map.Entry<String, Double> e : values.entrySet()) {
            // Full precision (shortest round-trip), so the file's mean is the computed one.
            double v = e.getValue();
            sb.append(sep).append(quote(e.getKey())).append(": ").append(Double.isFinite(v) ? Double.toString(v) : "null");
            sep = ", ";
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        return dev.gatun.io.JsonStrings.quote(s, true);
    }
}
