package dev.gatun.cli;

import dev.gatun.config.ModelEnsemble;
import dev.gatun.config.ModelInputs;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.DataLoader;
import dev.gatun.tensor.Scope;
import dev.gatun.train.EnsemblePredictions;
import dev.gatun.train.Predictions;
import dev.gatun.train.metrics.CsvCell;
import dev.gatun.train.metrics.RunFolder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatun predict MODEL... INPUT}: the trained model's predictions for new examples, as CSV;
 * with several models, their soft vote (the mean of their class probabilities, or of their values).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict with a trained model (run folder, export or checkpoint) on a CSV file of feature",
                "columns, an image file or a folder of images. Writes CSV: for classes, each example's predicted",
                "class and its probability (and the runners-up with --top); for regression, the predicted values.",
                "With several models (an ensemble: gatun predict RUN1 RUN2 RUN3 INPUT), the CSV holds their soft vote:",
                "the mean of the models' class probabilities (regression: of their values). The models must agree on",
                "the input shape and the classes; a cross-validation's parent run stands for its fold runs.",
                "Outputs that are not finite are written as NaN (Infinity, -Infinity for regression values) and",
                "counted in a warning at the end."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "MODEL... INPUT",
            description = "run folders, export folders or checkpoint directories (one model, or several for an"
                    + " ensemble), then the input: a CSV file, an image file or a folder of images")
    private List<Path> paths;

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
        List<Path> models = ModelEnsemble.members(paths.subList(0, paths.size() - 1));
        Path input = paths.getLast();
        try (Scope scope = Scope.open("gatun predict")) {
            if (models.size() == 1) {
                TrainedModel m = TrainedModel.load(models.getFirst());
                ModelInputs.Unlabelled examples = ModelInputs.unlabelled(m, input, label);
                Predictions p = Predictions.of(m.module(), new DataLoader(examples.data(), 256, false, 0, false));
                List<String> sources = examples.names();
                csv = m.card().classification()
                        ? classes(p.count(), p.width(), p.predictedClasses(), p::finite, p::probabilities,
                                m.card().classNames(), sources)
                        : values(p, sources);
                count = p.count();
                nonFinite = p.nonFiniteCount();
            } else {
                List<TrainedModel> members = ModelEnsemble.load(models);
                List<Predictions> each = new ArrayList<>();
                List<String> sources = null;
                for (TrainedModel m : members) {
                    // Each member reads the input through its own preprocessing statistics.
                    ModelInputs.Unlabelled examples = ModelInputs.unlabelled(m, input, label);
                    sources = examples.names();
                    each.add(Predictions.of(m.module(), new DataLoader(examples.data(), 256, false, 0, false)));
                }
                EnsemblePredictions e = new EnsemblePredictions(each);
                TrainedModel first = members.getFirst();
                csv = first.card().classification()
                        ? classes(e.count(), e.width(), e.predictedClasses(), e::finite, e::probabilities,
                                first.card().classNames(), sources)
                        : values(e.combined(), sources);
                count = e.count();
                nonFinite = e.nonFiniteCount();
            }
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

    private String classes(int count, int width, int[] predicted, IntPredicate finite, IntFunction<double[]> probabilities,
            List<String> names, List<String> sources) {
        int k = Math.max(1, Math.min(top, width));
        StringBuilder sb = new StringBuilder("example,predicted,class,probability");
        for (int r = 2; r <= k; r++) {
            sb.append(",class_").append(r).append(",probability_").append(r);
        }
        sb.append('\n');
        for (int i = 0; i < count; i++) {
            sb.append(CsvCell.text(sources.get(i)));
            if (!finite.test(i)) {
                // No class is predicted from NaN or infinite logits: empty classes, NaN probabilities.
                sb.append(",,,").append(CsvCell.number(Double.NaN));
                sb.append(",,".concat(CsvCell.number(Double.NaN)).repeat(k - 1)).append('\n');
                continue;
            }
            double[] prob = probabilities.apply(i);
            sb.append(',').append(predicted[i]).append(',').append(CsvCell.text(names.get(predicted[i])))
                    .append(',').append(CsvCell.number(prob[predicted[i]]));
            boolean[] used = new boolean[width];
            used[predicted[i]] = true;
            for (int r = 2; r <= k; r++) {
                int best = -1;
                for (int c = 0; c < width; c++) {
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
