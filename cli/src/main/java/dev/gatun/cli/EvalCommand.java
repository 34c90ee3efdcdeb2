package dev.gatun.cli;

import dev.gatun.config.ModelEnsemble;
import dev.gatun.config.ModelInputs;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.report.ConfusionMatrixFile;
import dev.gatun.tensor.Scope;
import dev.gatun.train.EnsemblePredictions;
import dev.gatun.train.Predictions;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RegressionMetrics;
import dev.gatun.train.metrics.RunFolder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatun eval MODEL...}: scores a trained model on labelled data, its own test part by
 * default; with several models, scores their soft vote and each member on the same examples.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained model (a run folder, an export or a checkpoint) on labelled data:",
                "accuracy, top-k, per-class and macro precision/recall/F1 and the confusion matrix for classes;",
                "MSE, MAE and R² for regression. Predictions that are not finite (NaN or infinite outputs) are",
                "counted (non_finite_predictions) and named in a warning; a metric that is not finite prints as NaN",
                "and is null in evaluation.json.",
                "With several models (gatun eval RUN1 RUN2 RUN3), evaluates their ensemble (soft voting: the mean of",
                "their class probabilities) and each member on the same examples (the first run's test part, or",
                "--data), prints each member's score next to the ensemble's, then the ensemble's full evaluation.",
                "A cross-validation's parent run (gatun train --folds K) stands for its K fold runs."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "MODEL",
            description = "run folder, export folder or checkpoint directory; several for an ensemble")
    private List<Path> models;

    @Option(names = "--data", paramLabel = "PATH",
            description = "CSV file, Fashion-MNIST IDX folder or folder of class folders of images"
                    + " (default: the run's own test part)")
    private Path data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "label column of a CSV file (default: the config's, or 'label')")
    private String label;

    @Option(names = "--top", paramLabel = "K", defaultValue = "2", description = "also report top-K accuracy (default: ${DEFAULT-VALUE})")
    private int top;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "examples per forward pass (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--out", paramLabel = "DIR", description = "also write evaluation.json and confusion.json there")
    private Path outDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int count;
        int nonFinite;
        List<Path> models = ModelEnsemble.members(this.models);
        try (Scope scope = Scope.open("gatun eval")) {
            Path model = models.getFirst();
            TrainedModel m;
            Predictions p;
            String members = null;
            if (models.size() == 1) {
                m = TrainedModel.load(model);
                Dataset examples = ModelInputs.labelled(m, data, label);
                p = Predictions.of(m.module(), new DataLoader(examples, batch, false, 0, false));
                out.printf(Locale.ROOT, "model %s (%s) on %d examples of %s%n", model, m.config().name(), p.count(),
                        data == null ? "its test part" : data);
            } else {
                List<TrainedModel> loaded = ModelEnsemble.load(models);
                m = loaded.getFirst();
                List<Predictions> each = new ArrayList<>();
                for (int i = 0; i < loaded.size(); i++) {
                    TrainedModel member = loaded.get(i);
                    Dataset examples = data == null
                            ? ModelEnsemble.ownerTestPart(m, model, member, models.get(i))
                            : ModelInputs.labelled(member, data, label);
                    each.add(Predictions.of(member.module(), new DataLoader(examples, batch, false, 0, false)));
                }
                EnsemblePredictions ensemble = new EnsemblePredictions(each);
                p = ensemble.combined();
                out.printf(Locale.ROOT, "ensemble of %d models (soft voting) on %d examples of %s%n", loaded.size(),
                        p.count(), data == null ? "the test part of " + model : data);
                EnsembleTable table = EnsembleTable.of(models, loaded, each, p);
                table.print(out);
                members = table.csv();
                out.println("the ensemble:");
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            ConfusionMatrix cm = null;
            if (p.labels() != null) {
                cm = p.confusion();
                metrics.put("loss", p.crossEntropy());
                metrics.put("accuracy", cm.accuracy());
                if (top > 1 && top <= p.width()) {
                    metrics.put("top" + top + "_accuracy", p.topK(top));
                }
                metrics.put("macro_precision", cm.macroPrecision());
                metrics.put("macro_recall", cm.macroRecall());
                metrics.put("macro_f1", cm.macroF1());
                printClasses(out, cm, m.card().classNames());
            } else {
                RegressionMetrics r = p.regression();
                metrics.put("mse", r.mse());
                metrics.put("mae", r.mae());
                metrics.put("r2", r.r2());
            }
            count = p.count();
            nonFinite = p.nonFiniteCount();
            metrics.put("non_finite_predictions", (double) nonFinite);
            metrics.forEach((k, v) -> out.printf(Locale.ROOT, "%s: %s%n", k, MetricsLog.number(v)));
            if (outDir != null) {
                Files.createDirectories(outDir);
                RunFolder folder = RunFolder.open(outDir);
                StringBuilder json = new StringBuilder("{");
                String sep = "";
                for (Map.Entry<String, Double> e : metrics.entrySet()) {
                    json.append(sep).append("\n  \"").append(e.getKey()).append("\": ").append(MetricsLog.jsonNumber(e.getValue()));
                    sep = ",";
                }
                folder.writeAtomically("evaluation.json", (json + "\n}\n").getBytes(StandardCharsets.UTF_8));
                if (cm != null) {
                    ConfusionMatrixFile.write(folder, cm, m.card().classNames());
                }
                if (members != null) {
                    folder.writeAtomically(EnsembleTable.CSV, members.getBytes(StandardCharsets.UTF_8));
                    out.println("wrote " + outDir.resolve(EnsembleTable.CSV));
                }
                out.println("wrote " + outDir.resolve("evaluation.json"));
            }
        }
        out.flush();
        if (nonFinite > 0) {
            spec.commandLine().getErr().println("gatun eval: warning: " + NonFinite.sentence(nonFinite, count));
        }
        return 0;
    }

    private static void printClasses(PrintWriter out, ConfusionMatrix cm, List<String> names) {
        int width = Math.max(5, names.stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-" + width + "s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support");
        for (int c = 0; c < cm.classes(); c++) {
            long support = 0;
            for (int p = 0; p < cm.classes(); p++) {
                support += cm.count(c, p);
            }
            out.printf(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %8d%n", names.get(c), cm.precision(c),
                    cm.recall(c), cm.f1(c), support);
        }
        out.println("confusion matrix (rows: true class, columns: predicted):");
        for (int t = 0; t < cm.classes(); t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", names.get(t)));
            for (int p = 0; p < cm.classes(); p++) {
                row.append(String.format(Locale.ROOT, " %6d", cm.count(t, p)));
            }
            out.println(row);
        }
    }
}
