package dev.gatun.report;

import dev.gatun.io.Utf8Text;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.XYChart;

/**
 * The report of one run: renders every plot its folder has data for ({@code loss.png},
 * {@code accuracy.png}, {@code lr.png}, {@code confusion.png}, {@code hist-*.png}) and writes
 * {@code report.html}, a single self-contained file with the run facts, config, final metrics,
 * best epoch, timing, the per-epoch table, the plots and the per-class table.
 */
public final class RunReport {
    /** The report's file name in a run folder. */
    public static final String FILE = "report.html";
    /** A decision-boundary plot the run drew ({@link DecisionBoundary}), shown when present. */
    public static final String DECISION_BOUNDARY = "decision_boundary.png";
    /** The config files shown verbatim, the first one found. */
    static final List<String> CONFIG_FILES = List.of("config.yaml", "config.yml", "config.json");

    private RunReport() {}

    /**
     * Writes the plots and {@code report.html} into {@code runFolder}; returns the report's path.
     *
     * @param runFolder the run folder
     * @return the report's path
     * @throws IllegalArgumentException naming the folder if it has no {@code metrics.json}
     * @throws IOException when a file cannot be read or written
     */
    public static Path write(Path runFolder) throws IOException {
        RunMetrics m = RunMetrics.read(runFolder);
        RunFolder folder = RunFolder.open(runFolder);
        HtmlPage page = new HtmlPage("Run report: " + m.name());

        page.heading(2, "Run");
        Map<String, String> facts = new LinkedHashMap<>(m.run());
        facts.put("epochs", Integer.toString(m.epochs().size()));
        facts.putAll(ReportFacts.now());
        page.facts(facts);
        layerSummary(page, runFolder);

        page.heading(2, "Summary");
        best(m).ifPresentOrElse(
                b -> page.paragraph(String.format(Locale.ROOT, "Best epoch: %d (lowest %s, %s).", b.epoch(),
                        b.metric(), MetricText.cell(b.value()))),
                () -> page.paragraph("No epoch has a finite loss."));
        page.paragraph(String.format(Locale.ROOT, "Training time: %s s in total for %d samples, %s samples/s on average.",
                MetricText.cell(m.totalSeconds()), m.totalSamples(), MetricText.cell(m.samplesPerSecond())));
        if (!m.finalMetrics().isEmpty()) {
            page.heading(3, "Final metrics");
            Map<String, String> finals = new LinkedHashMap<>();
            m.finalMetrics().forEach((k, v) -> finals.put(k, MetricText.cell(v)));
            page.facts(finals);
        }

        if (ChartRuntime.AVAILABLE) {
            plots(page, runFolder, m);
        } else {
            page.paragraph(ChartRuntime.UNAVAILABLE);
        }

        page.heading(2, "Per-epoch metrics");
        epochTable(page, m);

        for (String name : CONFIG_FILES) {
            Path config = runFolder.resolve(name);
            if (Files.isRegularFile(config)) {
                page.heading(2, "Config (" + name + ")");
                page.preformatted(Utf8Text.read(config));
                break;
            }
        }
        return folder.writeAtomically(FILE, page.bytes());
    }

    private static void plots(HtmlPage page, Path runFolder, RunMetrics m) throws IOException {
        // The PNGs are encoded together (PngBatch), the page is then laid out in order.
        PngBatch pngs = new PngBatch(runFolder);
        List<Curve> curves = new ArrayList<>();
        CurvePlots.loss(m).ifPresent(c -> curves.add(new Curve("loss.png", "loss curves", c)));
        CurvePlots.accuracy(m).ifPresent(c -> curves.add(new Curve("accuracy.png", "accuracy curves", c)));
        CurvePlots.learningRate(m).ifPresent(c -> curves.add(new Curve("lr.png", "learning rate", c)));
        for (Curve c : curves) {
            pngs.add(c.file(), () -> ChartPng.encode(c.chart()));
        }
        ConfusionMatrixFile confusion = Files.exists(runFolder.resolve(ConfusionMatrixFile.FILE))
                ? ConfusionMatrixFile.read(runFolder) : null;
        if (confusion != null) {
            pngs.add("confusion.png", () -> ConfusionPlot.png(confusion));
        }
        List<HistogramsFile.EpochHistograms> epochs = Files.exists(runFolder.resolve(HistogramsFile.FILE))
                ? HistogramsFile.read(runFolder) : List.of();
        List<HistogramPlot.Titled> histograms = epochs.isEmpty() ? List.of() : HistogramPlot.charts(epochs, layerTypes(runFolder));
        for (HistogramPlot.Titled t : histograms) {
            pngs.add(t.fileName(), () -> ChartPng.encode(t.chart()));
        }
        Map<String, byte[]> written = pngs.write();

        page.heading(2, "Curves");
        for (Curve c : curves) {
            page.image(c.alt(), written.get(c.file()));
        }
        Path boundary = runFolder.resolve(DECISION_BOUNDARY);
        if (Files.isRegularFile(boundary)) {
            page.heading(2, "Decision boundary");
            page.image("decision boundary", Files.readAllBytes(boundary));
        }
        if (confusion != null) {
            page.heading(2, "Confusion matrix");
            page.image("confusion matrix", written.get("confusion.png"));
            perClass(page, confusion);
        }
        if (!epochs.isEmpty()) {
            page.heading(2, "Weight and gradient histograms (epoch " + epochs.getLast().epoch() + ")");
            for (HistogramPlot.Titled t : histograms) {
                page.image(t.title(), written.get(t.fileName()));
            }
        }
    }

