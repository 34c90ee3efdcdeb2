package dev.gatun.distributed;

import dev.gatun.bindings.NoGpuException;
import dev.gatun.train.parallel.Reduction;
import java.util.Arrays;

/**
 * One rank of {@link NcclCollectivesTest}'s job: joins NCCL over MPI on GPU {@code local rank}
 * and checks the all-reduce, broadcast and all-gather, or prints "no GPU: ..." where there is none.
 */
public final class NcclCheck {
    private NcclCheck() {}

    public static void main(String[] args) {
        MpiLaunch launch = MpiLaunch.require(System.getenv());
        try (MpiCollectives mpi = MpiCollectives.init(System.getenv())) {
            NcclCollectives nccl;
            try {
                nccl = NcclCollectives.init(mpi, launch.localRank());
            } catch (NoGpuException e) {
                System.out.println("rank " + mpi.rank() + ": " + e.getMessage());
                return;
            }
            int size = nccl.size();
            float[] x = {nccl.rank() + 1, 2 * nccl.rank(), 0.5f};
            nccl.allReduce(x, Reduction.SUM);
            float ranks = size * (size + 1) / 2f;
            require(Arrays.equals(x, new float[] {ranks, size * (size - 1), 0.5f * size}), "all-reduce " + Arrays.toString(x));
            float[] b = nccl.rank() == 0 ? new float[] {7, 8} : new float[2];
            nccl.broadcast(b, 0);
            require(Arrays.equals(b, new float[] {7, 8}), "broadcast " + Arrays.toString(b));
            float[] g = nccl.allGather(new float[] {nccl.rank()});
            for (int r = 0; r < size; r++) {
                require(g[r] == r, "all-gather " + Arrays.toString(g));
            }
            nccl.close();
            System.out.println("rank " + launch.rank() + ": nccl ok (" + nccl.describe() + ")");
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
