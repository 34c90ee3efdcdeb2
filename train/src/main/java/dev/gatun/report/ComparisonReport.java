package dev.gatun.report;

import dev.gatun.train.metrics.CsvCell;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.knowm.xchart.XYChart;

/**
 * Compares finished runs by one metric of the model each saved: a ranking table (run, config
 * facts, the metric's value and where it comes from, final test metrics, time) and the metric's
 * curves, and validation loss's, overlaid on one chart each. The value is that of the saved
 * weights ({@code model.safetensors}): the final evaluation, which measures them, else the last
 * epoch's; never a better epoch whose weights were not kept. Runs that failed are listed as failed
 * and left out of the ranking. Writes {@code comparison.html} (self-contained),
 * {@code comparison.md}, {@code comparison.csv} and the charts' PNGs into the output folder.
 */
public final class ComparisonReport {
    /** The self-contained HTML report's file name. */
    public static final String HTML_FILE = "comparison.html";
    /** The Markdown report's file name. */
    public static final String MARKDOWN_FILE = "comparison.md";
    /** The CSV table's file name. */
    public static final String CSV_FILE = "comparison.csv";

    /** The parallel-coordinates plot's file name (written when hyperparameters differ). */
    public static final String PARALLEL_COORDINATES = "compare-parallel-coordinates.png";

    private ComparisonReport() {}

    /**
     * Ranks the runs in {@code runFolders} by the value of {@code metric} (an epoch column such as
     * {@code val_accuracy}, or a final metric such as {@code test_accuracy}) for the weights each
     * saved, and writes the report into {@code outDir}, created if needed. Runs that failed are
     * listed but not ranked.
     *
     * @param outDir the folder the report is written into
     * @param runFolders the run folders to compare
     * @param metric the metric to rank by
     * @param higherIsBetter whether the highest value ranks first
     * @return the ranking
     * @throws IllegalArgumentException naming the folder that has no {@code metrics.json}, or a
     *     finished run with no finite value of the metric, or when every run failed, before
     *     anything is written
     * @throws IOException when a file cannot be read or written
     */
    public static Comparison write(Path outDir, List<Path> runFolders, String metric, boolean higherIsBetter)
            throws IOException {
        if (runFolders == null || runFolders.isEmpty()) {
            throw new IllegalArgumentException("comparison: no run folders given");
        }
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("comparison: the metric to rank by must not be blank");
        }
        List<RunMetrics> runs = new ArrayList<>();
        List<Comparison.Entry> entries = new ArrayList<>();
        List<Comparison.Failed> failed = new ArrayList<>();
        for (Path folder : runFolders) {
            Optional<String> failure = RunCompletion.failure(folder);
            if (failure.isPresent()) {
                failed.add(new Comparison.Failed(nameOf(folder), folder, failure.get()));
                continue;
            }
            RunMetrics m = RunMetrics.read(folder);
            runs.add(m);
            entries.add(entry(m, metric));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("comparison: no run to rank, every one failed: "
                    + failed.stream().map(f -> f.folder() + " (" + f.reason() + ")").toList());
        }
        Comparator<Comparison.Entry> byValue = Comparator.comparingDouble(Comparison.Entry::value);
        List<Comparison.Entry> ranking = new ArrayList<>(entries);
        ranking.sort(higherIsBetter ? byValue.reversed() : byValue);
        Comparison comparison = new Comparison(metric, higherIsBetter, ranking, failed);

