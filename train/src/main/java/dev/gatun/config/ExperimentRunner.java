package dev.gatun.config;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.nn.Module;
import dev.gatun.optim.LossScaler;
import dev.gatun.report.ConfusionMatrixFile;
import dev.gatun.report.DecisionBoundary;
import dev.gatun.report.HistogramRecorder;
import dev.gatun.report.RunReport;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Evaluation;
import dev.gatun.train.EvaluationWithPredictions;
import dev.gatun.train.JitWarmUp;
import dev.gatun.train.Predictions;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EarlyStopping;
import dev.gatun.train.callbacks.SwitchOptimizer;
import dev.gatun.train.checkpoint.Checkpoint;
import dev.gatun.train.checkpoint.CheckpointCallback;
import dev.gatun.train.console.ProgressBar;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RegressionMetrics;
import dev.gatun.train.parallel.DataParallel;
import dev.gatun.train.parallel.RunRefusedException;
import dev.gatun.tracking.RunLineage;
import dev.gatun.tracking.RunTracking;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one {@link ExperimentConfig} end to end: selects the backend, loads the data, checks that
 * training fits the memory budget ({@link ModelMemory}) and builds the network, optimizer, loss and
 * callbacks inside one {@link Scope}; creates a {@link RunFolder}
 * named after the config holding {@code config.json} (the normalized config); trains with the
 * metrics logged per epoch; evaluates the test set, if any, at the end; and writes
 * {@code model.safetensors}.
 */
public final class ExperimentRunner {
    /** The decision-boundary plot of a 2-feature classifier, in its run folder. */
    public static final String DECISION_BOUNDARY = RunReport.DECISION_BOUNDARY;
    private static final int HISTOGRAM_BINS = 30;
    // Checkpoints kept by training.checkpoint_every: enough to survive a crash during a save.
    private static final int KEEP_CHECKPOINTS = 2;
    /** Keys of the model config saved in checkpoints: the normalized config and the model card. */
    static final String CONFIG_KEY = "config";
    static final String CARD_KEY = "model";
    /** The checkpoint model_config key of a data-parallel run's ranks and loader positions. */
    static final String DISTRIBUTED_KEY = "distributed";

    private ExperimentRunner() {}

    /**
     * Runs {@code config}, putting its run folder under {@code runsDir}; progress goes to {@code out}.
     *
     * @param config the experiment
     * @param runsDir the directory the run folder is created in
     * @param out where progress is printed
     * @return what the experiment produced
     * @throws ConfigException for a config that does not fit its data (path and problem)
     * @throws IOException for data files that cannot be read and outputs that cannot be written
     */
    public static ExperimentResult run(ExperimentConfig config, Path runsDir, PrintStream out) throws IOException {
        return run(config, runsDir, out, List.of());
    }

    /**
     * Like {@link #run(ExperimentConfig, Path, PrintStream)}, with {@code observers} added to the
     * trainer after the config's own callbacks (e.g. Studio's live view).
     *
     * @param config the experiment
     * @param runsDir the directory the run folder is created in
     * @param out where progress is printed
     * @param observers callbacks that watch the training
     * @return what the experiment produced
     * @throws ConfigException for a config that does not fit its data (path and problem)
     * @throws IOException for data files that cannot be read and outputs that cannot be written
     */
    public static ExperimentResult run(ExperimentConfig config, Path runsDir, PrintStream out, List<Callback> observers)
            throws IOException {
        return run(config, runsDir, out, prepared -> observers);
    }

    /**
     * Like {@link #run(ExperimentConfig, Path, PrintStream, List)}, with observers made once the
     * training is prepared, so they can see its data (e.g. to show a confusion matrix).
     *
     * @param config the experiment
     * @param runsDir the directory the run folder is created in
     * @param out where progress is printed
     * @param observers makes the callbacks that watch the training from the prepared experiment
     * @return what the experiment produced
     * @throws ConfigException for a config that does not fit its data (path and problem)
     * @throws IOException for data files that cannot be read and outputs that cannot be written
     */
    public static ExperimentResult run(ExperimentConfig config, Path runsDir, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers) throws IOException {
        return run(config, runsDir, out, observers, RunLineage.NONE);
    }

