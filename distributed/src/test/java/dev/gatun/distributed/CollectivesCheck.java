package dev.gatun.distributed;

import dev.gatun.bindings.MpiException;
import dev.gatun.train.parallel.RankOrderSum;
import dev.gatun.train.parallel.Reduction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One rank of {@link MpiCollectivesTest}'s job: every collective of {@link MpiCollectives} against
 * what it must return, computed here from every rank's inputs (which each rank can draw, since
 * they come from the rank number alone). Prints "rank R: ok" or throws.
 */
public final class CollectivesCheck {
    private CollectivesCheck() {}

    static float[] input(int rank, int n) {
        SplittableRandom r = new SplittableRandom(1000 + rank);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Wide magnitudes, so the order of the additions shows in the bits.
            x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 7)));
        }
        return x;
    }

    public static void main(String[] args) {
        try (MpiCollectives c = MpiCollectives.init(System.getenv())) {
            int rank = c.rank();
            int size = c.size();
            int n = 1001;
            float[][] all = new float[size][];
            for (int r = 0; r < size; r++) {
                all[r] = input(r, n);
            }
            float[] gathered = c.allGather(all[rank]);
            for (int r = 0; r < size; r++) {
                require(Arrays.equals(Arrays.copyOfRange(gathered, r * n, (r + 1) * n), all[r]), "allGather of rank " + r);
            }
            double[] d = c.allGather(new double[] {rank + 0.5, -rank});
            require(d.length == 2 * size && d[2 * (size - 1)] == size - 0.5, "allGather of doubles " + Arrays.toString(d));
            byte[] b = c.allGather(new byte[] {(byte) rank});
            for (int r = 0; r < size; r++) {
                require(b[r] == r, "allGather of bytes " + Arrays.toString(b));
            }

            // The all-reduce is the rank-order float64 sum, bit for bit, written out here again.
            for (Reduction red : Reduction.values()) {
                float[] mine = all[rank].clone();
                c.allReduce(mine, red);
                for (int i = 0; i < n; i++) {
                    double acc = 0;
                    for (int r = 0; r < size; r++) {
                        acc += all[r][i];
                    }
                    float want = (float) (red == Reduction.MEAN ? acc / size : acc);
                    require(Float.floatToRawIntBits(mine[i]) == Float.floatToRawIntBits(want),
                            red + " all-reduce at " + i + ": " + mine[i] + " != " + want);
                }
            }
            float[] viaGather = new float[n];
            RankOrderSum.reduce(gathered, size, Reduction.SUM, viaGather);
            float[] summed = all[rank].clone();
            c.allReduce(summed, Reduction.SUM);
            require(Arrays.equals(summed, viaGather), "all-reduce differs from RankOrderSum over the gathered arrays");
            // The reduce-scatter all-reduce against RankOrderSum over the gathered arrays, bit for bit,
            // on lengths that do not divide by the ranks and lengths shorter than the ranks.
            for (int len : new int[] {0, 1, 2, 3, 7, 1001, 40_000}) {
                float[] mine = input(rank + 7, len);
                double[] weights = new double[size];
                double total = 0;
                for (int r = 0; r < size; r++) {
                    weights[r] = 16 - 3 * r;
                    total += weights[r];
                }
                float[] old = new float[len];
                RankOrderSum.weighted(c.allGather(mine), size, weights, total, old);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_FLOAT, mine);
                    c.allReduce(data, len, weights, total);
                    require(Arrays.equals(data.toArray(ValueLayout.JAVA_FLOAT), old),
                            "reduce-scatter all-reduce of " + len + " values differs from the gather-based one");
                }
            }
            double[] sums = {rank, 1};
            c.allReduce(sums, Reduction.SUM);
            require(sums[0] == size * (size - 1) / 2.0 && sums[1] == size, "double all-reduce " + Arrays.toString(sums));

            int root = size - 1;
            float[] bc = rank == root ? all[root].clone() : new float[n];
            c.broadcast(bc, root);
            require(Arrays.equals(bc, all[root]), "broadcast from rank " + root);
            byte[] bytes = rank == 0 ? "unique id".getBytes(java.nio.charset.StandardCharsets.US_ASCII) : new byte[9];
            c.broadcast(bytes, 0);
            require(new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).equals("unique id"), "byte broadcast");
            c.barrier();

            // An invalid root is MPI's error, with MPI's own text, not a crash or a hang.
            try {
                c.broadcast(new float[1], size + 5);
                throw new AssertionError("a broadcast from rank " + (size + 5) + " of " + size + " did not fail");
            } catch (MpiException e) {
                require(e.function().equals("MPI_Bcast") && e.getMessage().contains("MPI_ERR_ROOT"),
                        "error text: " + e.getMessage());
            }
            c.barrier();
            System.out.println("rank " + rank + " of " + size + ": ok (" + c.describe() + ")");
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
