package dev.gatun.train.parallel;

/**
 * Which examples of an epoch's order each rank takes. The order and the global batches are those
 * of one process with batch {@code globalBatch}; global batch {@code b} covers positions
 * {@code [b*G, min((b+1)*G, n))} of the order, and rank {@code r} of {@code N} takes the
 * contiguous part {@code [floor(r*m/N), floor((r+1)*m/N))} of its {@code m} examples. A full
 * global batch ({@code G = N*B}) gives every rank exactly {@code B}; a short last one is split as
 * evenly as the rule allows, and a rank may get none (it then contributes zero gradient with
 * weight zero). So N ranks together see exactly the examples of one process, batch by batch.
 *
 * @param examples the examples per epoch (the order's length)
 * @param globalBatch the examples of one optimizer step over all ranks
 * @param dropLast whether a short last global batch is skipped, as the loader does
 * @param rank this rank
 * @param ranks the number of ranks
 */
public record ShardPlan(int examples, int globalBatch, boolean dropLast, int rank, int ranks) {

    /** Checks the arguments. */
    public ShardPlan {
        if (examples < 0 || globalBatch < 1 || ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("shard plan: " + examples + " examples, global batch " + globalBatch
                    + ", rank " + rank + " of " + ranks);
        }
    }

    /** {@return the optimizer steps per epoch, the same on every rank} */
    public int batchCount() {
        return dropLast ? examples / globalBatch : (examples + globalBatch - 1) / globalBatch;
    }

    /**
     * {@return the position in the epoch order of this rank's first example of global batch b}
     *
     * @param b the global batch, 0-based
     */
    public int from(int b) {
        return b * globalBatch + (int) ((long) rank * size(b) / ranks);
    }

    /**
     * {@return how many examples this rank takes of global batch b (0 is possible for a short last one)}
     *
     * @param b the global batch, 0-based
     */
    public int count(int b) {
        int m = size(b);
        return (int) ((long) (rank + 1) * m / ranks - (long) rank * m / ranks);
    }

    /**
     * {@return the examples of global batch b over all ranks}
     *
     * @param b the global batch, 0-based
     */
    public int size(int b) {
        if (b < 0 || b >= batchCount()) {
            throw new IndexOutOfBoundsException("global batch " + b + " of " + batchCount());
        }
        return Math.min(globalBatch, examples - b * globalBatch);
    }
}
