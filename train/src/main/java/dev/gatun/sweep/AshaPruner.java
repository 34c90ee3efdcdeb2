package dev.gatun.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Asynchronous successive halving (ASHA, as Optuna's {@code SuccessiveHalvingPruner}): rungs sit at
 * epochs {@code minEpochs · η^(s + k)}, k = 0, 1, ... (η the reduction factor, s the minimum early
 * stopping rate). A trial reaching a rung goes on only when its metric is among the best
 * {@code 1/η} of every trial that reached that rung so far, itself included; otherwise it is
 * stopped. The first trials at a rung always go on while fewer than η have reached it and it is
 * the best of them.
 *
 * @param minEpochs the epochs before the first rung
 * @param reductionFactor η, the fraction kept at each rung is 1/η
 * @param minEarlyStoppingRate s, which moves the first rung to {@code minEpochs · η^s}
 */
public record AshaPruner(int minEpochs, int reductionFactor, int minEarlyStoppingRate) implements Pruner {
    /** Checks the counts. */
    public AshaPruner {
        if (minEpochs < 1 || reductionFactor < 2 || minEarlyStoppingRate < 0) {
            throw new IllegalArgumentException("min_epochs must be >= 1, reduction_factor >= 2 and"
                    + " min_early_stopping_rate >= 0, got " + minEpochs + ", " + reductionFactor + ", "
                    + minEarlyStoppingRate);
        }
    }

    /**
     * Whether {@code epoch} is a rung.
     *
     * @param epoch the epoch, from 1
     * @return whether trials are compared after it
     */
    public boolean isRung(int epoch) {
        long rung = minEpochs;
        for (int i = 0; i < minEarlyStoppingRate && rung <= Integer.MAX_VALUE; i++) {
            rung *= reductionFactor;
        }
        while (rung < epoch) {
            rung *= reductionFactor;
        }
        return rung == epoch;
    }

    @Override
    public String reasonToPrune(int trial, int epoch, double value, IntermediateValues board, boolean minimize) {
        if (!isRung(epoch)) {
            return null;
        }
        List<Double> rung = new ArrayList<>(board.othersAt(epoch, trial));
        rung.add(value);
        // NaN sorts last either way: it never sets the bar.
        rung.sort((a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Boolean.compare(Double.isNaN(a), Double.isNaN(b))
                : minimize ? Double.compare(a, b) : Double.compare(b, a));
        int keep = Math.max(1, rung.size() / reductionFactor);
        double bar = rung.get(keep - 1);
        if (!Pruner.worse(value, bar, minimize)) {
            return null;
        }
        return String.format(Locale.ROOT, "%.4g not among the best %d of %d trials at the rung of epoch %d (bar %.4g)",
                value, keep, rung.size(), epoch, bar);
    }

    @Override
    public String toString() {
        return "asha (min_epochs " + minEpochs + ", reduction_factor " + reductionFactor + ", min_early_stopping_rate "
                + minEarlyStoppingRate + ")";
    }
}