    /** A curve chart, its file and its image's alt text. */
    private record Curve(String file, String alt, XYChart chart) {}

    /** The layer table (type, output shape, parameters), when the folder holds a config run's files. */
    private static void layerSummary(HtmlPage page, Path runFolder) throws IOException {
        if (!Files.isRegularFile(runFolder.resolve("config.json")) || !Files.isRegularFile(runFolder.resolve("model.json"))) {
            return;
        }
        List<dev.gatun.config.LayerSummary.Row> layers;
        try {
            layers = dev.gatun.config.LayerSummary.of(runFolder);
        } catch (RuntimeException e) {
            page.paragraph("No layer summary: " + e.getMessage());
            return;
        }
        page.heading(2, "Layers");
        // A graph model's table also says what each layer reads and what it is called.
        boolean graph = layers.stream().anyMatch(r -> !r.inputs().isEmpty());
        List<List<String>> rows = new ArrayList<>();
        long total = 0;
        for (dev.gatun.config.LayerSummary.Row r : layers) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(r.index()), r.type(), r.outputShape(),
                    Long.toString(r.parameters())));
            if (graph) {
                row.addAll(List.of(r.name(), r.inputs()));
            }
            rows.add(row);
            total += r.parameters();
        }
        List<String> last = new ArrayList<>(List.of("total", "", "", Long.toString(total)));
        List<String> header = new ArrayList<>(List.of("layer", "type", "output shape", "parameters"));
        if (graph) {
            last.addAll(List.of("", ""));
            header.addAll(List.of("name", "reads"));
        }
        rows.add(last);
        page.table(header, rows, -1);
    }

    /** The config's layer types by index ({@code model.layers[i].type}); empty without a config.json. */
    private static List<String> layerTypes(Path runFolder) {
        List<String> types = new ArrayList<>();
        if (Files.isRegularFile(runFolder.resolve("config.json"))) {
            tools.jackson.databind.JsonNode layers = JsonFile.read(runFolder, "config.json").path("model").path("layers");
            layers.forEach(l -> types.add(l.path("type").asString("layer")));
        }
        return types;
    }

    /**
     * {@return whether plots can be drawn in this Java runtime (it has java.desktop); reports skip them
     * otherwise}
     */
    public static boolean canPlot() {
        return ChartRuntime.AVAILABLE;
    }

    /**
     * {@link #write(Path)} for a run folder a trainer wrote into.
     *
     * @param runFolder the run folder
     * @return the report's path
     * @throws IOException when a file cannot be read or written
     */
    public static Path write(RunFolder runFolder) throws IOException {
        return write(runFolder.path());
    }

    /** The epoch with the lowest validation loss, or the lowest training loss when there is no validation. */
    static Optional<RunMetrics.Best> best(RunMetrics m) {
        return m.has("val_loss") ? m.best("val_loss", false) : m.best("train_loss", false);
    }

    private static void perClass(HtmlPage page, ConfusionMatrixFile confusion) {
        ConfusionMatrix cm = confusion.toConfusionMatrix();
        long[][] counts = confusion.matrix();
        List<List<String>> rows = new ArrayList<>();
        for (int c = 0; c < confusion.classes().size(); c++) {
            long support = 0;
            for (long v : counts[c]) {
                support += v;
            }
            rows.add(List.of(confusion.classes().get(c), MetricText.cell(cm.precision(c)),
                    MetricText.cell(cm.recall(c)), MetricText.cell(cm.f1(c)), Long.toString(support)));
        }
        rows.add(List.of("macro average", MetricText.cell(cm.macroPrecision()), MetricText.cell(cm.macroRecall()),
                MetricText.cell(cm.macroF1()), Long.toString(cm.total())));
        rows.add(List.of("micro average", MetricText.cell(cm.microPrecision()), MetricText.cell(cm.microRecall()),
                MetricText.cell(cm.microF1()), Long.toString(cm.total())));
        page.table(List.of("class", "precision", "recall", "F1", "support"), rows, -1);
    }

    private static void epochTable(HtmlPage page, RunMetrics m) {
        List<String> names = new ArrayList<>(m.metricNames());
        List<String> header = new ArrayList<>();
        header.add("epoch");
        header.addAll(names);
        int bestEpoch = best(m).map(RunMetrics.Best::epoch).orElse(-1);
        int highlighted = -1;
        List<List<String>> rows = new ArrayList<>();
        for (RunMetrics.Epoch e : m.epochs()) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(e.epoch()));
            names.forEach(n -> row.add(MetricText.cell(e.value(n))));
            if (e.epoch() == bestEpoch && highlighted < 0) {
                highlighted = rows.size();
            }
            rows.add(row);
        }
        page.table(header, rows, highlighted);
    }
}
