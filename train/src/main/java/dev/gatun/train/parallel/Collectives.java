package dev.gatun.train.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The collective operations data-parallel training needs, over a fixed group of ranks
 * ({@code 0 .. size()-1}). Every rank must make the same calls in the same order with arrays of the
 * same length; each call returns once every rank has made it. Implementations: {@link SingleProcess}
 * here, MPI and NCCL in {@code dev.gatun.distributed}.
 *
 * <p>The default {@link #allReduce(float[], Reduction)} is deterministic: element {@code i} is
 * every rank's element {@code i} added in rank order in float64 ({@link RankOrderSum}), so the
 * result is the same on every rank, in every run, whatever the network did. It moves data like a
 * ring ({@link RankOrderAllReduce}: an all-to-all of one chunk per rank, a rank-order sum of this
 * rank's chunk, an all-gather of the sums). An engine's native all-reduce (NCCL) may override it
 * with a faster one whose summation order is its own.
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
     * The exchange of a reduce-scatter: {@code send} holds {@code size()} chunks of float32 values
     * back to back, chunk {@code j} ({@code chunks[j]} values) for rank {@code j}; on return
     * {@code recv} holds every rank's chunk {@code rank()}, rank 0's first ({@code size() *
     * chunks[rank()]} values). Every rank passes the same {@code chunks}.
     *
     * @param send this rank's chunks, in rank order
     * @param chunks the number of values in each chunk
     * @param recv where every rank's chunk for this rank goes
     */
    void allToAll(MemorySegment send, int[] chunks, MemorySegment recv);

    /**
     * Every rank's chunk of float32 values, rank 0's first: rank {@code r} contributes the first
     * {@code chunks[r]} values of {@code mine}, and {@code out} receives them all back to back.
     * Every rank passes the same {@code chunks}.
     *
     * @param mine this rank's chunk
     * @param chunks the number of values of each rank's chunk
     * @param out where the chunks go, in rank order; it must not overlap {@code mine}
     */
    void allGather(MemorySegment mine, int[] chunks, MemorySegment out);

    /**
     * Replaces the first {@code count} float32 values of {@code data}, on every rank, with
     * {@code (w0 * x0[i] + w1 * x1[i] + ...) / divisor}, added in rank order in float64 and rounded
     * once to float32 ({@link RankOrderAllReduce}).
     *
     * @param data this rank's values, overwritten with the result
     * @param count how many float32 values
     * @param weights one weight per rank, or null for 1 each
     * @param divisor what the weighted sum is divided by
     */
    default void allReduce(MemorySegment data, int count, double[] weights, double divisor) {
        RankOrderAllReduce.allReduce(this, data, count, weights, divisor);
    }

    /**
     * Replaces {@code data}, on every rank, with the element-wise sum or mean over ranks, added in
     * rank order in float64 and rounded once to float32.
     *
     * @param data this rank's values, overwritten with the result
     * @param reduction sum or mean
     */
    default void allReduce(float[] data, Reduction reduction) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data);
            allReduce(buf, data.length, null, reduction == Reduction.MEAN ? size() : 1);
            MemorySegment.copy(buf, ValueLayout.JAVA_FLOAT, 0, data, 0, data.length);
        }
    }

    /**
     * Replaces {@code data}, on every rank, with the element-wise sum or mean over ranks, added in
     * rank order over the gathered arrays (for short arrays: metrics, statistics).
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
