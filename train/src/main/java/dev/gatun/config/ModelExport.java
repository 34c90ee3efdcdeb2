package dev.gatun.config;

import dev.gatun.io.JsonStrings;
import dev.gatun.report.ConfusionMatrixFile;
import dev.gatun.report.RunMetrics;
import dev.gatun.train.metrics.MetricsLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trained model as it is shipped (the {@code pretrained/} folder): the three files
 * {@link TrainedModel#load}, {@code gatun eval} and {@code gatun predict} read, a compact
 * {@code report.md} (the run's facts, every epoch's loss and accuracy, the test metrics and the
 * confusion matrix) and {@code accuracy.json} (the test accuracy as counted, and the weights'
 * sha256). Timings are left out, so an export of a seeded run is the same bytes every time.
 */
public final class ModelExport {
    /** The compact report of an export. */
    public static final String REPORT = "report.md";
    /** The test accuracy and checksum of an export. */
    public static final String ACCURACY = "accuracy.json";
    private static final List<String> MODEL_FILES = List.of(TrainedModel.CONFIG, ModelCard.FILE, TrainedModel.WEIGHTS);

    private ModelExport() {}

    /**
     * Writes the export of the run in {@code run} to {@code dest} (created if needed; the files of
     * the same names are replaced).
     *
     * @param run a finished run folder (with {@code metrics.json} and {@code confusion.json})
     * @param dest the export folder
     * @param configFile the config file the run was trained from, as the report should name it
     * @return the test accuracy the export states
     * @throws IOException naming a file that is missing or cannot be read or written
     * @throws IllegalArgumentException when the run has no test part to state an accuracy for
     */
    public static TestAccuracy write(Path run, Path dest, String configFile) throws IOException {
        for (String f : List.of(TrainedModel.CONFIG, ModelCard.FILE, TrainedModel.WEIGHTS, RunMetrics.FILE,
                ConfusionMatrixFile.FILE)) {
            if (!Files.isRegularFile(run.resolve(f))) {
                throw new NoSuchFileException(run.resolve(f).toString(), null,
                        "missing: export a finished run of a classification config with a test part");
            }
        }
        RunMetrics metrics = RunMetrics.read(run);
        ConfusionMatrixFile confusion = ConfusionMatrixFile.read(run);
        long correct = 0;
        long total = 0;
        long[][] m = confusion.matrix();
        for (int t = 0; t < m.length; t++) {
            for (int p = 0; p < m.length; p++) {
                total += m[t][p];
                correct += t == p ? m[t][p] : 0;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException(run.resolve(ConfusionMatrixFile.FILE) + ": no test examples were counted");
        }
        Files.createDirectories(dest);
        for (String f : MODEL_FILES) {
            Files.write(dest.resolve(f), Files.readAllBytes(run.resolve(f)));
        }
        String name = metrics.run().getOrDefault("config", run.getFileName().toString());
        TestAccuracy accuracy = new TestAccuracy(name, configFile, metrics.epochs().size(), correct, total,
                metrics.finalMetrics().getOrDefault("test_loss", Double.NaN),
                sha256(dest.resolve(TrainedModel.WEIGHTS)));
        Files.writeString(dest.resolve(ACCURACY), accuracy.toJson(), StandardCharsets.UTF_8);
        Files.writeString(dest.resolve(REPORT), report(metrics, confusion, accuracy, dest), StandardCharsets.UTF_8);
        return accuracy;
    }

    /**
     * What {@code accuracy.json} states.
     *
     * @param name the run's config name
     * @param configFile the config file it was trained from
     * @param epochs the epochs trained
     * @param correct the test examples classified correctly
     * @param examples the test examples
     * @param testLoss the mean test loss
     * @param sha256 the sha256 of {@code model.safetensors}, in hex
     */
    public record TestAccuracy(String name, String configFile, int epochs, long correct, long examples,
                               double testLoss, String sha256) {
        /** {@return correct / examples} */
        public double accuracy() {
            return (double) correct / examples;
        }

        /** {@return the JSON form written to {@code accuracy.json}} */
        public String toJson() {
            return "{\n  \"name\": " + JsonStrings.quote(name, true)
                    + ",\n  \"config\": " + JsonStrings.quote(configFile, true)
                    + ",\n  \"epochs\": " + epochs
                    + ",\n  \"test_examples\": " + examples
                    + ",\n  \"test_correct\": " + correct
                    + ",\n  \"test_accuracy\": " + MetricsLog.jsonNumber(accuracy())
                    + ",\n  \"test_loss\": " + MetricsLog.jsonNumber(testLoss)
                    + ",\n  \"model_sha256\": " + JsonStrings.quote(sha256, true) + "\n}\n";
        }
    }

    /**
     * {@return the sha256 of a file's bytes, in lower-case hex}
     *
     * @param file the file
     * @throws IOException when it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String report(RunMetrics metrics, ConfusionMatrixFile confusion, TestAccuracy a, Path dest) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(a.name()).append("\n\n");
        md.append("Trained from `").append(a.configFile()).append("` by `make pretrained`; evaluate it with `bin/gatun eval ")
                .append(dest.toString().replace('\\', '/')).append("`.\n\n");
        md.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> e : metrics.run().entrySet()) {
            md.append("| ").append(e.getKey().replace('_', ' ')).append(" | ").append(e.getValue()).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "| test accuracy | %s (%d of %d) |%n", MetricsLog.number(a.accuracy()),
                a.correct(), a.examples()));
        for (Map.Entry<String, Double> e : metrics.finalMetrics().entrySet()) {
            if (!e.getKey().equals("test_accuracy")) {
                md.append("| ").append(e.getKey().replace('_', ' ')).append(" | ").append(MetricsLog.number(e.getValue()))
                        .append(" |\n");
            }
        }
        md.append("| model.safetensors sha256 | `").append(a.sha256()).append("` |\n\n");
        md.append("## Epochs\n\n| epoch | train loss | train accuracy | val loss | val accuracy | lr |\n")
                .append("|---:|---:|---:|---:|---:|---:|\n");
        for (RunMetrics.Epoch e : metrics.epochs()) {
            md.append("| ").append(e.epoch());
            for (String k : List.of("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")) {
                md.append(" | ").append(MetricsLog.number(e.value(k)));
            }
            md.append(" |\n");
        }
        md.append("\n## Confusion matrix of the test part (rows: true class, columns: predicted)\n\n|");
        List<String> classes = confusion.classes();
        for (String c : classes) {
            md.append(" | ").append(c);
        }
        md.append(" |\n|---").append("|---:".repeat(classes.size())).append("|\n");
        long[][] m = confusion.matrix();
        for (int t = 0; t < m.length; t++) {
            md.append("| ").append(classes.get(t));
            for (long v : m[t]) {
                md.append(" | ").append(v);
            }
            md.append(" |\n");
        }
        return md.toString();
    }
}
