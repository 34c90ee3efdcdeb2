package dev.gatun.tracking;

import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EpochContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
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
 * <p>Tracking never breaks training: when the store cannot be opened or written, the recorder
 * warns once per store and process, and the run trains on unrecorded.
 */
public final class RunRecorder implements Callback, AutoCloseable {
    /** How often a live run beats its heartbeat between epochs. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String runId;
    private final PrintStream warnings;
    private final String where;
    private TrackingStore store;
    private ScheduledExecutorService beats;
    private boolean ended;

    private RunRecorder(String runId, TrackingStore store, PrintStream warnings, String where) {
        this.runId = runId;
        this.store = store;
        this.warnings = warnings;
        this.where = where;
    }

    /** A recorder that records nothing (tracking off, or the store unavailable). */
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
        RunRecorder r = new RunRecorder(id, store, warnings, target.toString());
        r.beats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("gatun-heartbeat-" + id)
                .factory());
        long every = HEARTBEAT.toMillis();
        r.beats.scheduleAtFixedRate(r::beat, every, every, TimeUnit.MILLISECONDS);
        return r;
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
        return store != null;
    }

    /** {@return the run's id in the store; empty when not recording} */
    public String runId() {
        return runId;
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        Map<String, Double> metrics = new TreeMap<>();
        for (String n : context.metricNames()) {
            metrics.put(n, context.metric(n));
        }
        synchronized (this) {
            if (store == null || ended) {
                return;
            }
            try {
                store.epoch(runId, context.epoch(), metrics);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    /**
     * Records the run's end and closes the store. Later calls do nothing.
     *
     * @param state how it ended
     * @param finalMetrics its final metrics
     * @param errorOrNull why it failed, in one line, or null
     */
    public synchronized void end(RunState state, Map<String, Double> finalMetrics, String errorOrNull) {
        if (ended) {
            return;
        }
        ended = true;
        stopBeating();
        if (store == null) {
            return;
        }
        try {
            store.ended(runId, state, finalMetrics, errorOrNull);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
        closeQuietly(store);
        store = null;
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

    private synchronized void beat() {
        if (store == null || ended) {
            return;
        }
        try {
            store.heartbeat(runId);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void stopBeating() {
        if (beats != null) {
            beats.shutdownNow();
        }
    }

    /** Stops recording this run after a failed write; the run itself goes on. */
    private void fail(Exception e) {
        warn(warnings, where, e);
        stopBeating();
        closeQuietly(store);
        store = null;
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
