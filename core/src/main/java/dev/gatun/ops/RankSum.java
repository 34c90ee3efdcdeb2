package dev.gatun.ops;

/**
 * An in-place sum over every rank of a data-parallel run: how {@link SyncBatchNorm} reaches the
 * other ranks without core knowing how they communicate. Every rank calls it with arrays of the
 * same length in the same order; each gets the same sums.
 */
@FunctionalInterface
public interface RankSum {
    /**
     * Replaces {@code values}, on every rank, with their element-wise sum over ranks.
     *
     * @param values this rank's values, overwritten with the sums
     */
    void sum(double[] values);
}
