package dev.gatun.train.metrics;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-epoch metrics of one run, kept in {@code metrics.csv} and {@code metrics.json} in its
 * {@link RunFolder}. Both files are rewritten atomically after every epoch, so a run that dies
 * midway still leaves complete, parseable files behind.
 *
 * <p>Numbers have 6 significant digits and never depend on the default locale. The CSV spells
 * non-finite values {@code NaN}, {@code Infinity}, {@code -Infinity}; JSON, which has no such
 * literals, writes {@code null}.
 */
public final class MetricsLog {
    /** The CSV file's name. */
    public static final String CSV_FILE = "metrics.csv";
    /** The JSON file's name. */
    public static final String JSON_FILE = "metrics.json";
    /** The most bytes a reader takes of a {@code metrics.json} or {@code metrics.csv}: about a million epochs. */
    public static final long MAX_JSON_BYTES = 256L << 20;
    /** The CSV file's header line. */
    public static final String CSV_HEADER =
            "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second";

    private static final String[] COLUMNS = CSV_HEADER.split(",");
    private static final MathContext SIX_DIGITS = new MathContext(6);

    private final RunFolder folder;
    private final Map<String, String> run;
    private final List<EpochMetrics> epochs = new ArrayList<>();
    // Each epoch's CSV row and JSON object, formatted once: the files are rewritten with every epoch
    // so far, and a short run (Studio's playground) has thousands of epochs.
    private final List<String> csvRows = new ArrayList<>();
    private final List<String> jsonRows = new ArrayList<>();
    private Map<String, Double> finalMetrics;

