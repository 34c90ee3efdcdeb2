package dev.gatun.sweep;

import dev.gatun.tracking.RunState;

/**
 * How a trial ended, as its runner tells it.
 *
 * @param state {@link RunState#FINISHED} or {@link RunState#PRUNED}
 * @param value the final metric of a finished trial (the one of the saved model); ignored for a
 *     pruned one, whose last reported value counts
 * @param runOrNull the trial's run folder's name, or null when it has none
 * @param note why it was pruned, or empty
 */
public record TrialResult(RunState state, double value, String runOrNull, String note) {}
