package dev.gatun.tracking;

import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Records one run in the tracking store: its start, each epoch's metrics (as a trainer callback),
 * a heartbeat every {@link #HEARTBEAT} while it lives, and its end.
 *
 * <p>Writes after the start happen on the recorder's own thread, in order. Tracking never breaks training: when the store cannot be opened or written, the recorder
 * warns once per store and process, and the run trains on unrecorded.
 */
public final class RunRecorder implements Callback, AutoCloseable {
    /** How often a live run beats its heartbeat between epochs. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String runId;
    private final PrintStream warnings;
    private final String where;
    // Written and read on the writes thread only, once started.
    private volatile TrackingStore store;
    private final ScheduledExecutorService writes;
    private boolean ended;
    private final SortedMap<Integer, Map<String, Double>> pending = new TreeMap<>();

    private RunRecorder(String runId, TrackingStore store, PrintStream warnings, String where) {
        this(runId, store, warnings, where, HEARTBEAT);
    }

    private RunRecorder(String runId, TrackingStore store, PrintStream warnings, String where, Duration heartbeat) {
        this.runId = runId;
        this.store = store;
        this.warnings = warnings;
        this.where = where;
        this.writes = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("gatun-tracking-" + runId).factory());
        if (store != null) {
            long every = heartbeat.toMillis();
            writes.scheduleAtFixedRate(() -> write(s -> s.heartbeat(runId)), every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** {@return a recorder that records nothing (tracking off, or the store unavailable)} */
    public static RunRecorder none() {
        return new RunRecorder("", null, System.err, TrackingTarget.OFF);
    }

    /**
     * Records the start of the run in {@code folder} and starts its heartbeat.
     *
     * @param target the store (may be off)
     * @param folder the run folder; its name is the run's id
     * @param name the experiment's name
     * @param config the normalized config (every default spelled out)
     * @param lineage the run's parent, role and tags
     * @param warnings where the one warning goes when the store is unavailable
     * @return the recorder; one that records nothing when the store cannot be used
     */
    public static RunRecorder start(TrackingTarget target, Path folder, String name, JsonNode config,
            RunLineage lineage, PrintStream warnings) {
        return start(target, folder, name, config, lineage, warnings, HEARTBEAT);
    }

    /** {@link #start(TrackingTarget, Path, String, JsonNode, RunLineage, PrintStream)} beating every {@code heartbeat}. */
    static RunRecorder start(TrackingTarget target, Path folder, String name, JsonNode config, RunLineage lineage,
            PrintStream warnings, Duration heartbeat) {
        if (!target.enabled()) {
            return none();
        }
        String id = folder.getFileName().toString();
        TrackingStore store = null;
        try {
            store = target.open();
            GatunBuild build = GatunBuild.current();
            store.started(new RunStart(id, name, config.toString(), HyperParameters.flatten(config), lineage,
                    MachineFacts.probe(), build.version(), build.commitOrNull(), folder.toAbsolutePath().toString(),
                    Instant.now()));
        } catch (IOException | RuntimeException e) {
            warn(warnings, target.toString(), e);
            closeQuietly(store);
            return none();
        }
        return new RunRecorder(id, store, warnings, target.toString(), heartbeat);
    }

    /**
     * Like {@link #start(TrackingTarget, Path, String, JsonNode, RunLineage, PrintStream)}, with the
     * lineage read from the folder's {@value RunLineage#FILE} (none if absent) and the store of the
     * runs directory the folder is in ({@link TrackingTarget#forRuns}).
     *
     * @param folder the run folder
     * @param name the experiment's name
     * @param config the normalized config
     * @param warnings where the one warning goes when the store is unavailable
     * @return the recorder
     */
    public static RunRecorder start(Path folder, String name, JsonNode config, PrintStream warnings) {
        RunLineage lineage;
        TrackingTarget target;
        try {
            lineage = RunLineage.read(folder);
            target = TrackingTarget.forRuns(folder.toAbsolutePath().getParent());
        } catch (IOException | RuntimeException e) {
            warn(warnings, "of " + folder, e);
            return none();
        }
        return start(target, folder, name, config, lineage, warnings);
    }

    /** {@return whether this recorder writes to a store} */
    public synchronized boolean recording() {
        return store != null && !ended;
    }

    /** {@return the run's id in the store; empty when not recording} */
    public String runId() {
        return runId;
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        Map<String, Double> metrics = metricsOf(context.metrics());
        // Callbacks may have added their own (e.g. a pruner's or a custom metric).
        for (String n : context.metricNames()) {
            metrics.put(n, context.metric(n));
        }
        epoch(context.epoch(), metrics);
    }

    /**
     * An epoch's standard metrics by the names {@code metrics.csv} uses.
     *
     * @param m the epoch's metrics
     * @return train_loss, train_accuracy, val_loss, val_accuracy, lr, seconds and samples_per_second
     */
    public static Map<String, Double> metricsOf(EpochMetrics m) {
        Map<String, Double> out = new TreeMap<>();
        out.put("train_loss", m.trainLoss());
        out.put("train_accuracy", m.trainAccuracy());
        out.put("val_loss", m.valLoss());
        out.put("val_accuracy", m.valAccuracy());
        out.put("lr", m.learningRate());
        out.put("seconds", m.seconds());
        out.put("samples_per_second", m.samplesPerSecond());
        return out;
    }

    /**
     * Records one epoch's metrics, for training loops that are not a trainer's {@code fit}. The
     * write happens on the recorder's own thread: the training thread never waits for the store.
     *
     * @param epoch the epoch, 1-based
     * @param metrics its metrics, by name
     */
    public synchronized void epoch(int epoch, Map<String, Double> metrics) {
        if (store == null || ended) {
            return;
        }
        boolean flushing = !pending.isEmpty();
        pending.put(epoch, new TreeMap<>(metrics));
        if (!flushing) {
            // Epochs that end while a write is under way go together in the next one.
            writes.execute(this::flush);
        }
    }

    /** Writes the epochs waiting, in one transaction (on the writes thread). */
    private void flush() {
        SortedMap<Integer, Map<String, Double>> batch;
        synchronized (this) {
            batch = new TreeMap<>(pending);
            pending.clear();
        }
        if (!batch.isEmpty()) {
            write(s -> s.epochs(runId, batch));
        }
    }

    /**
     * Records the run's end and closes the store, once the writes before it are done. Later calls
     * do nothing.
     *
     * @param state how it ended
     * @param finalMetrics its final metrics
     * @param errorOrNull why it failed, in one line, or null
     */
    public void end(RunState state, Map<String, Double> finalMetrics, String errorOrNull) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (store == null) {
                return;
            }
            Map<String, Double> copy = new TreeMap<>(finalMetrics);
            writes.execute(() -> {
                write(s -> s.ended(runId, state, copy, errorOrNull));
                closeQuietly(store);
            });
            writes.shutdown();
        }
        try {
            if (!writes.awaitTermination(60, TimeUnit.SECONDS)) {
                warnings.println("warning: the tracking store " + where + " did not take run " + runId
                        + "'s end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Records the end of a run that threw {@code failure}: {@link RunState#PRUNED} for
     * {@link TrialPruned}, else {@link RunState#FAILED} with its message.
     *
     * @param failure what ended the run
     */
    public void failed(Throwable failure) {
        if (failure instanceof TrialPruned) {
            end(RunState.PRUNED, Map.of(), failure.getMessage());
        } else {
            String m = failure.getMessage();
            end(RunState.FAILED, Map.of(), failure.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines()
                    .findFirst().orElse("")));
        }
    }

    /** Ends a run that was never ended as {@link RunState#STOPPED}: it was closed from outside. */
    @Override
    public void close() {
        end(RunState.STOPPED, Map.of(), null);
    }

    /** A write to the store. */
    private interface Write {
        void to(TrackingStore store) throws IOException;
    }

    /** Runs on the recorder's thread; after a failed write, the run goes on unrecorded. */
    private void write(Write w) {
        TrackingStore s = store;
        if (s == null) {
            return;
        }
        try {
            w.to(s);
        } catch (IOException | RuntimeException e) {
            warn(warnings, where, e);
            store = null;
            closeQuietly(s);
        }
    }

    private static void warn(PrintStream warnings, String where, Exception e) {
        if (WARNED.add(where)) {
            warnings.println("warning: run tracking off for this run: tracking store " + where + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + " (training goes on; set"
                    + " --tracking off or GATUN_TRACKING=off to silence)");
            warnings.flush();
        }
    }

    private static void closeQuietly(TrackingStore s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing a store that failed: its error was already reported.
            }
        }
    }
}
