package dev.gatun.sweep;

import dev.gatun.tracking.TrialPruned;

/**
 * Watches one trial's metric after each epoch: puts it on the sweep's shared board and asks the
 * pruner, if any, whether the trial goes on.
 */
public final class TrialMonitor {
    private final int trial;
    private final String metric;
    private final Pruner prunerOrNull;
    private final IntermediateValues board;
    private final boolean minimize;

    TrialMonitor(int trial, String metric, Pruner prunerOrNull, IntermediateValues board, boolean minimize) {
        this.trial = trial;
        this.metric = metric;
        this.prunerOrNull = prunerOrNull;
        this.board = board;
        this.minimize = minimize;
    }

    /** {@return the metric the sweep optimizes, e.g. {@code val_loss}} */
    public String metric() {
        return metric;
    }

    /**
     * Reports the metric after {@code epoch}.
     *
     * @param epoch the epoch just trained, from 1
     * @param value the metric after it
     * @throws TrialPruned when the pruner stops the trial here
     */
    public void epochEnded(int epoch, double value) {
        board.report(trial, epoch, value);
        String reason = prunerOrNull == null ? null : prunerOrNull.reasonToPrune(trial, epoch, value, board, minimize);
        if (reason != null) {
            throw new TrialPruned(epoch, metric + " " + reason);
        }
    }
}