    /**
     * Like {@link #run(ExperimentConfig, Path, PrintStream, Function)}, for a run that belongs to
     * others (a sweep's trial, a fold): {@code lineage} goes into its folder as
     * {@value RunLineage#FILE} before it trains.
     *
     * @param config the experiment
     * @param runsDir the directory the run folder is created in
     * @param out where progress is printed
     * @param observers makes the callbacks that watch the training from the prepared experiment
     * @param lineage the run's parent, role and tags
     * @return what the experiment produced
     * @throws ConfigException for a config that does not fit its data (path and problem)
     * @throws IOException for data files that cannot be read and outputs that cannot be written
     */
    public static ExperimentResult run(ExperimentConfig config, Path runsDir, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers, RunLineage lineage) throws IOException {
        return RunTracking.around(tracking -> execute(config, runsDir, null, config.training().epochs(), out,
                "config '" + config.name() + "'", observers, lineage, tracking, null));
    }

    /**
     * Runs {@code config} as one rank of a data-parallel run (see {@link DataParallel}). The
     * config's {@code training.batch} is each rank's batch: the run trains with the global batch
     * (ranks × batch), which its {@code config.json} and checkpoints record, and equals one process
     * with that batch. Rank 0 creates the run folder, prints, logs, tracks and checkpoints (with
     * {@code observers}); the other ranks only train and evaluate with it, silently, and return a
     * result without a folder.
     *
     * @param config the experiment, with each rank's batch
     * @param runsDir the directory rank 0 creates the run folder in
     * @param out where rank 0 prints progress
     * @param observers makes rank 0's callbacks that watch the training
     * @param parallel the ranks
     * @return what the experiment produced (folder null except on rank 0)
     * @throws IOException for data files that cannot be read and outputs that cannot be written
     * @throws RunRefusedException on every rank alike when the ranks disagree on the config or the data
     */
    public static ExperimentResult runDistributed(ExperimentConfig config, Path runsDir, PrintStream out,
            Function<PreparedExperiment, List<? extends Callback>> observers, DataParallel parallel) throws IOException {
        ExperimentConfig global = withGlobalBatch(config, parallel.collectives().size());
        String source = "config '" + config.name() + "'";
        if (!parallel.collectives().isRoot()) {
            return execute(global, runsDir, null, global.training().epochs(), SILENT, source, observers,
                    RunLineage.NONE, null, parallel);
        }
        return RunTracking.around(tracking -> execute(global, runsDir, null, global.training().epochs(), out, source,
                observers, RunLineage.NONE, tracking, parallel));
    }

    /**
     * Continues a run from a checkpoint as one rank of a data-parallel run, with any number of
     * ranks up to the global batch the checkpoint's config records: a global batch that does not
     * divide by the ranks is split by {@link dev.gatun.train.parallel.ShardPlan}'s rule, which
     * still makes every step the step of one process. Every rank must be able to read the
     * checkpoint.
     *
     * @param path a checkpoint directory, or a run folder
     * @param epochs the last epoch to train, or 0 for the config's
     * @param out where rank 0 prints progress
     * @param parallel the ranks
     * @return what the resumed run produced (folder null except on rank 0)
     * @throws IOException when the checkpoint or data cannot be read or outputs cannot be written
     */
    public static ExperimentResult resumeDistributed(Path path, int epochs, PrintStream out, DataParallel parallel)
            throws IOException {
        return resume(path, epochs, out, parallel);
    }

    /** Rank 0's output stream elsewhere: the other ranks print nothing. */
    private static final PrintStream SILENT = new PrintStream(OutputStream.nullOutputStream());

