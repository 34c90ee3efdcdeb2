package dev.gatun.train.checkpoint;

import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.EarlyStopping;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.callbacks.StatefulCallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d{4,})");

    private final Path runDir;
    private final JsonNode modelConfig;
    private final Map<String, Long> seeds;
    private final int everyEpochs;
    private final int keepLast;
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

    @Override
    public void onFitStart(Trainer trainer) {
        if (trainer.callbacks().getLast() != this) {
            throw new IllegalStateException("CheckpointCallback must be the trainer's last callback, so that "
                    + "checkpoints hold the other callbacks' end-of-epoch state");
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
            Checkpoint.save(runDir, context.trainer(), modelConfig, seeds);
            prune();
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the checkpoint of epoch " + epoch + " in " + runDir, e);
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
     * The checkpoints in the run folder, oldest first.
     *
     * @param runDir the run folder
     * @return the checkpoint directories
     * @throws IOException when the folder cannot be listed
     */
    public static List<Path> list(Path runDir) throws IOException {
        return new ArrayList<>(byEpoch(runDir).values());
    }

    /**
     * The newest checkpoint in the run folder, or null if it has none.
     *
     * @param runDir the run folder
     * @return the checkpoint directory, or null
     * @throws IOException when the folder cannot be listed
     */
    public static Path latest(Path runDir) throws IOException {
        TreeMap<Integer, Path> all = byEpoch(runDir);
        return all.isEmpty() ? null : all.lastEntry().getValue();
    }

    private void prune() throws IOException {
        TreeMap<Integer, Path> all = byEpoch(runDir);
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

    private static TreeMap<Integer, Path> byEpoch(Path runDir) throws IOException {
        TreeMap<Integer, Path> out = new TreeMap<>();
        Path dir = runDir.resolve(Checkpoint.DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = EPOCH_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    out.put(Integer.parseInt(m.group(1)), p);
                }
            }
        }
        return out;
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
