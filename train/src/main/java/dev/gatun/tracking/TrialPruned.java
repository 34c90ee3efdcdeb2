package dev.gatun.tracking;

/**
 * Thrown from a callback to end a sweep's trial early: its intermediate metric was worse than the
 * pruner allows. The run ends {@link RunState#PRUNED}, keeping its folder and metrics so far.
 */
public final class TrialPruned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The epoch after which the trial was stopped. */
    private final int epoch;

    /**
     * A trial pruned after {@code epoch}.
     *
     * @param epoch the last epoch it trained
     * @param reason why, in one line (e.g. {@code val_loss 0.61 above the median 0.42 of 5 trials at epoch 3})
     */
    public TrialPruned(int epoch, String reason) {
        super("pruned after epoch " + epoch + ": " + reason);
        this.epoch = epoch;
    }

    /** {@return the last epoch the trial trained} */
    public int epoch() {
        return epoch;
    }
}