    /**
     * {@code config} with {@code training.batch} multiplied by {@code ranks}: the global batch of a
     * data-parallel run whose ranks each take the config's batch.
     *
     * @param config the config, with each rank's batch
     * @param ranks the number of ranks
     * @return the config with the global batch
     */
    public static ExperimentConfig withGlobalBatch(ExperimentConfig config, int ranks) {
        ObjectNode tree = config.normalized();
        long global = (long) config.training().batch() * ranks;
        if (global > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("training.batch " + config.training().batch() + " × " + ranks
                    + " ranks is too large a global batch");
        }
        ((ObjectNode) tree.get("training")).put("batch", (int) global);
        return ExperimentConfig.from(tree, config.name());
    }

    /**
     * Refuses {@code config} when training it would pass the memory budget and its example shape is
     * known without loading the data (see {@link ExperimentConfig#exampleShapeOrNull()}); the run
     * checks again with the data's shape. For checking every config before the first trains.
     *
     * @param config the experiment to check
     * @param source where the config comes from, for the message (its file)
     * @throws dev.gatun.tensor.MemoryBudgetException naming {@code source}, the network, the size and the budget
     */
    public static void checkMemory(ExperimentConfig config, String source) {
        int[] shape = config.exampleShapeOrNull();
        if (shape != null) {
            // A fresh instance: it tells the device without choosing the process's backend.
            ModelMemory.requireTraining(config, shape, BackendRegistry.create(config.backend()).device(), source);
        }
    }

    /**
     * Continues a run from a checkpoint ({@code path} is a checkpoint directory, or a run folder
     * whose newest checkpoint is taken), in the run's own folder, up to {@code epochs} (0: the
     * config's). The config comes from the checkpoint, so the resumed run equals the uninterrupted
     * one on the same backend.
     *
     * @param path a checkpoint directory, or a run folder
     * @param epochs the last epoch to train, or 0 for the config's
     * @param out where progress is printed
     * @return what the resumed run produced
     * @throws IOException when the checkpoint or data cannot be read or outputs cannot be written
     */
    public static ExperimentResult resume(Path path, int epochs, PrintStream out) throws IOException {
        return resume(path, epochs, out, null);
    }

    private static ExperimentResult resume(Path path, int epochs, PrintStream out, DataParallel parallel)
            throws IOException {
        Path checkpoint = Checkpoint.locate(path);
        JsonNode saved = Checkpoint.readModelConfig(checkpoint);
        if (!saved.path(CONFIG_KEY).isObject()) {
            throw new IllegalArgumentException(checkpoint + " was not saved by a config run (its model_config has no '"
                    + CONFIG_KEY + "'); resume it with the program that wrote it");
        }
        ExperimentConfig config = ConfigLoader.experiment(saved.get(CONFIG_KEY),
                Checkpoint.runFolderOf(checkpoint).getFileName().toString(),
                checkpoint.resolve(Checkpoint.JSON_FILE) + ": model_config." + CONFIG_KEY);
        int last = epochs > 0 ? epochs : config.training().epochs();
        String source = checkpoint.resolve(Checkpoint.JSON_FILE).toString();
        if (parallel != null && !parallel.collectives().isRoot()) {
            return execute(config, null, checkpoint, last, SILENT, source, prepared -> List.of(), RunLineage.NONE,
                    null, parallel);
        }
        return RunTracking.around(tracking -> execute(config, null, checkpoint, last, out, source,
                prepared -> List.of(), RunLineage.NONE, tracking, parallel));
    }

    /** The kinds of layers in a config's layers, nested ones included, added to {@code kinds}. */
    private static Set<JitWarmUp.Kind> warmUpKinds(List<LayerConfig> layers, Set<JitWarmUp.Kind> kinds) {
        for (LayerConfig layer : layers) {
            switch (layer) {
                case LayerConfig.Conv2d c -> kinds.add(JitWarmUp.Kind.CONV);
                case LayerConfig.Recurrent r -> kinds.add(JitWarmUp.Kind.RECURRENT);
                case LayerConfig.Residual r -> warmUpKinds(r.layers(), kinds);
                default -> { }
            }
        }
        return kinds;
    }

