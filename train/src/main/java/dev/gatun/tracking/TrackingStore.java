package dev.gatun.tracking;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where runs are remembered across processes: one record per run (config, flattened
 * hyperparameters, tags, status, lineage, metrics per epoch and at the end, machine, version,
 * folder, times, heartbeat). Every write is one transaction. Implementations are safe to call from
 * several threads, and several processes may write to one store at once.
 *
 * <p>Open one with {@link TrackingTarget#open()}.
 */
public interface TrackingStore extends AutoCloseable {
    /**
     * Records a run's start (or its restart, when resumed): status {@link RunState#RUNNING}, a fresh
     * heartbeat, and everything known before training. An existing record with the same id keeps its
     * epochs.
     *
     * @param start the run
     * @throws IOException when the store cannot be written
     */
    void started(RunStart start) throws IOException;

    /**
     * Records the metrics of one epoch and beats the heartbeat.
     *
     * @param runId the run
     * @param epoch the epoch, 1-based
     * @param metrics the epoch's metrics, by name
     * @throws IOException when the store cannot be written
     */
    void epoch(String runId, int epoch, Map<String, Double> metrics) throws IOException;

    /**
     * Records the metrics of several epochs in one transaction and beats the heartbeat: for runs
     * whose epochs take less time than a write.
     *
     * @param runId the run
     * @param epochs each epoch's metrics, by epoch (1-based)
     * @throws IOException when the store cannot be written
     */
    void epochs(String runId, java.util.SortedMap<Integer, Map<String, Double>> epochs) throws IOException;

    /**
     * Beats the run's heartbeat: it is alive now.
     *
     * @param runId the run
     * @throws IOException when the store cannot be written
     */
    void heartbeat(String runId) throws IOException;

    /**
     * Records a run's end.
     *
     * @param runId the run
     * @param state how it ended (not {@link RunState#RUNNING})
     * @param finalMetrics its final metrics (may be empty)
     * @param errorOrNull one line saying why it failed, or null
     * @throws IOException when the store cannot be written
     */
    void ended(String runId, RunState state, Map<String, Double> finalMetrics, String errorOrNull) throws IOException;

    /**
     * Writes a whole run at once, replacing any record with its id (its epochs included): for
     * importing run folders, so that importing twice leaves one record.
     *
     * @param run the run
     * @throws IOException when the store cannot be written
     */
    void put(TrackedRun run) throws IOException;

    /**
     * Every run, oldest first, with its hyperparameters, tags and final metrics (not its epochs).
     *
     * @return the runs
     * @throws IOException when the store cannot be read
     */
    List<TrackedRun> runs() throws IOException;

    /**
     * One run with its epochs.
     *
     * @param runId the run's id
     * @return the run, or empty
     * @throws IOException when the store cannot be read
     */
    Optional<TrackedRun> run(String runId) throws IOException;

    /** {@return where the store is, without any password, for messages} */
    String description();

    /**
     * Closes the connection.
     *
     * @throws IOException when closing fails
     */
    @Override
    void close() throws IOException;
}
