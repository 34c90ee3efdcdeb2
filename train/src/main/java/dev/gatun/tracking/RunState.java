package dev.gatun.tracking;

import java.util.Locale;

/** Where a tracked run stands. A run that stops without saying so stays {@link #RUNNING} with its last heartbeat. */
public enum RunState {
    /** Training, or killed without a word: the heartbeat tells which. */
    RUNNING,
    /** Trained every epoch, or stopped early by its own rule (early stopping). */
    FINISHED,
    /** Ended by an error. */
    FAILED,
    /** Stopped from outside (Ctrl-C, Studio closed, a run replaced). */
    STOPPED,
    /** Stopped by a sweep's pruner: its intermediate metric was worse than the other trials'. */
    PRUNED;

    /** {@return the name on the wire and in the store: {@code running}, {@code finished}, ...} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The state of a wire name.
     *
     * @param wire {@code running}, {@code finished}, {@code failed}, {@code stopped} or {@code pruned}
     * @return the state
     * @throws IllegalArgumentException for another name
     */
    public static RunState ofWire(String wire) {
        for (RunState s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run state '" + wire + "' (known: running, finished, failed, stopped,"
                + " pruned)");
    }
}
