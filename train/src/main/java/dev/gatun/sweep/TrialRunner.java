package dev.gatun.sweep;

/** Trains one trial of a sweep; several may run at once, one per worker. */
@FunctionalInterface
public interface TrialRunner {
    /**
     * Runs {@code trial}, reporting its metric after each epoch to {@code trial.monitor()}. A
     * {@link dev.gatun.tracking.TrialPruned} thrown from there may propagate or be returned as a
     * {@link dev.gatun.tracking.RunState#PRUNED} result; any other exception marks the trial failed,
     * while an {@link Error} aborts the sweep (its state keeps the trials that ended).
     *
     * @param trial the trial
     * @return how it ended
     * @throws Exception when it fails
     */
    TrialResult run(Trial trial) throws Exception;
}
