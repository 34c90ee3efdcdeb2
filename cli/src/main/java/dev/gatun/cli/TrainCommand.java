package dev.gatun.cli;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.DataConfig;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.report.Comparison;
import dev.gatun.report.ComparisonReport;
import dev.gatun.report.RunReport;
import dev.gatun.studio.live.LiveReporter;
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
                        + " | gatun train configs/pretrained/fashion-mlp-finetune.yaml --init-from pretrained/fashion-mlp"
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

    @Option(names = "--backend", paramLabel = "NAME", description = "cpu or scalar (same as --set backend=NAME)")
    private String backend;

    @Option(names = "--resume", paramLabel = "RUN|CHECKPOINT",
            description = "continue a run from its newest checkpoint (or the checkpoint named), in its own folder")
    private Path resume;

    @Option(names = "--init-from", paramLabel = "RUN",
            description = "start from the weights of a trained model (a run folder, an export or a checkpoint, e.g."
                    + " pretrained/fashion-mlp), matched layer by layer, and reuse its preprocessing"
                    + " (same as --set init.from=RUN)")
    private Path initFrom;

    @Option(names = "--fresh-head",
            description = "with --init-from: the last layer with weights starts fresh, e.g. for a new number of classes"
                    + " (same as --set init.fresh=last)")
    private boolean freshHead;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
            description = "train N configs side by side, each in its own JVM with its share of the cores;"
                    + " their output goes to train.log in each run folder (default: ${DEFAULT-VALUE}, in turn)")
    private int jobs;

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
        PrintStream progress = WriterStream.of(out);
        if (resume != null) {
            if (!configs.isEmpty() || !overrides.isEmpty() || seed != null || backend != null || initFrom != null
                    || freshHead) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run with its own config: give no"
                        + " CONFIG, --set, --seed, --backend, --init-from or --fresh-head (only --epochs, to train longer)");
            }
            ExperimentResult r = ExperimentRunner.resume(resume, epochs == null ? 0 : epochs, progress);
            finished(out, r);
            return 0;
        }
        if (configs.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give at least one CONFIG file (or --resume RUN)");
        }
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

        // Every config is read and validated, and checked against the memory budget, before the
        // first trains: a typo in the last file should not surface an hour into the first.
        List<ExperimentConfig> experiments = new ArrayList<>();
        for (Path file : configs) {
            List<ExperimentConfig> loaded = ConfigLoader.load(file, withInit(file, all));
            for (ExperimentConfig c : loaded) {
                ExperimentRunner.checkMemory(c, loaded.size() > 1 ? file + " (" + c.name() + ")" : file.toString());
            }
            experiments.addAll(loaded);
        }
        if (jobs < 1) {
            throw new ParameterException(spec.commandLine(), "--jobs must be >= 1, got " + jobs);
        }
        LiveStudio studio = live ? LiveStudio.findOrStart(out) : null;
        List<Path> folders = new ArrayList<>();
        boolean failed = false;
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
                if (studio == null) {
                    r = ExperimentRunner.run(c, runs, progress);
                } else {
                    try (LiveReporter reporter = studio.reporter(c, progress)) {
                        r = ExperimentRunner.run(c, runs, progress, prepared -> List.of(reporter.watching(prepared)));
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
        if (studio != null) {
            studio.serveUntilStopped(out);
        }
        if (failed) {
            spec.commandLine().getErr().println("gatun train: some runs failed; see their logs above");
            return 1;
        }
        return 0;
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

    /** Accuracy for classes, loss for regression; on the validation part if the runs keep one. */
    static String defaultMetric(ExperimentConfig c) {
        DataConfig d = c.data();
        return (d.validation() > 0 ? "val_" : "test_") + (d.classification() ? "accuracy" : "loss");
    }
}
