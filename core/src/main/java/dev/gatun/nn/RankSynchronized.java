package dev.gatun.nn;

import dev.gatun.ops.RankSum;

/**
 * A layer that can compute over every rank's batch in a data-parallel run (a synchronized
 * BatchNorm): data-parallel training finds these in the model and installs the sum over ranks.
 */
public interface RankSynchronized {
    /** {@return whether this layer is set to synchronize over ranks} */
    boolean isSynchronized();

    /**
     * Installs the sum over ranks this layer uses when {@link #isSynchronized synchronized};
     * null makes it compute over this rank's batch alone.
     *
     * @param ranks the sum over every rank, or null
     */
    void setRankSum(RankSum ranks);
}
