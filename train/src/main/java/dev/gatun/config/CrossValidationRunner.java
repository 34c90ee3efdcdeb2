package dev.gatun.config;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.Dataset;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tracking.RunLineage;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
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
 * the config's seed, so a config always gets the same folds.
 */
public final class CrossValidationRunner {
    /** The parent's role in its lineage. */
    public static final String PARENT_ROLE = "parent";
    /** Each fold's role in its lineage. */
    public static final String FOLD_ROLE = "fold";

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
        int k = config.training().folds();
        if (k < 2) {
            throw new ConfigException("training.folds", "must be >= 2 for cross-validation, got " + k)
                    .in("config '" + config.name() + "'");
        }
        if (config.training().fold() != 0) {
            throw new ConfigException("training.fold", "names one fold (" + config.training().fold() + "); train it "
                    + "with ExperimentRunner, or drop it to run all " + k).in("config '" + config.name() + "'");
        }
        List<ExperimentConfig> folds = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            folds.add(fold(config, i));
        }
        // The data decides whether K folds can be stratified: find out before anything trains.
        try (Scope check = Scope.open("cross-validation check " + config.name())) {
            DataFactory.load(folds.getFirst(), check);
        } catch (ConfigException e) {
            throw e.source() == null ? e.in("config '" + config.name() + "'") : e;
        }

        RunFolder parent = RunFolder.create(runsDir, config.name() + "-folds");
        parent.writeAtomically(TrainedModel.CONFIG, (ConfigLoader.toJson(config.normalized()) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        String parentId = parent.path().getFileName().toString();
        new RunLineage(null, PARENT_ROLE, Map.of("folds", Integer.toString(k))).write(parent);
        out.printf(Locale.ROOT, "%s: %d-fold cross-validation%s, parent run folder %s%n", config.name(), k,
                config.data().classification() ? " (stratified)" : "", parent);

        List<ExperimentResult> results = new ArrayList<>();
        List<CrossValidationSummary.Fold> summaries = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            out.printf(Locale.ROOT, "== fold %d of %d%n", i, k);
            Map<String, Long> counts = new LinkedHashMap<>();
            ExperimentResult r = ExperimentRunner.run(folds.get(i - 1), runsDir, out, prepared -> {
                counts.putAll(classCounts(prepared.data()));
                return observers.apply(prepared);
            }, new RunLineage(parentId, FOLD_ROLE, Map.of(FOLD_ROLE, Integer.toString(i))));
            results.add(r);
            summaries.add(new CrossValidationSummary.Fold(i, r.folder().path().getFileName().toString(), counts,
                    r.finalMetrics()));
            // Written after every fold, so an interrupted cross-validation still says what it reached.
            CrossValidationSummary.of(config.name(), summaries).write(parent);
        }
        CrossValidationSummary summary = CrossValidationSummary.of(config.name(), summaries);
        summary.write(parent);
        summary.print(out);
        out.println("cross-validation summary: " + parent.resolve(CrossValidationSummary.MARKDOWN));
        return new Result(parent, results, summary);
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
