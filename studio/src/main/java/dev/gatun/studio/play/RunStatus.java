package dev.gatun.studio.play;

import java.util.Locale;

/** Where a Studio run stands, as the page shows it. */
public enum RunStatus {
    /** Built or paused: waits for play or a step. */
    PAUSED,
    /** Training batch after batch. */
    RUNNING,
    /** Trained every epoch of its config. */
    FINISHED,
    /** Stopped for good (Studio shut down or the run was replaced). */
    STOPPED,
    /** Ended by an error, e.g. a loss that became NaN. */
    FAILED;

    /** {@return the name on the wire: {@code paused}, {@code running}, ...} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
