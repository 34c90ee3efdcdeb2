package dev.gatun.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run as the tracking store remembers it.
 *
 * @param id the run's id (its folder's name)
 * @param name the experiment's name
 * @param state the state last written; a killed run stays {@link RunState#RUNNING}
 * @param parentOrNull the parent run's id, or null
 * @param roleOrNull the run's role under its parent ({@code trial}, {@code fold}, ...), or null
 * @param tags the run's tags
 * @param configJson the normalized config, as JSON text
 * @param hyperparameters the flattened config, by key
 * @param finalMetrics the final metrics, by name
 * @param epochs the per-epoch metrics, oldest first (empty when listed without them)
 * @param machine the machine it ran on
 * @param gatunVersion Gatun's version
 * @param gitCommitOrNull the commit Gatun was built from, or null
 * @param folder the run folder
 * @param startedAt when it started
 * @param endedAtOrNull when it ended, or null while running
 * @param heartbeatAt the last sign of life
 * @param errorOrNull why it failed, or null
 */
public record TrackedRun(String id, String name, RunState state, String parentOrNull, String roleOrNull,
        Map<String, String> tags, String configJson, Map<String, String> hyperparameters,
        Map<String, Double> finalMetrics, List<Epoch> epochs, MachineFacts machine, String gatunVersion,
        String gitCommitOrNull, String folder, Instant startedAt, Instant endedAtOrNull, Instant heartbeatAt,
        String errorOrNull) {
    /** How long a running run's heartbeat may be silent before it is shown as {@code lost}. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(90);
    /** The status shown for a run whose process died without a word (killed, machine lost). */
    public static final String LOST = "lost";

    /**
     * One epoch's metrics.
     *
     * @param epoch the epoch, 1-based
     * @param metrics its metrics, by name
     */
    public record Epoch(int epoch, Map<String, Double> metrics) {
        /** Copies the metrics. */
        public Epoch {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    /** Copies the maps and the list. */
    public TrackedRun {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
        finalMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(finalMetrics));
        epochs = List.copyOf(epochs);
    }

    /**
     * The status to show: the state written, except that a run still {@code running} whose
     * heartbeat is older than {@code staleAfter} is {@value #LOST} (its process died without
     * recording an end), never finished.
     *
     * @param now the time to judge the heartbeat at
     * @param staleAfter how old a heartbeat may be
     * @return {@code running}, {@code finished}, {@code failed}, {@code stopped}, {@code pruned} or {@value #LOST}
     */
    public String shownStatus(Instant now, Duration staleAfter) {
        if (state == RunState.RUNNING && heartbeatAt.plus(staleAfter).isBefore(now)) {
            return LOST;
        }
        return state.wire();
    }

    /** {@return {@link #shownStatus(Instant, Duration)} now, with {@link #STALE_AFTER}} */
    public String shownStatus() {
        return shownStatus(Instant.now(), STALE_AFTER);
    }

    /** {@return the run's training time so far, or until it ended} */
    public Duration duration() {
        return Duration.between(startedAt, endedAtOrNull != null ? endedAtOrNull : heartbeatAt);
    }
}