    /**
     * A log writing {@code metrics.csv} and {@code metrics.json} into {@code folder}.
     *
     * @param folder the run folder the files go to
     * @param run facts about the run for the JSON's {@code "run"} object, e.g. sample, backend,
     *     seed; kept in the map's iteration order
     */
    public MetricsLog(RunFolder folder, Map<String, String> run) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.run = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(run, "run")));
        this.run.forEach((k, v) -> Objects.requireNonNull(v, () -> "run value for '" + k + "' is null"));
    }

    /**
     * Appends one epoch and rewrites both files.
     *
     * @param epoch the epoch's metrics
     * @throws IOException when a file cannot be written
     */
    public void add(EpochMetrics epoch) throws IOException {
        append(epoch);
        write();
    }

    /**
     * Appends one epoch without writing; the next {@link #add} or {@link #write} writes it. For a
     * driver whose epochs take milliseconds (Studio's playground), which writes at most once a second.
     *
     * @param epoch the epoch's metrics
     */
    public void record(EpochMetrics epoch) {
        append(epoch);
    }

    private void append(EpochMetrics m) {
        epochs.add(Objects.requireNonNull(m, "epoch"));
        double[] values = values(m);
        StringBuilder csv = new StringBuilder().append(m.epoch());
        StringBuilder json = new StringBuilder("{\"").append(COLUMNS[0]).append("\": ").append(m.epoch());
        for (int i = 0; i < values.length; i++) {
            csv.append(',').append(CsvCell.number(values[i]));
            json.append(", \"").append(COLUMNS[i + 1]).append("\": ").append(jsonNumber(values[i]));
        }
        csvRows.add(csv.toString());
        jsonRows.add(json.append('}').toString());
    }

    /**
     * Replaces the epochs so far without writing, e.g. with a checkpoint's history when a resumed
     * run continues in a new folder; the next {@link #add} or {@link #write} writes them all.
     *
     * @param history the epochs so far
     */
    public void restore(List<EpochMetrics> history) {
        List<EpochMetrics> copy = List.copyOf(history);
        epochs.clear();
        csvRows.clear();
        jsonRows.clear();
        copy.forEach(this::append);
    }

    /**
     * Sets the run's end results (e.g. {@code test_loss}, {@code test_accuracy}) for the JSON's
     * {@code "final"} object, in the map's order, and rewrites both files.
     *
     * @param metrics the end results by name
     * @throws IOException when a file cannot be written
     */
    public void setFinal(Map<String, Double> metrics) throws IOException {
        Map<String, Double> copy = new LinkedHashMap<>(Objects.requireNonNull(metrics, "metrics"));
        copy.forEach((k, v) -> Objects.requireNonNull(v, () -> "final metric '" + k + "' is null"));
        finalMetrics = Collections.unmodifiableMap(copy);
        write();
    }

    /** {@return the end results set by {@link #setFinal}, or an empty map before} */
    public Map<String, Double> finalMetrics() {
        return finalMetrics == null ? Map.of() : finalMetrics;
    }

    /**
     * (Re)writes {@code metrics.csv} and {@code metrics.json} with the epochs so far.
     *
     * @throws IOException when a file cannot be written
     */
    public void write() throws IOException {
        folder.writeAtomically(CSV_FILE, csv().getBytes(StandardCharsets.UTF_8));
        folder.writeAtomically(JSON_FILE, json().getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the epochs added so far} */
    public List<EpochMetrics> epochs() {
        return List.copyOf(epochs);
    }

    /** {@return the folder the files go to} */
    public RunFolder folder() {
        return folder;
    }

    /** {@return the run facts given at construction} */
    public Map<String, String> run() {
        return run;
    }

    /**
     * {@return the content of {@code metrics.csv}: header and one row per epoch, {@code \n} line ends}
     */
    public String csv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (String row : csvRows) {
            sb.append(row).append('\n');
        }
        return sb.toString();
    }

    /**
     * The content of {@code metrics.json}: {@code {"run": {...}, "epochs": [{...}, ...]}}, plus
     * {@code "final": {...}} once {@link #setFinal} was called.
     *
     * @return the JSON text
     */
    public String json() {
        StringBuilder sb = new StringBuilder("{\n  \"run\": {");
        String sep = "\n";
        for (Map.Entry<String, String> e : run.entrySet()) {
            sb.append(sep).append("    ");
            string(sb, e.getKey());
            sb.append(": ");
            string(sb, e.getValue());
            sep = ",\n";
        }
        sb.append(run.isEmpty() ? "" : "\n  ").append("},\n  \"epochs\": [");
        sep = "\n";
        for (String row : jsonRows) {
            sb.append(sep).append("    ").append(row);
            sep = ",\n";
        }
        sb.append(epochs.isEmpty() ? "" : "\n  ").append(']');
        if (finalMetrics != null) {
            sb.append(",\n  \"final\": {");
            sep = "\n";
            for (Map.Entry<String, Double> e : finalMetrics.entrySet()) {
                sb.append(sep).append("    ");
                string(sb, e.getKey());
                double v = e.getValue();
                sb.append(": ").append(jsonNumber(v));
                sep = ",\n";
            }
            sb.append(finalMetrics.isEmpty() ? "" : "\n  ").append('}');
        }
        return sb.append("\n}\n").toString();
    }

    /** The double columns in {@link #CSV_HEADER} order, after the epoch. */
    private static double[] values(EpochMetrics m) {
        return new double[] {m.trainLoss(), m.trainAccuracy(), m.valLoss(), m.valAccuracy(), m.learningRate(),
                m.seconds(), m.samplesPerSecond()};
    }

    /**
     * {@code v} to 6 significant digits, plain where readable ({@code 0.4312}, {@code 12345.7})
     * and scientific for tiny or huge magnitudes ({@code 1.23E-7}); {@code NaN}, {@code Infinity}
     * or {@code -Infinity} when not finite. For text and CSV; JSON takes {@link #jsonNumber}.
     *
     * @param v the value
     * @return the text
     */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(SIX_DIGITS).stripTrailingZeros();
        double magnitude = Math.abs(v);
        if (magnitude >= 1e-4 && magnitude < 1e15) {
            return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
        }
        return d.toString();
    }

    /**
     * {@link #number} for JSON, which has no NaN or infinities: {@code null} for those.
     *
     * @param v the value
     * @return the JSON number, or {@code null}
     */
    public static String jsonNumber(double v) {
        return Double.isFinite(v) ? number(v) : "null";
    }

    private static void string(StringBuilder sb, String s) {
        sb.append(dev.gatun.io.JsonStrings.quote(s, true));
    }
}
