package dev.gatun.cli;

import dev.gatun.config.TrainedModel;
import dev.gatun.train.Predictions;
import dev.gatun.train.metrics.CsvCell;
import dev.gatun.train.metrics.MetricsLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gatun eval RUN1 RUN2 ...}'s comparison: each member's score and the ensemble's on the same
 * examples, one row each (accuracy and loss for classes; MSE and MAE for regression), as a printed
 * table and as {@value #CSV}.
 *
 * @param rows the members' rows, then the ensemble's
 * @param classes whether the scores are accuracy and loss (else MSE and MAE)
 */
record EnsembleTable(List<Row> rows, boolean classes) {
    /** The file {@code --out} writes the table to. */
    static final String CSV = "members.csv";

    /** One model's row: its path (or "ensemble"), config name and two scores. */
    record Row(String model, String config, double first, double second) {}

    static EnsembleTable of(List<Path> paths, List<TrainedModel> members, List<Predictions> each, Predictions ensemble) {
        boolean classes = ensemble.labels() != null;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            rows.add(row(paths.get(i).toString(), members.get(i).config().name(), each.get(i), classes));
        }
        rows.add(row("ensemble", "soft voting of " + members.size(), ensemble, classes));
        return new EnsembleTable(List.copyOf(rows), classes);
    }

    private static Row row(String model, String config, Predictions p, boolean classes) {
        return classes ? new Row(model, config, p.confusion().accuracy(), p.crossEntropy())
                : new Row(model, config, p.regression().mse(), p.regression().mae());
    }

    void print(PrintWriter out) {
        int width = Math.max(5, rows.stream().mapToInt(r -> r.model().length()).max().orElse(5));
        int configWidth = Math.max(6, rows.stream().mapToInt(r -> r.config().length()).max().orElse(6));
        String format = "%-" + width + "s  %-" + configWidth + "s %10s %10s%n";
        out.printf(Locale.ROOT, format, "model", "config", classes ? "accuracy" : "mse", classes ? "loss" : "mae");
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, r.model(), r.config(), MetricsLog.number(r.first()),
                    MetricsLog.number(r.second()));
        }
        double mean = rows.subList(0, rows.size() - 1).stream().mapToDouble(Row::first).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "members' mean %s: %s, ensemble: %s%n", classes ? "accuracy" : "mse",
                MetricsLog.number(mean), MetricsLog.number(rows.getLast().first()));
    }

    String csv() {
        StringBuilder sb = new StringBuilder(CsvCell.line(List.of("model", "config", classes ? "accuracy" : "mse",
                classes ? "loss" : "mae")));
        for (Row r : rows) {
            sb.append(CsvCell.line(List.of(r.model(), r.config(), CsvCell.number(r.first()), CsvCell.number(r.second()))));
        }
        return sb.toString();
    }
}
