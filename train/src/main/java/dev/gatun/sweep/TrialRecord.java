package dev.gatun.sweep;

import dev.gatun.tracking.RunState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One ended trial of a sweep, as its state file keeps it and the sampler learns from it.
 *
 * @param number the trial's number, from 0, in the order the sampler proposed them
 * @param params the searched config paths and the values the trial used
 * @param state {@link RunState#FINISHED}, {@link RunState#PRUNED} or {@link RunState#FAILED}
 * @param value the objective: the final metric of a finished trial, the last reported one of a
 *     pruned trial, NaN for a failed one
 * @param epochValues the metric after each epoch, epoch 1 first
 * @param runOrNull the trial's run folder's name, or null when it failed before it had one
 * @param note why it was pruned or failed, or empty
 */
public record TrialRecord(int number, Map<String, JsonNode> params, RunState state, double value,
                          List<Double> epochValues, String runOrNull, String note) {
    /** Copies the collections, keeping the order of the parameters. */
    public TrialRecord {
        if (state != RunState.FINISHED && state != RunState.PRUNED && state != RunState.FAILED) {
            throw new IllegalArgumentException("a trial ends finished, pruned or failed, not " + state.wire());
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        epochValues = List.copyOf(epochValues);
        note = note == null ? "" : note;
    }

    /** {@return the epochs the trial trained} */
    public int epochs() {
        return epochValues.size();
    }
}
