package dev.gatun.train.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The deterministic all-reduce of {@link Collectives}, as a reduce-scatter followed by an
 * all-gather. The array is cut into {@code size()} contiguous chunks ({@link #chunks}); an
 * all-to-all gives rank {@code r} every rank's chunk {@code r}; rank {@code r} reduces that chunk
 * with {@link RankOrderSum#weighted} (rank 0 first, float64, rounded once); an all-gather hands
 * every rank every reduced chunk. Each element is therefore the same operations on the same values
 * as reducing the gathered arrays, so the bits are those of the gather-based reduction, while each
 * rank sends and receives about {@code 2 (N-1)/N} of the array instead of {@code N-1} times it.
 */
public final class RankOrderAllReduce {
    private RankOrderAllReduce() {}

    /**
     * Chunk sizes that cover {@code count} values in {@code ranks} contiguous pieces, the first
     * {@code count % ranks} one value longer; pieces are empty when {@code count < ranks}.
     *
     * @param count the number of values
     * @param ranks the number of ranks
     * @return one size per rank
     */
    public static int[] chunks(int count, int ranks) {
        if (count < 0 || ranks < 1) {
            throw new IllegalArgumentException("cannot split " + count + " values over " + ranks + " ranks");
        }
        int[] sizes = new int[ranks];
        for (int r = 0; r < ranks; r++) {
            sizes[r] = count / ranks + (r < count % ranks ? 1 : 0);
        }
        return sizes;
    }

    /**
     * Replaces the first {@code count} float32 values of {@code data}, on every rank, with
     * {@code (w0 * x0[i] + w1 * x1[i] + ...) / divisor} added in rank order in float64.
     *
     * @param collectives the ranks
     * @param data this rank's values, overwritten with the result
     * @param count how many float32 values
     * @param weights one weight per rank, or null for 1 each
     * @param divisor what the weighted sum is divided by
     */
    public static void allReduce(Collectives collectives, MemorySegment data, int count, double[] weights,
                                 double divisor) {
        int ranks = collectives.size();
        if (weights != null && weights.length != ranks) {
            throw new IllegalArgumentException(weights.length + " weights for " + ranks + " ranks");
        }
        int[] chunks = chunks(count, ranks);
        int mine = chunks[collectives.rank()];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment received = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1L, (long) ranks * mine));
            MemorySegment reduced = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, mine));
            collectives.allToAll(data, chunks, received);
            RankOrderSum.weighted(received, ranks, weights, divisor, reduced, mine);
            collectives.allGather(reduced, chunks, data);
        }
    }
}
