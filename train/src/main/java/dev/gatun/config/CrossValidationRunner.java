package dev.gatun.config;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.Dataset;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tracking.RunLineage;
import dev.gatun.tracking.RunRecorder;
import dev.gatun.tracking.RunState;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a config's {@code training.folds: K} as stratified K-fold cross-validation
 * ({@code gatun train CONFIG --folds K}). The parent is a run folder of its own,
 * {@code <name>-folds-<date>-<time>}, holding the config, its {@value RunLineage#FILE} (role
 * {@code parent}) and the summary ({@link CrossValidationSummary}). Each fold is an ordinary run,
 * {@code <name>-fold<i>-<date>-<time>} beside it, started by {@link ExperimentRunner} with the
 * parent's id, role {@code fold} and tag {@code fold: i}: its config is the parent's with
 * {@code training.fold: i}, so it trains a fresh model (from the config's seed) on the other folds,
 * validates on fold i, and tests on the config's test part if it has one. The folds are dealt from
 * the config's seed, so a config always gets the same folds. {@link #run} trains the folds in turn in
 * this process; for folds trained elsewhere (processes of their own), {@link #plan} makes the parent
 * and {@link #summarize} reads the finished folds' run folders.
 */
public final class CrossValidationRunner {
    /** The parent's role in its lineage. */
    public static final String PARENT_ROLE = "parent";
    /** Each fold's role in its lineage. */
    public static final String FOLD_ROLE = "fold";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private CrossValidationRunner() {}

    /**
     * What a cross-validation produced.
     *
     * @param parent the parent run folder
     * @param folds each fold's run, in fold order
     * @param summary each fold's metrics with their mean and spread
     */
    public record Result(RunFolder parent, List<ExperimentResult> folds, CrossValidationSummary summary) {
        /** Copies the folds. */
        public Result {
            folds = List.copyOf(folds);
        }
    }

    /**
     * Runs every fold of {@code config} in turn, under {@code runsDir}.
     *
     * @param config the experiment; {@code training.folds} set, {@code training.fold} not
     * @param runsDir the directory the parent and the folds' run folders are created in
     * @param out where progress and the summary table are printed
     * @return the parent folder, the folds' runs and the summary
     * @throws ConfigException at {@code training.folds} when it is unset, or more than the examples of
     *     the smallest class (checked on the data before the first fold trains)
     * @throws IOException for data that cannot be read and outputs that cannot be written
     */
    public static Result run(ExperimentConfig config, Path runsDir, PrintStream out) throws IOException {
        return run(config, runsDir, out, prepared -> List.of());
    }

    /**
     * Like {@link #run(ExperimentConfig, Path, PrintStream)}, with observers added to each fold's
     * trainer (e.g. Studio's live view).
     *
     * @param config the experiment; {@code training.folds} set, {@code training.fold} not
     * @param runsDir the directory the parent and the folds' run folders are created in
     * @param out where progress and the summary table are printed
     * @param observers makes the callbacks that watch each fold's training
     * @return the parent folder, the folds' runs and the summary
     * @throws ConfigException at {@code training.folds} when it is unset, or more than the examples of
     *     the smallest class
     * @throws IOException for data that cannot be read and outputs that cannot be written
     */
    public static Result run(ExperimentConfig config, Path runsDir, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers) throws IOException {
        Plan plan = plan(config, runsDir, out);
        // The parent is a run of the tracking store too, running while its folds train.
        RunRecorder parent = RunRecorder.start(plan.parent().path(), config.name(), config.normalized(), out);
        try {
            Result result = runFolds(plan, config, runsDir, out, observers);
            parent.end(RunState.FINISHED, result.summary().mean(), null);
            return result;
        } catch (IOException | RuntimeException | Error e) {
            parent.failed(e);
            throw e;
        }
    }

    private static Result runFolds(Plan plan, ExperimentConfig config, Path runsDir, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers) throws IOException {
        List<ExperimentResult> results = new ArrayList<>();
        List<CrossValidationSummary.Fold> summaries = new ArrayList<>();
        for (int i = 1; i <= plan.folds().size(); i++) {
            out.printf(Locale.ROOT, "== fold %d of %d%n", i, plan.folds().size());
            Map<String, Long> counts = new LinkedHashMap<>();
            ExperimentResult r = ExperimentRunner.run(plan.folds().get(i - 1), runsDir, out, prepared -> {
                counts.putAll(classCounts(prepared.data()));
                return observers.apply(prepared);
            }, plan.lineages().get(i - 1));
            results.add(r);
            summaries.add(new CrossValidationSummary.Fold(i, r.folder().path().getFileName().toString(), counts,
                    r.finalMetrics()));
            // Written after every fold, so an interrupted cross-validation still says what it reached.
            CrossValidationSummary.of(config.name(), summaries).write(plan.parent());
        }
        return new Result(plan.parent(), results, finish(plan, summaries, out));
    }

    /**
     * A cross-validation ready to train: its parent run folder made (config and lineage written),
     * and each fold's config and lineage, for folds trained elsewhere (in processes of their own,
     * {@code gatun train --folds K --jobs N}).
     *
     * @param config the cross-validation's config
     * @param parent the parent run folder
     * @param folds each fold's config, in fold order
     * @param lineages each fold's lineage, in fold order
     */
    public record Plan(ExperimentConfig config, RunFolder parent, List<ExperimentConfig> folds,
                       List<RunLineage> lineages) {
        /** Copies the folds and lineages. */
        public Plan {
            folds = List.copyOf(folds);
            lineages = List.copyOf(lineages);
        }
    }

    /**
     * Checks that {@code config} asks for a whole cross-validation and that its data allows K
     * stratified folds (loading the data once); nothing is written.
     *
     * @param config the experiment; {@code training.folds} set, {@code training.fold} not
     * @throws ConfigException at {@code training.folds} when it is unset, or more than the examples of
     *     the smallest class; at {@code training.fold} when the config names one fold
     * @throws IOException for data that cannot be read
     */
    public static void check(ExperimentConfig config) throws IOException {
        int k = config.training().folds();
        if (k < 2) {
            throw new ConfigException("training.folds", "must be >= 2 for cross-validation, got " + k)
                    .in("config '" + config.name() + "'");
        }
        if (config.training().fold() != 0) {
            throw new ConfigException("training.fold", "names one fold (" + config.training().fold() + "); train it "
                    + "with ExperimentRunner, or drop it to run all " + k).in("config '" + config.name() + "'");
        }
        try (Scope check = Scope.open("cross-validation check " + config.name())) {
            DataFactory.load(fold(config, 1), check);
        } catch (ConfigException e) {
            throw e.source() == null ? e.in("config '" + config.name() + "'") : e;
        }
    }

    /**
     * Checks {@code config} ({@link #check}) and makes the parent run folder; nothing trains.
     *
     * @param config the experiment; {@code training.folds} set, {@code training.fold} not
     * @param runsDir the directory the parent run folder is created in
     * @param out where the start is announced
     * @return the parent folder with each fold's config and lineage
     * @throws ConfigException at {@code training.folds} when it is unset, or more than the examples of
     *     the smallest class
     * @throws IOException for data that cannot be read and outputs that cannot be written
     */
    public static Plan plan(ExperimentConfig config, Path runsDir, PrintStream out) throws IOException {
        check(config);
        int k = config.training().folds();
        List<ExperimentConfig> folds = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            folds.add(fold(config, i));
        }

        RunFolder parent = RunFolder.create(runsDir, config.name() + "-folds");
        parent.writeAtomically(TrainedModel.CONFIG, (ConfigLoader.toJson(config.normalized()) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        String parentId = parent.path().getFileName().toString();
        new RunLineage(null, PARENT_ROLE, Map.of("folds", Integer.toString(k))).write(parent);
        out.printf(Locale.ROOT, "%s: %d-fold cross-validation%s, parent run folder %s%n", config.name(), k,
                config.data().classification() ? " (stratified)" : "", parent);
        List<RunLineage> lineages = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            lineages.add(new RunLineage(parentId, FOLD_ROLE, Map.of(FOLD_ROLE, Integer.toString(i))));
        }
        return new Plan(config, parent, folds, lineages);
    }

    /**
     * Summarizes folds that were trained elsewhere: each fold's final metrics from its run folder's
     * {@code metrics.json} (6 significant digits), its held-out class counts from its data.
     * Writes the summary into the parent and prints its table.
     *
     * @param plan the cross-validation
     * @param foldFolders each fold's run folder, in fold order
     * @param out where the table is printed
     * @return the summary
     * @throws IOException when a fold's metrics cannot be read, or the summary cannot be written
     */
    public static CrossValidationSummary summarize(Plan plan, List<Path> foldFolders, PrintStream out)
            throws IOException {
        if (foldFolders.size() != plan.folds().size()) {
            throw new IllegalArgumentException(foldFolders.size() + " fold run folders for " + plan.folds().size()
                    + " folds");
        }
        List<CrossValidationSummary.Fold> summaries = new ArrayList<>();
        for (int i = 0; i < foldFolders.size(); i++) {
            Path folder = foldFolders.get(i);
            Map<String, Long> counts;
            try (Scope data = Scope.open("fold " + (i + 1) + " data")) {
                counts = classCounts(DataFactory.load(plan.folds().get(i), data));
            }
            summaries.add(new CrossValidationSummary.Fold(i + 1, folder.getFileName().toString(), counts,
                    finalMetrics(folder)));
        }
        CrossValidationSummary summary = finish(plan, summaries, out);
        RunRecorder.start(plan.parent().path(), plan.config().name(), plan.config().normalized(), out)
                .end(RunState.FINISHED, summary.mean(), null);
        return summary;
    }

    private static CrossValidationSummary finish(Plan plan, List<CrossValidationSummary.Fold> folds, PrintStream out)
            throws IOException {
        CrossValidationSummary summary = CrossValidationSummary.of(plan.config().name(), folds);
        summary.write(plan.parent());
        summary.print(out);
        out.println("cross-validation summary: " + plan.parent().resolve(CrossValidationSummary.MARKDOWN));
        return summary;
    }

    /** The {@code final} metrics of a run folder's {@code metrics.json}; null values (not finite) as NaN. */
    private static Map<String, Double> finalMetrics(Path folder) throws IOException {
        Path file = folder.resolve(MetricsLog.JSON_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(dev.gatun.io.Utf8Text.read(file, MetricsLog.MAX_JSON_BYTES, "a run's metrics"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not JSON: " + e.getMessage(), e);
        }
        JsonNode end = root.path("final");
        if (!end.isObject()) {
            throw new IOException(file + ": no final metrics; the fold did not finish");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        end.properties().forEach(e -> metrics.put(e.getKey(), e.getValue().isNumber() ? e.getValue().doubleValue()
                : Double.NaN));
        return metrics;
    }

    /**
     * The config of fold {@code i} of {@code config}: {@code training.fold: i}, named
     * {@code <name>-fold<i>}.
     *
     * @param config the cross-validation's config
     * @param i the fold, 1-based
     * @return the fold's config
     */
    public static ExperimentConfig fold(ExperimentConfig config, int i) {
        ObjectNode tree = config.normalized();
        tree.put("name", config.name() + "-fold" + i);
        ((ObjectNode) tree.get("training")).put("fold", i);
        return ConfigLoader.experiment(tree, config.name() + "-fold" + i, "fold " + i + " of config '"
                + config.name() + "'");
    }

    /** The held-out examples of each class, by class name; empty without class labels. */
    private static Map<String, Long> classCounts(ExperimentData data) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Dataset v = data.validationOrNull();
        if (v == null || data.classes() < 1 || v.targetDType() != DType.INT32 || v.targetShape().length != 0) {
            return counts;
        }
        long[] n = new long[data.classes()];
        for (int y : ArrayDataset.labelsOf(v)) {
            n[y]++;
        }
        for (int c = 0; c < n.length; c++) {
            counts.put(data.classNames().get(c), n[c]);
        }
        return counts;
    }
}
