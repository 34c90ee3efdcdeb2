package dev.gatun.tracking;

import dev.gatun.train.callbacks.Callback;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The tracking of one run from outside its training code: {@link #around} opens it, the run calls
 * {@link #begin} once its folder exists and {@link #finished} with its final metrics, and an
 * exception thrown out of the run is recorded as its end ({@link TrialPruned}: pruned; anything
 * else: failed) before it propagates. A run that returns without {@link #finished} is recorded
 * stopped.
 */
public final class RunTracking {
    private RunRecorder recorder = RunRecorder.none();

    private RunTracking() {}

    /**
     * A run's body, handed its tracking.
     *
     * @param <T> what the run returns
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs the run.
         *
         * @param tracking the run's tracking
         * @return what the run returns
         * @throws IOException when the run's files cannot be read or written
         */
        T run(RunTracking tracking) throws IOException;
    }

    /**
     * Runs {@code body}, recording how it ends.
     *
     * @param body the run
     * @param <T> what the run returns
     * @return what {@code body} returned
     * @throws IOException what {@code body} threw, once recorded
     */
    public static <T> T around(Body<T> body) throws IOException {
        RunTracking t = new RunTracking();
        try {
            T result = body.run(t);
            t.recorder.close();
            return result;
        } catch (IOException | RuntimeException | Error e) {
            t.recorder.failed(e);
            throw e;
        }
    }

    /**
     * Starts recording the run in {@code folder} (see {@link RunRecorder#start(Path, String, JsonNode, PrintStream)}).
     *
     * @param folder the run folder
     * @param name the experiment's name
     * @param config the normalized config
     * @param warnings where the one warning goes when the store is unavailable
     * @return the callback that records each epoch, for the trainer
     */
    public Callback begin(Path folder, String name, JsonNode config, PrintStream warnings) {
        recorder.close();
        recorder = RunRecorder.start(folder, name, config, warnings);
        return recorder;
    }

    /**
     * Records that the run trained to its end.
     *
     * @param finalMetrics its final metrics
     */
    public void finished(Map<String, Double> finalMetrics) {
        recorder.end(RunState.FINISHED, finalMetrics, null);
    }
}
