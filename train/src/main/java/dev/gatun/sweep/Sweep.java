package dev.gatun.sweep;

import dev.gatun.config.ConfigException;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.SearchSpace;
import dev.gatun.tracking.RunLineage;
import dev.gatun.tracking.RunRecorder;
import dev.gatun.tracking.RunState;
import dev.gatun.tracking.TrialPruned;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A sweep: trials of one config proposed by a {@link Sampler} as earlier ones end, each stopped
 * early when its {@link Pruner} says so, run by {@code jobs} workers that each ask for the next
 * trial when free. Its folder ({@code <runs>/<name>-sweep-<date>-<time>/}) holds
 * {@value SweepState#FILE}, rewritten after every trial, and {@code logs/trial-NNN.log}, each
 * trial's console output; the trials' run folders go beside it in the runs directory, each with a
 * {@link RunLineage} naming the sweep folder as parent and {@code trial} as role.
 *
 * <p>The workers are threads of this process: the CPU kernels' worker pool takes jobs from several
 * callers at once, and all trials use the config's backend. With one worker, a sweep resumed with
 * {@link #open} proposes exactly what the uninterrupted one would have; with several, what a
 * trial sees depends on which others have ended when it starts.
 */
public final class Sweep {
    /** The folder of each trial's console output, in the sweep folder. */
    public static final String LOGS = "logs";
    private static final String ROLE = "trial";

    private final Path folder;
    private final Path runs;
    private final String name;
    private final ObjectNode tree;
    private final SweepSettings settings;
    private final Sampler sampler;
    private final IntermediateValues board = new IntermediateValues();
    private final List<TrialRecord> ended = new ArrayList<>();
    private final TreeSet<Integer> pending = new TreeSet<>();

    private Sweep(Path folder, String name, ObjectNode tree, List<TrialRecord> done) {
        this.folder = folder.toAbsolutePath().normalize();
        this.runs = this.folder.getParent();
        this.name = name;
        this.tree = tree;
        this.settings = SweepSettings.parse(tree);
        this.sampler = settings.sampler();
        for (int i = 0; i < settings.trials(); i++) {
            pending.add(i);
        }
        for (TrialRecord t : done) {
            if (!pending.remove(t.number())) {
                throw new IllegalArgumentException(this.folder.resolve(SweepState.FILE) + ": trial " + t.number()
                        + " is listed twice or is beyond the " + settings.trials() + " trials of search.trials");
            }
            ended.add(t);
            List<Double> values = t.epochValues();
            for (int e = 0; e < values.size(); e++) {
                board.report(t.number(), e + 1, values.get(e));
            }
            if (t.state() == RunState.FINISHED) {
                board.finish(t.number());
            }
        }
    }

    /**
     * Checks a sweep's config and creates its folder under {@code runsDir}, without running a trial.
     *
     * @param tree the config tree with its {@code search} section (see {@link SweepSettings})
     * @param defaultName the name when the config has none (the file's)
     * @param runsDir where the sweep folder and the trials' run folders go
     * @return the sweep, with no trial ended
     * @throws ConfigException for a bad search section, a path not in the config, or values that
     *     do not make a valid config
     * @throws IOException when the folder cannot be created
     */
    public static Sweep start(JsonNode tree, String defaultName, Path runsDir) throws IOException {
        ObjectNode named = named(tree, defaultName);
        check(named);
        String name = named.get("name").stringValue();
        RunFolder f = RunFolder.create(runsDir, name + "-sweep");
        new RunLineage(null, "parent", Map.of("kind", "sweep", "method", SweepSettings.parse(named).method()))
                .write(f);
        Sweep s = new Sweep(f.path(), name, named, List.of());
        s.save();
        return s;
    }

    /**
     * Checks a sweep's config as {@link #start} does, creating nothing: to refuse a bad sweep
     * before anything trains.
     *
     * @param tree the config tree with its {@code search} section
     * @param defaultName the name when the config has none
     * @return the experiment of a trial with each range's low end or first value
     * @throws ConfigException for a bad search section, a path not in the config, or values that
     *     do not make a valid config
     */
    public static ExperimentConfig validate(JsonNode tree, String defaultName) {
        ObjectNode named = named(tree, defaultName);
        check(named);
        return config(named, SweepSettings.parse(named), -1, example(SweepSettings.parse(named)));
    }

    /**
     * Reopens an interrupted (or ended) sweep from its folder's {@value SweepState#FILE}: its
     * trials that ended are kept and the others are run by {@link #run}.
     *
     * @param folder the sweep folder
     * @return the sweep
     * @throws IOException naming the state file when it is missing or unreadable
     */
    public static Sweep open(Path folder) throws IOException {
        SweepState state = SweepState.read(folder);
        ObjectNode tree = (ObjectNode) state.config().deepCopy();
        try {
            check(tree);
        } catch (ConfigException e) {
            throw e.in(folder.resolve(SweepState.FILE) + ": config");
        }
        try {
            return new Sweep(folder, state.name(), tree, state.trials());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * {@link #open} for a folder that holds a sweep of {@code tree}, refusing another config: the
     * same command continues the same sweep.
     *
     * @param folder the sweep folder
     * @param tree the config tree the command gave
     * @param defaultName the name when the config has none
     * @return the sweep
     * @throws IOException naming the state file when it is unreadable
     * @throws ConfigException when the folder's sweep searched another config
     */
    public static Sweep open(Path folder, JsonNode tree, String defaultName) throws IOException {
        Sweep s = open(folder);
        ObjectNode given = named(tree, defaultName);
        if (!given.equals(s.tree)) {
            List<String> differ = new ArrayList<>();
            for (String key : new TreeSet<>(union(given, s.tree))) {
                if (!java.util.Objects.equals(given.get(key), s.tree.get(key))) {
                    differ.add(key);
                }
            }
            throw new ConfigException(folder.resolve(SweepState.FILE).toString(), "this sweep searched another config"
                    + " (its " + String.join(", ", differ) + " differ); give the same config and --set options, or"
                    + " --resume " + folder + " alone");
        }
        return s;
    }

    private static List<String> union(JsonNode a, JsonNode b) {
        List<String> keys = new ArrayList<>(a.propertyNames());
        keys.addAll(b.propertyNames());
        return keys;
    }

    private static ObjectNode named(JsonNode tree, String defaultName) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("(config)", "the config must be a mapping of keys to values");
        }
        ObjectNode copy = ((ObjectNode) tree).deepCopy();
        if (!copy.path("name").isString()) {
            copy.put("name", defaultName);
        }
        return copy;
    }

    /** Each range's low end or first value. */
    private static Map<String, JsonNode> example(SweepSettings s) {
        Map<String, JsonNode> example = new LinkedHashMap<>();
        s.params().dimensions().forEach((path, d) -> example.put(path, switch (d) {
            case Dimension.Real r -> r.value(r.lowAxis());
            case Dimension.Int i -> i.value(i.log() ? Math.log(i.low()) : i.low());
            case Dimension.Categorical c -> c.values().getFirst();
        }));
        return example;
    }

    /**
     * The experiment of a trial with each range's low end or first value: what the sweep's trials
     * look like, e.g. to check the memory budget before the first starts.
     *
     * @return that trial's validated config
     */
    public ExperimentConfig exampleConfig() {
        return config(tree, settings, -1, example(settings));
    }

    /** Validates the settings and a trial made of each range's first value. */
    private static void check(ObjectNode tree) {
        SweepSettings s = SweepSettings.parse(tree);
        Map<String, JsonNode> example = example(s);
        for (Map.Entry<String, JsonNode> e : example.entrySet()) {
            ObjectNode probe = tree.deepCopy();
            probe.remove("search");
            SearchSpace.set(probe, e.getKey(), e.getValue(), "search.params." + e.getKey());
        }
        ExperimentConfig c = config(tree, s, -1, example);
        if (s.metric().startsWith("val_") && !(c.data().validation() > 0)) {
            throw new ConfigException("search.metric", s.metric() + " needs a validation part: set data.validation"
                    + " (e.g. 0.1), or search.metric: train_loss");
        }
        if (s.metric().endsWith("accuracy") && !c.data().classification()) {
            throw new ConfigException("search.metric", s.metric() + " is for classifiers; this config is a regression"
                    + " (use " + s.metric().replace("accuracy", "loss") + ")");
        }
    }

    /** The experiment of trial {@code number} with {@code values} set. */
    private static ExperimentConfig config(ObjectNode tree, SweepSettings s, int number, Map<String, JsonNode> values) {
        ObjectNode trial = tree.deepCopy();
        trial.remove("search");
        StringBuilder trialName = new StringBuilder(tree.get("name").stringValue());
        if (number >= 0) {
            trialName.append(String.format(Locale.ROOT, "-t%03d", number));
        }
        values.forEach((path, v) -> {
            SearchSpace.set(trial, path, v, "search.params." + path);
            trialName.append('-').append(lastKey(path)).append(v.isString() ? v.stringValue() : v.toString());
        });
        String unique = trialName.toString().replaceAll("[^A-Za-z0-9._=+-]", "_");
        trial.put("name", unique.length() > 120 ? unique.substring(0, 120) : unique);
        try {
            return ExperimentConfig.from(trial, unique);
        } catch (ConfigException e) {
            throw new ConfigException(e.path(), e.problem() + " (in sweep trial " + (number < 0 ? "of each range's first"
                    + " value" : number) + ": " + values + ")", e);
        }
    }

    private static String lastKey(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }

    /** {@return the sweep folder} */
    public Path folder() {
        return folder;
    }

    /** {@return the sweep's id: its folder's name, the parent of its trials' runs} */
    public String id() {
        return folder.getFileName().toString();
    }

    /** {@return the sweep's settings} */
    public SweepSettings settings() {
        return settings;
    }

    /** {@return the config's name, which the trials' names start with} */
    public String name() {
        return name;
    }

    /** {@return the trials that ended, ordered by number} */
    public synchronized List<TrialRecord> trials() {
        return ended.stream().sorted(Comparator.comparingInt(TrialRecord::number)).toList();
    }

    /** {@return how many trials are still to run} */
    public synchronized int remaining() {
        return pending.size();
    }

    /**
     * Runs the trials still to run, {@code jobs} at a time, and returns every ended trial. Each
     * ended trial is saved at once and gets one line on {@code out}.
     *
     * @param jobs how many trials run at once
     * @param runner trains one trial
     * @param out where a line per ended trial goes
     * @return the ended trials, ordered by number
     * @throws IOException when the state cannot be saved
     * @throws InterruptedException when interrupted while waiting for the workers
     */
    public List<TrialRecord> run(int jobs, TrialRunner runner, PrintStream out) throws IOException, InterruptedException {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        Files.createDirectories(folder.resolve(LOGS));
        // The sweep is a run of the store too, the parent its trials name; a resumed sweep takes it up again.
        RunRecorder parent = RunRecorder.start(folder, name, tree, out);
        try {
            List<TrialRecord> all = runTrials(jobs, runner, out);
            parent.end(RunState.FINISHED, best(all), null);
            return all;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            parent.failed(e);
            throw e;
        }
    }

    /** The best finished trial's value, as the sweep's final metric in the tracking store. */
    private Map<String, Double> best(List<TrialRecord> all) {
        return all.stream().filter(t -> t.state() == RunState.FINISHED && Double.isFinite(t.value()))
                .min(java.util.Comparator.comparingDouble(t -> settings.minimize() ? t.value() : -t.value()))
                .map(t -> Map.of("best_" + settings.metric(), t.value(), "best_trial", (double) t.number()))
                .orElse(Map.of());
    }

    private List<TrialRecord> runTrials(int jobs, TrialRunner runner, PrintStream out)
            throws IOException, InterruptedException {
        int workers = Math.min(jobs, Math.max(1, remaining()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "sweep-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    work(runner, out);
                    return null;
                }));
            }
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    switch (e.getCause()) {
                        case IOException io -> throw io;
                        case UncheckedIOException io -> throw io.getCause();
                        case Error err -> throw err;
                        case RuntimeException re -> throw re;
                        default -> throw new IOException(e.getCause());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return trials();
    }

    private record Asked(int number, Map<String, JsonNode> params) {}

    private synchronized Asked ask() {
        if (pending.isEmpty()) {
            return null;
        }
        int number = pending.pollFirst();
        return new Asked(number, sampler.propose(number, List.copyOf(ended)));
    }

    private void work(TrialRunner runner, PrintStream out) throws IOException {
        for (Asked a = ask(); a != null; a = ask()) {
            TrialRecord record = runOne(a, runner);
            synchronized (this) {
                ended.add(record);
                if (record.state() == RunState.FINISHED) {
                    board.finish(record.number());
                }
                save();
                synchronized (out) {
                    out.println(line(record));
                    out.flush();
                }
            }
        }
    }

    private TrialRecord runOne(Asked a, TrialRunner runner) throws IOException {
        ExperimentConfig config = config(tree, settings, a.number(), a.params());
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("sweep", id());
        tags.put("trial", Integer.toString(a.number()));
        a.params().forEach((path, v) -> tags.put(path, v.isString() ? v.stringValue() : v.toString()));
        RunLineage lineage = new RunLineage(id(), ROLE, tags);
        Path log = folder.resolve(LOGS).resolve(String.format(Locale.ROOT, "trial-%03d.log", a.number()));
        TrialMonitor monitor = new TrialMonitor(a.number(), settings.metric(), settings.prunerOrNull(), board,
                settings.minimize());
        try (OutputStream file = Files.newOutputStream(log);
                PrintStream p = new PrintStream(file, true, StandardCharsets.UTF_8)) {
            TrialResult r;
            try {
                r = runner.run(new Trial(a.number(), a.params(), config, lineage, p, monitor));
            } catch (TrialPruned e) {
                r = new TrialResult(RunState.PRUNED, Double.NaN, null, e.getMessage());
            } catch (Error e) {
                throw e;
            } catch (Exception e) {
                p.println("FAILED: " + e);
                e.printStackTrace(p);
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                return new TrialRecord(a.number(), a.params(), RunState.FAILED, Double.NaN, board.of(a.number()), null,
                        message.lines().findFirst().orElse(""));
            }
            List<Double> values = board.of(a.number());
            double value = r.state() == RunState.PRUNED ? (values.isEmpty() ? Double.NaN : values.getLast()) : r.value();
            if (r.state() == RunState.PRUNED) {
                p.println(r.note());
            }
            return new TrialRecord(a.number(), a.params(), r.state(), value, values, r.runOrNull(), r.note());
        }
    }

    private String line(TrialRecord t) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "[%d/%d ended] trial %d %s", ended.size(),
                settings.trials(), t.number(), t.state().wire()));
        if (t.state() != RunState.FAILED) {
            b.append(String.format(Locale.ROOT, " %s %.5g after %d epochs", settings.metric(), t.value(), t.epochs()));
        }
        b.append(" (");
        List<String> parts = new ArrayList<>();
        t.params().forEach((path, v) -> parts.add(path + "=" + (v.isString() ? v.stringValue() : v.toString())));
        b.append(String.join(", ", parts)).append(')');
        if (!t.note().isEmpty()) {
            // A pruned trial's note repeats its state and epoch before the reason.
            String note = t.note();
            b.append(": ").append(t.state() == RunState.PRUNED && note.startsWith("pruned after epoch ")
                    ? note.substring(note.indexOf(": ") + 2) : note);
        }
        return b.toString();
    }

    private void save() throws IOException {
        new SweepState(name, tree, ended).write(folder);
    }
}
