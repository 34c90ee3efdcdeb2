package dev.gatun.train.checkpoint;

import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.EarlyStopping;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.callbacks.StatefulCallback;
import dev.gatun.train.metrics.IoReason;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Saves a {@link Checkpoint} every {@code everyEpochs} epochs and after the last epoch of a
 * {@code fit}, then deletes old ones, keeping the newest {@code keepLast} and, with
 * {@link #keepBest}, the one with the best monitored metric. It must be the trainer's last
 * callback, so that what it saves includes the other callbacks' end-of-epoch changes (a
 * schedule's next rate); {@code fit} fails at the start otherwise. Its own state (the best so
 * far) is saved under the key {@code checkpoint}.
 */
public final class CheckpointCallback implements StatefulCallback {
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d{1,10})");

    private final Path runDir;
    private final JsonNode modelConfig;
    private final Map<String, Long> seeds;
    private final int everyEpochs;
    private final int keepLast;
    private final CheckpointStore store;
    private String monitor;
    private EarlyStopping.Mode mode;
    private double best = Double.NaN;
    private int bestEpoch;

    /**
     * A callback saving checkpoints of the trainer's run.
     *
     * @param runDir      the run folder; checkpoints go to its {@code checkpoints/} directory
     * @param modelConfig a JSON object describing the model, saved in every checkpoint
     * @param seeds       named seeds of the run, saved for the record
     * @param everyEpochs save after epochs divisible by this (and after the last)
     * @param keepLast    how many of the newest checkpoints to keep (≥ 1)
     */
    public CheckpointCallback(Path runDir, JsonNode modelConfig, Map<String, Long> seeds, int everyEpochs,
            int keepLast) {
        this(runDir, modelConfig, seeds, everyEpochs, keepLast, CheckpointStore.FILES);
    }

    /** The callback writing through {@code store}: tests fail its writes as a full or read-only disk would. */
    CheckpointCallback(Path runDir, JsonNode modelConfig, Map<String, Long> seeds, int everyEpochs, int keepLast,
            CheckpointStore store) {
        if (runDir == null || modelConfig == null || !modelConfig.isObject() || seeds == null) {
            throw new IllegalArgumentException("a run folder, a model config object and seeds are required");
        }
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("everyEpochs must be >= 1, got " + everyEpochs);
        }
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be >= 1, got " + keepLast);
        }
        this.runDir = runDir;
        this.modelConfig = modelConfig.deepCopy();
        this.seeds = Map.copyOf(seeds);
        this.everyEpochs = everyEpochs;
        this.keepLast = keepLast;
        this.store = store;
    }

    /**
     * Also keeps the checkpoint whose {@code monitor} metric is best so far; returns this.
     *
     * @param monitor the metric that picks the best checkpoint
     * @param mode whether lower or higher is better
     * @return this callback
     */
    public CheckpointCallback keepBest(String monitor, EarlyStopping.Mode mode) {
        if (monitor == null || monitor.isBlank() || mode == null) {
            throw new IllegalArgumentException("keepBest needs a metric name and a mode");
        }
        this.monitor = monitor;
        this.mode = mode;
        this.best = mode == EarlyStopping.Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        return this;
    }

    /**
     * Checks that the run folder and its {@code checkpoints/} directory can be written, so that a
     * read-only or vanished folder fails the fit before it trains; removes what saves killed
     * midway left behind ({@link Leftovers} has the rule); and warns about folders under
     * {@code checkpoints/} that look like checkpoints but whose names are not ones it writes.
     */
    @Override
    public void onFitStart(Trainer trainer) {
        if (trainer.callbacks().getLast() != this) {
            throw new IllegalStateException("CheckpointCallback must be the trainer's last callback, so that "
                    + "checkpoints hold the other callbacks' end-of-epoch state");
        }
        Path dir = runDir.resolve(Checkpoint.DIRECTORY);
        for (Path d : List.of(runDir, dir)) {
            try {
                Files.createDirectories(d);
                store.probeWrite(d);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write in " + d + ": " + IoReason.of(e) + "; nothing was trained",
                        e);
            }
        }
        try {
            removeLeftovers(trainer.out());
            for (Path ignored : scan(runDir).ignored()) {
                trainer.out().println("warning: ignoring " + ignored + ": not a checkpoint name (epoch-NNNN, at most "
                        + Checkpoint.directoryName(Integer.MAX_VALUE) + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy " + dir + ": " + IoReason.of(e), e);
        }
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        int epoch = context.epoch();
        if (monitor != null) {
            double v = context.metric(monitor);
            if (mode == EarlyStopping.Mode.MIN ? v < best : v > best) {
                best = v;
                bestEpoch = epoch;
            }
        }
        if (epoch % everyEpochs != 0 && epoch != context.epochs() && bestEpoch != epoch) {
            return;
        }
        try {
            store.save(runDir, context.trainer(), modelConfig, seeds);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the checkpoint of epoch " + epoch + " in " + runDir + ": "
                    + IoReason.of(e), e);
        }
        try {
            prune();
            removeLeftovers(context.trainer().out());
        } catch (IOException e) {
            throw new UncheckedIOException("saved the checkpoint of epoch " + epoch + " but could not remove older ones"
                    + " in " + runDir + ": " + IoReason.of(e), e);
        }
    }

    /**
     * {@return the epoch of the best checkpoint kept, 0 without {@link #keepBest} or before one was
     * saved}
     */
    public int bestEpoch() {
        return bestEpoch;
    }

    /**
     * The checkpoints in the run folder, oldest first: the folders named exactly as
     * {@link Checkpoint#directoryName} names them; others are ignored.
     *
     * @param runDir the run folder
     * @return the checkpoint folders by epoch, oldest first; empty when there are none
     * @throws IOException if the checkpoints folder cannot be listed
     */
    public static List<Path> list(Path runDir) throws IOException {
        return new ArrayList<>(scan(runDir).byEpoch().values());
    }

    /**
     * The newest checkpoint in the run folder (as {@link #list} finds them), or null if it has none.
     *
     * @param runDir the run folder
     * @return the newest checkpoint folder, or null
     * @throws IOException if the checkpoints folder cannot be listed
     */
    public static Path latest(Path runDir) throws IOException {
        TreeMap<Integer, Path> all = scan(runDir).byEpoch();
        return all.isEmpty() ? null : all.lastEntry().getValue();
    }

    /**
     * The epoch a checkpoint folder's name stands for, or -1 unless the name is exactly what
     * {@link Checkpoint#directoryName} gives for an epoch that fits an int.
     */
    static int epochOf(String name) {
        Matcher m = EPOCH_DIR.matcher(name);
        if (!m.matches()) {
            return -1;
        }
        long epoch = Long.parseLong(m.group(1));
        return epoch <= Integer.MAX_VALUE && Checkpoint.directoryName((int) epoch).equals(name) ? (int) epoch : -1;
    }

    private void removeLeftovers(PrintStream out) throws IOException {
        Leftovers.Cleanup c = Leftovers.clean(runDir, Leftovers.MIN_AGE, Instant.now());
        if (!c.removed().isEmpty()) {
            out.printf(Locale.ROOT, "removed %d leftover%s of interrupted saves (%.1f MB) from %s%n", c.removed().size(),
                    c.removed().size() == 1 ? "" : "s", c.bytes() / 1e6, runDir);
        }
        for (Path p : c.restored()) {
            out.println("put back " + p + ", moved aside by a save that was interrupted before it replaced it");
        }
    }

    private void prune() throws IOException {
        TreeMap<Integer, Path> all = scan(runDir).byEpoch();
        int excess = all.size() - keepLast;
        for (Map.Entry<Integer, Path> e : all.entrySet()) {
            if (excess <= 0) {
                break;
            }
            excess--;
            if (e.getKey() != bestEpoch) {
                AtomicDirectory.deleteTree(e.getValue());
            }
        }
    }

    /** The checkpoint folders by epoch, and the folders named {@code epoch-...} that are not checkpoint names. */
    private record Scan(TreeMap<Integer, Path> byEpoch, List<Path> ignored) {}

    private static Scan scan(Path runDir) throws IOException {
        TreeMap<Integer, Path> byEpoch = new TreeMap<>();
        List<Path> ignored = new ArrayList<>();
        Path dir = runDir.resolve(Checkpoint.DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return new Scan(byEpoch, ignored);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (!name.startsWith("epoch-") || !Files.isDirectory(p)) {
                    continue;
                }
                int epoch = epochOf(name);
                if (epoch < 0) {
                    ignored.add(p);
                } else {
                    byEpoch.put(epoch, p);
                }
            }
        }
        return new Scan(byEpoch, ignored);
    }

    @Override
    public String stateKey() {
        return "checkpoint";
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("best_epoch", (double) bestEpoch);
        return s;
    }

    @Override
    public void restoreState(Trainer trainer, Map<String, Double> state, Map<String, Tensor> tensors) {
        double savedBest = StatefulCallback.require(this, state, "best");
        bestEpoch = StatefulCallback.requireCount(this, state, "best_epoch");
        best = savedBest;
    }
}
