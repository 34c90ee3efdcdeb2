package dev.gatun.cli;

import dev.gatun.config.ModelInputs;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.DataLoader;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Predictions;
import dev.gatun.train.metrics.CsvCell;
import dev.gatun.train.metrics.RunFolder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gatun predict MODEL INPUT}: the trained model's predictions for new examples, as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict with a trained model (run folder, export or checkpoint) on a CSV file of feature",
                "columns, an image file or a folder of images. Writes CSV: for classes, each example's predicted",
                "class and its probability (and the runners-up with --top); for regression, the predicted values.",
                "Outputs that are not finite are written as NaN (Infinity, -Infinity for regression values) and",
                "counted in a warning at the end."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "run folder, export folder or checkpoint directory")
    private Path model;

    @Parameters(index = "1", paramLabel = "INPUT", description = "CSV file, image file or folder of images")
    private Path input;

    @Option(names = "--top", paramLabel = "K", defaultValue = "1", description = "classes listed per example (default: ${DEFAULT-VALUE})")
    private int top;

    @Option(names = "--label", paramLabel = "COLUMN", description = "a CSV column to ignore (e.g. the label of a test file)")
    private String label;

    @Option(names = "--out", paramLabel = "FILE", description = "write the CSV there instead of standard output")
    private Path outFile;

    @Override
    public Integer call() throws Exception {
        String csv;
        int count;
        int nonFinite;
        try (Scope scope = Scope.open("gatun predict")) {
            TrainedModel m = TrainedModel.load(model);
            ModelInputs.Unlabelled examples = ModelInputs.unlabelled(m, input, label);
            Predictions p = Predictions.of(m.module(), new DataLoader(examples.data(), 256, false, 0, false));
            List<String> sources = examples.names();
            csv = m.card().classification() ? classes(p, m.card().classNames(), sources) : values(p, sources);
            count = p.count();
            nonFinite = p.nonFiniteCount();
        }
        if (outFile == null) {
            spec.commandLine().getOut().print(csv);
        } else {
            Path dir = outFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            RunFolder.open(dir).writeAtomically(outFile.getFileName().toString(), csv.getBytes(StandardCharsets.UTF_8));
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + count + " predictions to " + outFile);
        }
        spec.commandLine().getOut().flush();
        if (nonFinite > 0) {
            spec.commandLine().getErr().println("gatun predict: warning: " + NonFinite.sentence(nonFinite, count));
        }
        return 0;
    }

    private String classes(Predictions p, List<String> names, List<String> sources) {
        int k = Math.max(1, Math.min(top, p.width()));
        StringBuilder sb = new StringBuilder("example,predicted,class,probability");
        for (int r = 2; r <= k; r++) {
            sb.append(",class_").append(r).append(",probability_").append(r);
        }
        sb.append('\n');
        int[] predicted = p.predictedClasses();
        for (int i = 0; i < p.count(); i++) {
            sb.append(CsvCell.text(sources.get(i)));
            if (!p.finite(i)) {
                // No class is predicted from NaN or infinite logits: empty classes, NaN probabilities.
                sb.append(",,,").append(CsvCell.number(Double.NaN));
                sb.append(",,".concat(CsvCell.number(Double.NaN)).repeat(k - 1)).append('\n');
                continue;
            }
            double[] prob = p.probabilities(i);
            sb.append(',').append(predicted[i]).append(',').append(CsvCell.text(names.get(predicted[i])))
                    .append(',').append(CsvCell.number(prob[predicted[i]]));
            boolean[] used = new boolean[p.width()];
            used[predicted[i]] = true;
            for (int r = 2; r <= k; r++) {
                int best = -1;
                for (int c = 0; c < p.width(); c++) {
                    if (!used[c] && (best < 0 || prob[c] > prob[best])) {
                        best = c;
                    }
                }
                used[best] = true;
                sb.append(',').append(CsvCell.text(names.get(best))).append(',').append(CsvCell.number(prob[best]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String values(Predictions p, List<String> sources) {
        StringBuilder sb = new StringBuilder("example");
        for (int j = 0; j < p.width(); j++) {
            sb.append(p.width() == 1 ? ",prediction" : ",prediction_" + j);
        }
        sb.append('\n');
        for (int i = 0; i < p.count(); i++) {
            sb.append(CsvCell.text(sources.get(i)));
            for (int j = 0; j < p.width(); j++) {
                sb.append(',').append(CsvCell.number(p.outputs()[i * p.width() + j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