    /** With {@code parallel} (else null) one rank of a data-parallel run; only rank 0 gets a {@code tracking}. */
    private static ExperimentResult execute(ExperimentConfig config, Path runsDir, Path checkpoint, int epochs,
            PrintStream out, String source, Function<PreparedExperiment, List<? extends Callback>> observers,
            RunLineage lineage, RunTracking tracking, DataParallel parallel) throws IOException {
        RunPrecision.selectBackend(config.backend(), config.training().precision());
        // While the data loads, the JIT compiles the kernels the run's first steps need.
        JitWarmUp.start(warmUpKinds(config.model().layers(), EnumSet.of(JitWarmUp.Kind.DENSE)));
        try (Scope scope = Scope.open("experiment " + config.name())) {
            PreparedExperiment prepared = PreparedExperiment.prepare(config, checkpoint, source, scope);
            ExperimentData data = prepared.data();
            Module net = prepared.module();
            ModelCard card = prepared.card();
            Checkpoint saved = prepared.checkpointOrNull();
            DataLoader train = prepared.train();
            DataLoader validation = prepared.validation();
            DataLoader test = prepared.test();
            TrainingConfig t = config.training();
            if (parallel != null) {
                int ranks = parallel.collectives().size();
                RunFingerprint.of(config, data, saved == null ? 0 : saved.epoch())
                        .requireSameOnEveryRank(parallel.collectives());
                if (ranks > t.batch()) {
                    throw new RunRefusedException(source + ": " + ranks + " ranks cannot share a global batch of "
                            + t.batch() + " examples (training.batch); use at most " + t.batch() + " ranks");
                }
                if (!parallel.collectives().isRoot()) {
                    return trainRank(config, prepared, epochs, parallel);
                }
            }

            RunFolder folder;
            if (saved == null) {
                folder = RunFolder.create(runsDir, config.name());
                folder.writeAtomically(TrainedModel.CONFIG, (ConfigLoader.toJson(config.normalized()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                card.write(folder);
                lineage.write(folder);
            } else {
                folder = RunFolder.open(Checkpoint.runFolderOf(checkpoint));
            }
            // Recorded in the tracking store from here on; the lineage file (written above) names its parent.
            Callback recording = tracking.begin(folder.path(), config.name(), config.normalized(), out);
            Map<String, String> run = new LinkedHashMap<>();
            run.put("config", config.name());
            run.put("backend", BackendRegistry.current().name());
            if (t.precision() != Precision.FP32) {
                run.put("precision", t.precision().label());
            }
            run.put("seed", Long.toString(config.seed()));
            run.put("parameters", Long.toString(net.parameterCount()));
            if (parallel != null) {
                run.put("ranks", Integer.toString(parallel.collectives().size()));
            }
            run.put("train_examples", Integer.toString(data.train().size()));
            run.put("validation_examples", Integer.toString(size(data.validationOrNull())));
            run.put("test_examples", Integer.toString(size(data.testOrNull())));
            Map<String, String> start = prepared.startInfo();
            run.putAll(start);
            MetricsLog log = new MetricsLog(folder, run);
            out.printf(Locale.ROOT, "%s: %d parameters, %d train / %d validation / %d test examples, backend %s, "
                    + "run folder %s%n", config.name(), net.parameterCount(), data.train().size(),
                    size(data.validationOrNull()), size(data.testOrNull()), BackendRegistry.current().name(), folder);
            if (start.containsKey("frozen_layers")) {
                out.printf(Locale.ROOT, "frozen layers %s: %s parameters trained, %s frozen%n", start.get("frozen_layers"),
                        start.get("trainable_parameters"), start.get("frozen_parameters"));
            }
            if (start.containsKey("init_from")) {
                out.printf(Locale.ROOT, "weights from %s, fresh layers: %s%n", start.get("init_from"),
                        start.get("init_fresh_layers"));
            }

            String precision = RunPrecision.describe(t, BackendRegistry.current());
            if (precision != null) {
                out.println(precision);
            }
            Trainer trainer = new Trainer(net, prepared.optimizer(), prepared.loss(), out, ProgressBar.isTerminal());
            RunPrecision.apply(trainer, t);
            trainer.useCudaGraphs(t.cudaGraphs());
            addCallbacks(trainer, config, train.batchCount());
            if (parallel != null) {
                trainer.setDataParallel(parallel);
                out.printf(Locale.ROOT, "data-parallel over %d ranks (%s): global batch %d%n",
                        parallel.collectives().size(), parallel.collectives().describe(), t.batch());
            }
            trainer.addCallback(new HistogramRecorder(folder, HISTOGRAM_BINS));
            // Before the observers: an epoch after which a pruner throws is still recorded.
            trainer.addCallback(recording);
            observers.apply(prepared).forEach(trainer::addCallback);
            if (t.checkpointEvery() > 0) {
                ObjectNode modelConfig = JsonNodeFactory.instance.objectNode();
                modelConfig.set(CONFIG_KEY, config.normalized());
                modelConfig.set(CARD_KEY, card.toJson());
                if (parallel != null) {
                    modelConfig.set(DISTRIBUTED_KEY, DistributedPositions.toJson(parallel, train));
                }
                // Last: a checkpoint must see the epoch after every other callback has run.
                trainer.addCallback(new CheckpointCallback(folder.path(), modelConfig, Map.of("seed", config.seed()),
                        t.checkpointEvery(), KEEP_CHECKPOINTS));
            }
            if (saved != null) {
                trainer.resume(saved);
                out.printf(Locale.ROOT, "resumed from %s after epoch %d%n", checkpoint, saved.epoch());
            }
            List<EpochMetrics> ran = trainer.fit(train, validation, epochs, log);
            if (parallel != null) {
                out.printf(Locale.ROOT, "parameters bit-identical on all %d ranks: sha256 %s%n",
                        parallel.collectives().size(), parallel.requireIdenticalParameters(net));
                double trained = ran.stream().mapToDouble(EpochMetrics::seconds).sum();
                double syncing = parallel.gradientSyncNanos() / 1e9;
                out.printf(Locale.ROOT, "gradient all-reduce on rank 0: %.3f s of %.3f s training (%.1f%%), %d steps%n",
                        syncing, trained, 100 * syncing / Math.max(trained, 1e-9), parallel.gradientSyncs());
            }

            Map<String, Double> end = new LinkedHashMap<>();
            if (trainer.lossScaler() != null) {
                LossScaler scaler = trainer.lossScaler();
                end.put("loss_scale", scaler.scale());
                end.put("skipped_steps", (double) scaler.skippedSteps());
                out.printf(Locale.ROOT, "loss scale %.0f at the end, %d steps skipped for inf/NaN gradients%n",
                        scaler.scale(), scaler.skippedSteps());
            }
            if (test != null) {
                EvaluationWithPredictions tested = trainer.evaluateWithPredictions(test);
                Evaluation e = tested.evaluation();
                end.put("test_loss", e.loss());
                end.put("test_accuracy", e.accuracy());
                out.printf(Locale.ROOT, "test loss %.6f%s%n", e.loss(),
                        Double.isNaN(e.accuracy()) ? "" : String.format(Locale.ROOT, ", test accuracy %.4f", e.accuracy()));
                end.putAll(testMetrics(tested.predictions(), data, folder));
            }
            if (validation != null) {
                Evaluation e = trainer.evaluate(validation);
                end.put("val_loss", e.loss());
                end.put("val_accuracy", e.accuracy());
            }
            if (data.classes() > 0 && Arrays.equals(data.exampleShape(), new int[] {2}) && RunReport.canPlot()) {
                DecisionBoundary.write(folder.resolve(DECISION_BOUNDARY), net, data.train(), data.classNames());
            }
            log.setFinal(end);
            folder.writeAtomically(TrainedModel.WEIGHTS, s -> SafetensorsWriter.write(net.state(), run, s));
            RunReport.write(folder.path());
            tracking.finished(end);
            return new ExperimentResult(config, folder, trainer.history(), end);
        }
    }

    /**
     * A rank other than 0 of a data-parallel run: the same training, callbacks that change it
     * (switches, schedule, early stopping) and evaluations as rank 0, in the same order, so that
     * every collective meets its partners; no folder, log, tracking, report or checkpoint.
     */
    private static ExperimentResult trainRank(ExperimentConfig config, PreparedExperiment prepared, int epochs,
            DataParallel parallel) {
        Trainer trainer = new Trainer(prepared.module(), prepared.optimizer(), prepared.loss(), SILENT, false);
        RunPrecision.apply(trainer, config.training());
        addCallbacks(trainer, config, prepared.train().batchCount());
        trainer.setDataParallel(parallel);
        if (prepared.checkpointOrNull() != null) {
            trainer.resume(prepared.checkpointOrNull());
        }
        trainer.fit(prepared.train(), prepared.validation(), epochs, null);
        parallel.requireIdenticalParameters(prepared.module());
        Map<String, Double> end = new LinkedHashMap<>();
        if (prepared.test() != null) {
            Evaluation e = trainer.evaluate(prepared.test());
            end.put("test_loss", e.loss());
            end.put("test_accuracy", e.accuracy());
        }
        if (prepared.validation() != null) {
            Evaluation e = trainer.evaluate(prepared.validation());
            end.put("val_loss", e.loss());
            end.put("val_accuracy", e.accuracy());
        }
        return new ExperimentResult(config, null, trainer.history(), end);
    }

    /**
     * Metrics beyond loss and accuracy on the test part: macro precision, recall and F1 and the
     * confusion matrix (written to {@code confusion.json}) for classes; MSE, MAE and R² for
     * regression.
     */
    private static Map<String, Double> testMetrics(Predictions p, ExperimentData data, RunFolder folder)
            throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        if (p.labels() != null) {
            ConfusionMatrix cm = p.confusion();
            m.put("test_macro_precision", cm.macroPrecision());
            m.put("test_macro_recall", cm.macroRecall());
            m.put("test_macro_f1", cm.macroF1());
            if (p.width() > 2) {
                m.put("test_top2_accuracy", p.topK(2));
            }
            ConfusionMatrixFile.write(folder, cm, data.classNames());
        } else {
            RegressionMetrics r = p.regression();
            m.put("test_mse", r.mse());
            m.put("test_mae", r.mae());
            m.put("test_r2", r.r2());
        }
        return m;
    }

    /**
     * The config's callbacks in the order they must run: optimizer switches, the
     * schedule (which drives whichever optimizer is current), then early stopping.
     */
    static void addCallbacks(Trainer trainer, ExperimentConfig config, int batchesPerEpoch) {
        for (SwitchConfig s : config.switches()) {
            if (s.optimizerOrNull() != null) {
                // SwitchOptimizer hands over the model's trainable parameters: frozen layers stay out.
                trainer.addCallback(new SwitchOptimizer(s.epoch() - 1,
                        ps -> OptimizerFactory.create(s.optimizerOrNull(), ps)));
            } else {
                trainer.addCallback(Callback.afterEachEpoch(ctx -> {
                    if (ctx.epoch() == s.epoch() - 1) {
                        ctx.setLearningRate(s.lr());
                    }
                }));
            }
        }
        if (config.scheduleOrNull() != null) {
            // A switch restarts the schedule from its rate, rather than the schedule overriding it.
            trainer.addCallback(ScheduleFactory.callback(config.scheduleOrNull(), config.optimizer().lr(),
                    config.training().epochs(), batchesPerEpoch, config.switches()));
        }
        EarlyStoppingConfig e = config.earlyStoppingOrNull();
        if (e != null) {
            trainer.addCallback(new EarlyStopping(e.monitor(), e.mode().equals("max") ? EarlyStopping.Mode.MAX
                    : EarlyStopping.Mode.MIN, e.patience(), e.minDelta(), e.restoreBest()));
        }
    }

    private static int size(Dataset data) {
        return data == null ? 0 : data.size();
    }
}