        Files.createDirectories(outDir);
        RunFolder out = RunFolder.open(outDir);
        Columns columns = Columns.of(ranking);
        out.writeAtomically(CSV_FILE, csv(comparison, columns).getBytes(StandardCharsets.UTF_8));
        out.writeAtomically(MARKDOWN_FILE, markdown(comparison, columns).getBytes(StandardCharsets.UTF_8));
        out.writeAtomically(HTML_FILE, html(outDir, comparison, columns, runs));
        return comparison;
    }

    /** What {@link RunMetrics#name()} calls a folder, for runs whose metrics cannot be read. */
    private static String nameOf(Path folder) {
        return folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
    }

    /**
     * The run's value of the metric for the weights it saved: the final evaluation's (validation
     * and test metrics are measured on those weights when training ends), else the last epoch's.
     */
    private static Comparison.Entry entry(RunMetrics m, String metric) {
        double value = m.finalMetrics().getOrDefault(metric, Double.NaN);
        int epoch = 0;
        if (!Double.isFinite(value) && !m.epochs().isEmpty()) {
            RunMetrics.Epoch last = m.epochs().getLast();
            value = last.value(metric);
            epoch = last.epoch();
        }
        if (!Double.isFinite(value)) {
            Set<String> known = new LinkedHashSet<>(m.metricNames());
            known.addAll(m.finalMetrics().keySet());
            throw new IllegalArgumentException("run folder " + m.folder() + ": " + RunMetrics.FILE
                    + " has no finite value of metric '" + metric + "' for its saved model (final or last epoch);"
                    + " known metrics: " + known);
        }
        return new Comparison.Entry(m.name(), m.folder(), value, epoch, m.run(), m.finalMetrics(), m.totalSeconds());
    }

    /**
     * The table's variable columns: run facts and final metrics present in any run, in first-seen
     * order, and the hyperparameters that differ between the runs.
     */
    private record Columns(List<String> facts, List<String> finals, HyperParameterColumns params) {
        static Columns of(List<Comparison.Entry> ranking) throws IOException {
            Set<String> facts = new LinkedHashSet<>();
            Set<String> finals = new LinkedHashSet<>();
            for (Comparison.Entry e : ranking) {
                facts.addAll(e.facts().keySet());
                finals.addAll(e.finalMetrics().keySet());
            }
            return new Columns(List.copyOf(facts), List.copyOf(finals),
                    HyperParameterColumns.of(ranking.stream().map(Comparison.Entry::folder).toList()));
        }

        List<String> header(String metric) {
            List<String> h = new ArrayList<>(List.of("rank", "run", metric + " (saved model)", "from"));
            finals.forEach(f -> h.add("final " + f));
            h.addAll(params.names());
            h.add("seconds");
            h.addAll(facts);
            return h;
        }

        List<String> row(int rank, Comparison.Entry e, boolean forCsv) {
            List<String> r = new ArrayList<>(List.of(Integer.toString(rank), e.name(),
                    forCsv ? MetricText.csv(e.value()) : MetricText.cell(e.value()),
                    e.epoch() == 0 ? "final" : "epoch " + e.epoch()));
            for (String f : finals) {
                double v = e.finalMetrics().getOrDefault(f, Double.NaN);
                r.add(forCsv ? MetricText.csv(v) : MetricText.cell(v));
            }
            params.names().forEach(n -> r.add(params.value(e.folder(), n)));
            r.add(forCsv ? MetricText.csv(e.seconds()) : MetricText.cell(e.seconds()));
            facts.forEach(k -> r.add(e.facts().getOrDefault(k, "")));
            return r;
        }

        /** A failed run's row: "failed" for its rank, the reason in the value's place, the rest empty. */
        List<String> failedRow(Comparison.Failed f, int width) {
            List<String> r = new ArrayList<>(List.of("failed", f.name(), f.reason()));
            while (r.size() < width) {
                r.add("");
            }
            return r;
        }
    }

    /** How the ranking reads the metric, said once under the table's title. */
    private static String rankingRule(Comparison c) {
        return "Each run is ranked by " + c.metric() + " for the weights it saved (model.safetensors): its final"
                + " evaluation, or else its last epoch. A better epoch earlier in a run does not count, since its"
                + " weights were not kept (early_stopping.restore_best keeps them, and the final evaluation then"
                + " measures them)." + (c.failed().isEmpty() ? "" : " Failed runs are listed, not ranked.");
    }

    private static String bestSentence(Comparison c) {
        Comparison.Entry b = c.best();
        return String.format(Locale.ROOT, "Best run by %s of the saved model (%s is better): %s, %s%s.", c.metric(),
                c.higherIsBetter() ? "higher" : "lower", b.name(), MetricText.cell(b.value()),
                b.epoch() == 0 ? " (final evaluation)" : " (last epoch, " + b.epoch() + ")");
    }

    private static String csv(Comparison c, Columns columns) {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("rank", "run", c.metric(), "epoch"));
        columns.finals().forEach(f -> header.add("final_" + f));
        header.addAll(columns.params().names());
        header.add("seconds");
        header.addAll(columns.facts());
        sb.append(CsvCell.line(header));
        for (int i = 0; i < c.ranking().size(); i++) {
            List<String> row = columns.row(i + 1, c.ranking().get(i), true);
            // The CSV's epoch column is a number; empty for the final evaluation.
            row.set(3, c.ranking().get(i).epoch() == 0 ? "" : Integer.toString(c.ranking().get(i).epoch()));
            sb.append(CsvCell.line(row));
        }
        for (Comparison.Failed f : c.failed()) {
            List<String> row = columns.failedRow(f, header.size());
            // The metric column stays numeric (NaN); the reason is in the epoch column's place.
            row.set(2, "NaN");
            row.set(3, f.reason());
            sb.append(CsvCell.line(row));
        }
        return sb.toString();
    }

    private static String markdown(Comparison c, Columns columns) {
        StringBuilder sb = new StringBuilder("# Comparison by ").append(c.metric()).append("\n\n")
                .append(bestSentence(c)).append("\n\n").append(rankingRule(c)).append("\n\n");
        List<String> header = columns.header(c.metric());
        markdownLine(sb, header);
        sb.append("|---".repeat(header.size())).append("|\n");
        for (int i = 0; i < c.ranking().size(); i++) {
            markdownLine(sb, columns.row(i + 1, c.ranking().get(i), false));
        }
        for (Comparison.Failed f : c.failed()) {
            markdownLine(sb, columns.failedRow(f, header.size()));
        }
        return sb.toString();
    }

    private static void markdownLine(StringBuilder sb, List<String> cells) {
        for (String s : cells) {
            sb.append("| ").append(s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")).append(' ');
        }
        sb.append("|\n");
    }

    private static byte[] html(Path outDir, Comparison c, Columns columns, List<RunMetrics> runs) throws IOException {
        HtmlPage page = new HtmlPage("Comparison by " + c.metric());
        page.paragraph(bestSentence(c));
        page.paragraph(rankingRule(c));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < c.ranking().size(); i++) {
            rows.add(columns.row(i + 1, c.ranking().get(i), false));
        }
        int width = columns.header(c.metric()).size();
        c.failed().forEach(f -> rows.add(columns.failedRow(f, width)));
        page.table(columns.header(c.metric()), rows, 0);
        parallelCoordinates(page, outDir, c, columns.params());
        page.heading(2, "Curves");
        overlay(page, outDir, c.metric(), runs);
        if (!c.metric().equals("val_loss")) {
            overlay(page, outDir, "val_loss", runs);
        }
        return page.bytes();
    }

    /** The parallel-coordinates plot of the differing hyperparameters and the metric, when some differ. */
    private static void parallelCoordinates(HtmlPage page, Path outDir, Comparison c, HyperParameterColumns params)
            throws IOException {
        if (params.names().isEmpty() || c.ranking().size() < 2) {
            return;
        }
        page.heading(2, "Hyperparameters");
        if (!ChartRuntime.AVAILABLE) {
            page.paragraph(ChartRuntime.UNAVAILABLE);
            return;
        }
        List<String> labels = new ArrayList<>(params.names());
        labels.add(c.metric());
        List<List<String>> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int[] rank = new int[c.ranking().size()];
        for (int i = 0; i < rank.length; i++) {
            Comparison.Entry e = c.ranking().get(i);
            List<String> row = new ArrayList<>();
            params.names().forEach(n -> row.add(params.value(e.folder(), n)));
            row.add(Double.toString(e.value()));
            values.add(row);
            names.add(e.name());
            rank[i] = i;
        }
        page.image("parallel coordinates: hyperparameters and " + c.metric() + " by run",
                ChartPng.write(outDir, PARALLEL_COORDINATES, ChartPng.encode(ParallelCoordinates.draw(
                        "Hyperparameters and " + c.metric() + " (" + (c.higherIsBetter() ? "higher" : "lower")
                                + " is better)", ParallelCoordinates.axes(labels, values), rank, names))));
    }

    private static void overlay(HtmlPage page, Path outDir, String metric, List<RunMetrics> runs) throws IOException {
        if (!ChartRuntime.AVAILABLE) {
            page.paragraph(ChartRuntime.UNAVAILABLE);
            return;
        }
        Optional<XYChart> chart = CurvePlots.overlay(metric, runs);
        if (chart.isPresent()) {
            String file = "compare-" + metric.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
            page.image(metric + " by run", ChartPng.write(outDir, file, chart.get()));
        }
    }
}
