package dev.gatun.cli;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.CrossValidationRunner;
import dev.gatun.config.DataConfig;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.distributed.DistributedTraining;
import dev.gatun.distributed.MpiLaunch;
import dev.gatun.report.Comparison;
import dev.gatun.report.ComparisonReport;
import dev.gatun.report.RunReport;
import dev.gatun.studio.live.LiveReporter;
import dev.gatun.tracking.RunLineage;
import dev.gatun.sweep.Sweep;
import dev.gatun.sweep.SweepSettings;
import dev.gatun.sweep.SweepState;
import dev.gatun.train.metrics.RunFolder;
import java.io.PrintStream;
import java.io.PrintWriter;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code gatun train CONFIG...}: trains each config in turn (a {@code search} section expands
 * into its trials), each into its own run folder with metrics, checkpoints, plots and
 * {@code report.html}; with more than one run, ranks them in a comparison report.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train models defined in YAML/JSON configs, each into runs/<name>-<date>-<time>/ with metrics,"
                + " plots and report.html; several configs (or a search section) end with a comparison report.",
                "Examples: gatun train configs/spirals.yaml | gatun train configs/*.yaml --set training.epochs=5"
                        + " | gatun train --resume runs/spirals-20261122-101500"
                        + " | gatun train configs/pretrained/fashion-few.yaml --init-from pretrained/fashion-mlp"
                        + " --fresh-head"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "CONFIG", description = "config files (.yaml, .yml, .json)")
    private List<Path> configs = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "where run folders go (default: ${DEFAULT-VALUE})")
    private Path runs;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "override a config value, e.g. --set optimizer.lr=0.01 --set 'model.layers[0].units=32'")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--epochs", paramLabel = "N", description = "train for N epochs (same as --set training.epochs=N)")
    private Integer epochs;

    @Option(names = "--seed", paramLabel = "S", description = "seed (same as --set seed=S)")
    private Long seed;

    @Option(names = "--precision", paramLabel = "P", completionCandidates = PrecisionNames.class,
            description = "one of ${COMPLETION-CANDIDATES}: mixed precision for bf16/fp16 (same as --set"
                    + " training.precision=P)")
    private String precision;

    @Option(names = "--backend", paramLabel = "NAME", completionCandidates = BackendNames.class,
            description = "one of ${COMPLETION-CANDIDATES} (same as --set backend=NAME)")
    private String backend;

    @Option(names = "--cuda-graphs",
            description = "capture training steps as CUDA graphs and replay them (same as --set training.cuda_graphs=true)")
    private boolean cudaGraphs;

    @Option(names = "--resume", paramLabel = "RUN|CHECKPOINT|SWEEP",
            description = "continue a run from its newest checkpoint (or the checkpoint named), in its own folder;"
                    + " or a sweep from its folder (runs/<name>-sweep-<date>-<time>), without repeating ended trials")
    private Path resume;

    @Option(names = "--init-from", paramLabel = "RUN",
            description = "start from the weights of a trained model (a run folder, an export or a checkpoint, e.g."
                    + " pretrained/fashion-mlp), matched layer by layer, and reuse its preprocessing"
                    + " (init.from in the config)")
    private Path initFrom;

    @Option(names = "--fresh-head",
            description = "with --init-from: the last layer with weights starts fresh, e.g. for a new number of classes"
                    + " (init.fresh: [last] in the config)")
    private boolean freshHead;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
            description = "train N configs side by side, each in its own JVM with its share of the cores;"
                    + " their output goes to train.log in each run folder (default: ${DEFAULT-VALUE}, in turn);"
                    + " a sweep (search.method: tpe) runs N trials at once in this process")
    private int jobs;

    @Option(names = "--folds", paramLabel = "K",
            description = "stratified K-fold cross-validation (same as --set training.folds=K): a parent run folder"
                    + " with the summary (each fold, mean and std) and K fold runs beside it; with --jobs N, N folds"
                    + " train side by side")
    private Integer folds;

    // For the processes of --jobs: the folder whose lineage.json the run records (a fold's parent).
    @Option(names = "--lineage", paramLabel = "DIR", hidden = true)
    private Path lineageFrom;

    @Option(names = "--live",
            description = "stream the training to Gatun Studio (the one running, found through ~/.gatun/studio.json,"
                    + " or one started here, which serves until Ctrl-C after training)")
    private boolean live;

    @Option(names = "--metric", paramLabel = "NAME",
            description = "metric that ranks several runs (default: val_accuracy or val_loss, test_* without validation)")
    private String metric;

    @Option(names = "--lower-is-better", negatable = true,
            description = "rank the lowest metric first (default: yes for *loss, *mse, *mae, *error)")
    private Boolean lowerIsBetter;

    @Option(names = "--distributed",
            description = "train one config (or --resume a run) data-parallel, as one rank of an mpirun job:"
                    + " mpirun -np 2 bin/gatun train CONFIG --distributed; each rank takes the config's batch, so the"
                    + " run equals one process with ranks × batch; rank 0 prints and writes the run folder")
    private boolean distributed;

    @Option(names = {"-q", "--quiet"},
            description = "print no progress (no bar, no line per epoch), only each run's folder and result and errors")
    private boolean quiet;

    @Option(names = "--tracking", paramLabel = "URL|off",
            description = "the tracking store runs record to: jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB?user=..&password=..,"
                    + " or off (default: -Dgatun.tracking, else $GATUN_TRACKING, else SQLite in --runs: runs/gatun-runs.db)")
    private String tracking;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (tracking != null) {
            // Checked now, and set for the whole process: every run below, and --jobs' children, record there.
            try {
                dev.gatun.tracking.TrackingTarget.resolve(tracking, runs);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            System.setProperty(dev.gatun.tracking.TrackingTarget.PROPERTY, tracking);
        }
        PrintStream progress = quiet ? new PrintStream(java.io.OutputStream.nullOutputStream(), true,
                java.nio.charset.StandardCharsets.UTF_8) : WriterStream.of(out);
        if (distributed) {
            return trainDistributed(out, progress);
        }
        if (resume != null && SweepState.isSweepFolder(resume)) {
            return resumeSweep(out);
        }
        if (resume != null) {
            if (!configs.isEmpty() || !overrides.isEmpty() || seed != null || backend != null || precision != null
                    || initFrom != null || freshHead || folds != null || cudaGraphs) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run with its own config: give no"
                        + " CONFIG, --set, --seed, --backend, --precision, --init-from, --fresh-head, --folds or"
                        + " --cuda-graphs (only --epochs, to train longer)");
            }
            ExperimentResult r = ExperimentRunner.resume(resume, epochs == null ? 0 : epochs, progress);
            finished(out, r);
            return 0;
        }
        if (configs.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give at least one CONFIG file (or --resume RUN)");
        }
        Map<String, String> all = overridesWithOptions();
        if (folds != null) {
            if (folds < 2) {
                throw new ParameterException(spec.commandLine(), "--folds must be >= 2 (training.folds), got " + folds);
            }
            all.put("training.folds", Integer.toString(folds));
        }

        if (jobs < 1) {
            throw new ParameterException(spec.commandLine(), "--jobs must be >= 1, got " + jobs);
        }
        // Sweeps are checked with the others, and run after them: each proposes its trials as it goes.
        Map<Path, JsonNode> sweeps = new LinkedHashMap<>();
        for (Path file : configs) {
            JsonNode tree = ConfigLoader.tree(file, withInit(file, all));
            if (SweepSettings.isSweep(tree)) {
                SweepLauncher.check(file, tree);
                sweeps.put(file, tree);
            }
        }
        if (!sweeps.isEmpty() && live) {
            throw new ParameterException(spec.commandLine(), sweeps.keySet().iterator().next() + " is a sweep"
                    + " (search.method: tpe or a pruner): --live watches single runs, and a sweep's trial logs are in"
                    + " its folder");
        }
        if (sweeps.size() == configs.size()) {
            return SweepLauncher.startAll(sweeps, runs, jobs, out);
        }

        // Every config is read and validated, and checked against the memory budget, before the
        // first trains: a typo in the last file should not surface an hour into the first.
        List<ExperimentConfig> experiments = new ArrayList<>();
        for (Path file : configs) {
            if (sweeps.containsKey(file)) {
                continue;
            }
            List<ExperimentConfig> loaded = ConfigLoader.load(file, withInit(file, all));
            for (ExperimentConfig c : loaded) {
                ExperimentRunner.checkMemory(c, loaded.size() > 1 ? file + " (" + c.name() + ")" : file.toString());
            }
            experiments.addAll(loaded);
        }
        LiveStudio studio = live ? LiveStudio.findOrStart(out) : null;
        List<Path> folders = new ArrayList<>();
        boolean failed = false;
        List<ExperimentConfig> crossValidated = experiments.stream().filter(TrainCommand::crossValidates).toList();
        for (ExperimentConfig c : crossValidated) {
            // Whether the data allows K stratified folds, for every config before the first trains.
            CrossValidationRunner.check(c);
        }
        if (!crossValidated.isEmpty()) {
            experiments = new ArrayList<>(experiments);
            experiments.removeAll(crossValidated);
            for (ExperimentConfig c : crossValidated) {
                if (jobs > 1) {
                    failed |= foldsSideBySide(c, live, out, progress);
                } else if (studio == null) {
                    CrossValidationRunner.run(c, runs, progress);
                } else {
                    // Each fold is a run of its own in Studio, under the fold's name.
                    List<LiveReporter> reporters = new ArrayList<>();
                    try {
                        CrossValidationRunner.run(c, runs, progress, prepared -> {
                            LiveReporter r = studio.reporter(prepared.config(), progress);
                            reporters.add(r);
                            return List.of(r.watching(prepared));
                        });
                    } finally {
                        reporters.forEach(LiveReporter::close);
                    }
                }
                out.flush();
            }
        }
        if (jobs > 1 && experiments.size() > 1) {
            for (ParallelRuns.Outcome o : ParallelRuns.run(experiments, runs, Math.min(jobs, experiments.size()), live,
                    out)) {
                if (o.folderOrNull() == null) {
                    failed = true;
                } else {
                    folders.add(o.folderOrNull());
                }
            }
        } else {
            for (int i = 0; i < experiments.size(); i++) {
                ExperimentConfig c = experiments.get(i);
                if (experiments.size() > 1) {
                    out.printf(Locale.ROOT, "== run %d of %d: %s%n", i + 1, experiments.size(), c.name());
                }
                ExperimentResult r;
                RunLineage lineage = lineageFrom == null ? RunLineage.NONE : RunLineage.read(lineageFrom);
                if (studio == null) {
                    r = ExperimentRunner.run(c, runs, progress, prepared -> List.of(), lineage);
                } else {
                    try (LiveReporter reporter = studio.reporter(c, progress)) {
                        r = ExperimentRunner.run(c, runs, progress, prepared -> List.of(reporter.watching(prepared)),
                                lineage);
                    }
                }
                finished(out, r);
                folders.add(r.folder().path());
            }
        }
        if (folders.size() > 1) {
            String m = metric != null ? metric : defaultMetric(experiments.getFirst());
            Path dir = RunFolder.create(runs, "compare").path();
            Comparison c = ComparisonReport.write(dir, folders, m, MetricGoal.higherIsBetter(m, lowerIsBetter));
            ComparisonTable.print(out, c, dir);
        }
        if (!sweeps.isEmpty() && SweepLauncher.startAll(sweeps, runs, jobs, out) != 0) {
            failed = true;
        }
        if (studio != null) {
            studio.serveUntilStopped(out);
        }
        if (failed) {
            spec.commandLine().getErr().println("gatun train: some runs failed; see their logs above");
            return 1;
        }
        return 0;
    }

    /** The --set overrides plus what --epochs, --seed, --precision, --backend and --cuda-graphs set. */
    private Map<String, String> overridesWithOptions() {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        if (epochs != null) {
            all.put("training.epochs", Integer.toString(epochs));
        }
        if (seed != null) {
            all.put("seed", Long.toString(seed));
        }
        if (backend != null) {
            all.put("backend", backend);
        }
        if (precision != null) {
            all.put("training.precision", precision);
        }
        if (cudaGraphs) {
            all.put("training.cuda_graphs", "true");
        }
        return all;
    }

    /** {@code --distributed}: one config, or a run to resume, trained as this process's rank of an mpirun job. */
    private int trainDistributed(PrintWriter out, PrintStream progress) throws Exception {
        // Before anything is read: without mpirun the answer is how to launch, whatever else is wrong.
        if (MpiLaunch.from(System.getenv()).isEmpty()) {
            throw new IllegalStateException(MpiLaunch.HOW_TO_LAUNCH);
        }
        if (jobs != 1 || folds != null || (resume == null ? configs.size() != 1 : !configs.isEmpty())) {
            throw new ParameterException(spec.commandLine(), "--distributed trains one CONFIG (or --resume RUN), with"
                    + " no --jobs or --folds: every rank of the job trains the same run");
        }
        if (live && resume != null) {
            throw new ParameterException(spec.commandLine(), "--live watches a distributed run from its CONFIG, not a"
                    + " --resume");
        }
        ExperimentConfig config = null;
        if (resume == null) {
            Map<String, String> all = overridesWithOptions();
            Path file = configs.getFirst();
            List<ExperimentConfig> loaded = ConfigLoader.load(file, withInit(file, all));
            if (loaded.size() != 1 || crossValidates(loaded.getFirst())) {
                throw new ParameterException(spec.commandLine(), file + ": --distributed trains one run, not a search"
                        + " or a cross-validation");
            }
            config = loaded.getFirst();
            ExperimentRunner.checkMemory(config, file.toString());
        }
        LiveStudio studio = live && MpiLaunch.from(System.getenv()).orElseThrow().rank() == 0
                ? LiveStudio.findOrStart(out) : null;
        DistributedTraining.Outcome o;
        if (studio == null) {
            o = DistributedTraining.run(config, resume, epochs == null ? 0 : epochs, runs, progress,
                    prepared -> List.of(), System.getenv());
        } else {
            try (LiveReporter reporter = studio.reporter(config, progress)) {
                o = DistributedTraining.run(config, resume, epochs == null ? 0 : epochs, runs, progress,
                        prepared -> List.of(reporter.watching(prepared)), System.getenv());
            }
        }
        if (o.refusalOrNull() != null) {
            spec.commandLine().getErr().println("gatun train: " + o.refusalOrNull());
        }
        if (o.resultOrNull() != null) {
            finished(out, o.resultOrNull());
        }
        out.flush();
        if (studio != null && o.status() == 0) {
            studio.serveUntilStopped(out);
        }
        return o.status();
    }

    /** {@code --resume SWEEP_DIR}, with the same CONFIG and --set options or none: runs the trials not saved. */
    private int resumeSweep(PrintWriter out) throws Exception {
        if (configs.size() > 1 || epochs != null || initFrom != null || freshHead || live) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + " continues a sweep: give no other"
                    + " option than --jobs, and at most its CONFIG with the same --set, --seed and --backend");
        }
        Sweep sweep;
        if (configs.isEmpty()) {
            if (!overrides.isEmpty() || seed != null || backend != null) {
                throw new ParameterException(spec.commandLine(), "--set, --seed and --backend need the sweep's CONFIG"
                        + " beside --resume " + resume + " (or leave them out: the sweep keeps its config)");
            }
            sweep = Sweep.open(resume);
        } else {
            Map<String, String> all = new LinkedHashMap<>(overrides);
            if (seed != null) {
                all.put("seed", Long.toString(seed));
            }
            if (backend != null) {
                all.put("backend", backend);
            }
            Path file = configs.getFirst();
            sweep = Sweep.open(resume, ConfigLoader.tree(file, all), ConfigLoader.defaultName(file));
        }
        return SweepLauncher.run(sweep, runs(sweep), jobs, out);
    }

    /** A sweep's trials go beside its folder. */
    private static Path runs(Sweep sweep) {
        return sweep.folder().getParent();
    }

    /**
     * {@code overrides} plus what --init-from and --fresh-head set in {@code file}'s config: the keys
     * of its {@code init} section, or the whole section when it has none.
     */
    private Map<String, String> withInit(Path file, Map<String, String> overrides) throws java.io.IOException {
        if (initFrom == null && !freshHead) {
            return overrides;
        }
        Map<String, String> out = new LinkedHashMap<>(overrides);
        // Quoted as YAML, so that any path is taken as the string it is.
        String from = initFrom == null ? null : "'" + initFrom.toString().replace("'", "''") + "'";
        if (ConfigLoader.read(file).path("init").isObject()) {
            if (from != null) {
                out.put("init.from", from);
            }
            if (freshHead) {
                out.put("init.fresh", "last");
            }
        } else if (from == null) {
            throw new ParameterException(spec.commandLine(), "--fresh-head needs --init-from RUN (" + file
                    + " has no init section): the head is replaced in a model that starts from trained weights");
        } else {
            out.put("init", "{from: " + from + (freshHead ? ", fresh: last" : "") + "}");
        }
        return out;
    }

    private static void finished(PrintWriter out, ExperimentResult r) {
        out.println("run folder: " + r.folder() + " (report: " + r.folder().path().resolve(RunReport.FILE) + ")");
        double acc = r.metric("test_accuracy");
        double mse = r.metric("test_mse");
        if (!Double.isNaN(acc)) {
            out.printf(Locale.ROOT, "test accuracy: %.4f%n", acc);
        } else if (!Double.isNaN(mse)) {
            out.printf(Locale.ROOT, "test mse: %.6f%n", mse);
        }
        out.flush();
    }

    /**
     * Trains the folds of {@code c} with --jobs processes side by side, then summarizes them from
     * their run folders; returns whether a fold failed (and then writes no summary).
     */
    private boolean foldsSideBySide(ExperimentConfig c, boolean live, PrintWriter out, PrintStream progress)
            throws java.io.IOException, InterruptedException {
        CrossValidationRunner.Plan plan = CrossValidationRunner.plan(c, runs, progress);
        List<Path> done = new ArrayList<>();
        for (ParallelRuns.Outcome o : ParallelRuns.run(plan.folds(), plan.lineages(), runs,
                Math.min(jobs, plan.folds().size()), live, out)) {
            if (o.folderOrNull() == null) {
                return true;
            }
            done.add(o.folderOrNull());
        }
        CrossValidationRunner.summarize(plan, done, progress);
        out.flush();
        return false;
    }

    /** Whether {@code c} asks for a whole cross-validation rather than one run (or one fold). */
    private static boolean crossValidates(ExperimentConfig c) {
        return c.training().folds() > 0 && c.training().fold() == 0;
    }

    /** Accuracy for classes, loss for regression; on the validation part if the runs keep one. */
    static String defaultMetric(ExperimentConfig c) {
        DataConfig d = c.data();
        return (d.validation() > 0 ? "val_" : "test_") + (d.classification() ? "accuracy" : "loss");
    }
}
