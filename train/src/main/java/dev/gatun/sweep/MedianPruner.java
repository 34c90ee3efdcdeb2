package dev.gatun.sweep;

import java.util.List;
import java.util.Locale;

/**
 * Stops a trial whose metric after epoch {@code e} is worse than the median of the finished
 * trials' metrics after the same epoch (Optuna's {@code MedianPruner}). No trial is stopped in its
 * first {@code warmupEpochs} epochs, nor before {@code startupTrials} trials have finished.
 *
 * @param warmupEpochs the epochs every trial trains
 * @param startupTrials the finished trials needed before any is stopped
 */
public record MedianPruner(int warmupEpochs, int startupTrials) implements Pruner {
    /** Checks the counts. */
    public MedianPruner {
        if (warmupEpochs < 0 || startupTrials < 1) {
            throw new IllegalArgumentException("warmup_epochs must be >= 0 and startup_trials >= 1, got "
                    + warmupEpochs + " and " + startupTrials);
        }
    }

    @Override
    public String reasonToPrune(int trial, int epoch, double value, IntermediateValues board, boolean minimize) {
        if (epoch <= warmupEpochs || board.finishedCount() < startupTrials) {
            return null;
        }
        List<Double> others = board.finishedAt(epoch).stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        if (others.isEmpty()) {
            return null;
        }
        int n = others.size();
        double median = n % 2 == 1 ? others.get(n / 2) : (others.get(n / 2 - 1) + others.get(n / 2)) / 2;
        if (!Pruner.worse(value, median, minimize)) {
            return null;
        }
        return String.format(Locale.ROOT, "%.4g %s the median %.4g of %d finished trials at epoch %d", value,
                minimize ? "above" : "below", median, n, epoch);
    }

    @Override
    public String toString() {
        return "median (warmup_epochs " + warmupEpochs + ", startup_trials " + startupTrials + ")";
    }
}
