package dev.gatun.train.parallel;

/**
 * The collective operations data-parallel training needs, over a fixed group of ranks
 * ({@code 0 .. size()-1}). Every rank must make the same calls in the same order with arrays of the
 * same length; each call returns once every rank has made it. Implementations: {@link SingleProcess}
 * here, MPI and NCCL in {@code dev.gatun.distributed}.
 *
 * <p>The default {@link #allReduce} is deterministic: it gathers every rank's array and adds them
 * in rank order in float64 ({@link RankOrderSum}), so the result is the same on every rank, in
 * every run, whatever the network did. An engine's native all-reduce (NCCL) may override it with a
 * faster one whose summation order is its own.
 */
public interface Collectives extends AutoCloseable {

    /** {@return this process's rank, 0-based} */
    int rank();

    /** {@return the number of ranks} */
    int size();

    /** {@return whether this is rank 0, the one that writes files and prints} */
    default boolean isRoot() {
        return rank() == 0;
    }

    /** {@return a short description for messages, e.g. "MPI rank 1 of 3 on host-a"} */
    String describe();

    /**
     * Every rank's array, rank 0's first: {@code size() * mine.length} values.
     *
     * @param mine this rank's values
     * @return the ranks' values, concatenated in rank order
     */
    float[] allGather(float[] mine);

    /**
     * Every rank's array, rank 0's first.
     *
     * @param mine this rank's values
     * @return the ranks' values, concatenated in rank order
     */
    double[] allGather(double[] mine);

    /**
     * Every rank's bytes, rank 0's first.
     *
     * @param mine this rank's bytes
     * @return the ranks' bytes, concatenated in rank order
     */
    byte[] allGather(byte[] mine);

    /**
     * Replaces {@code data} on every rank with {@code root}'s.
     *
     * @param data the values: sent by {@code root}, overwritten elsewhere
     * @param root the rank whose values everyone gets
     */
    void broadcast(float[] data, int root);

    /**
     * Replaces {@code data} on every rank with {@code root}'s.
     *
     * @param data the bytes: sent by {@code root}, overwritten elsewhere
     * @param root the rank whose bytes everyone gets
     */
    void broadcast(byte[] data, int root);

    /** Returns once every rank has called it. */
    void barrier();

    /**
     * Replaces {@code data}, on every rank, with the element-wise sum or mean over ranks, added in
     * rank order in float64 and rounded once to float32.
     *
     * @param data this rank's values, overwritten with the result
     * @param reduction sum or mean
     */
    default void allReduce(float[] data, Reduction reduction) {
        RankOrderSum.reduce(allGather(data), size(), reduction, data);
    }

    /**
     * Replaces {@code data}, on every rank, with the element-wise sum or mean over ranks, added in
     * rank order.
     *
     * @param data this rank's values, overwritten with the result
     * @param reduction sum or mean
     */
    default void allReduce(double[] data, Reduction reduction) {
        RankOrderSum.reduce(allGather(data), size(), reduction, data);
    }

    /**
     * Stops every rank now, with {@code message} as the reason: what a rank does when it fails,
     * so the others do not wait for it forever. Does not return.
     *
     * @param message the reason, printed once
     * @param status the exit status of the job
     */
    void abort(String message, int status);

    /** Leaves the group; no collective may follow. */
    @Override
    void close();
}
