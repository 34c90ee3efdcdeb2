package dev.gatun.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NCCL bootstrapped over MPI, one rank ({@link NcclCheck}): with a GPU (an NVIDIA driver) the
 * collectives must give the right values; without one, joining must fail with the no-GPU
 * message, not crash or hang. More ranks need more GPUs than any machine lent so far.
 */
class NcclCollectivesTest {
    @TempDir Path tmp;

    @Test
    void oneRankJoinsNcclOverMpiOrSaysThereIsNoGpu() throws Exception {
        MpiJob.Result r = MpiJob.run(1, NcclCheck.class, List.of(), tmp.resolve("log"), 120);
        assertEquals(0, r.exitCode(), r.output());
        if (CudaLibraries.get().isLoaded(CudaLibrary.DRIVER)) {
            assertTrue(r.output().contains("rank 0: nccl ok (NCCL rank 0 of 1"), r.output());
        } else {
            assertTrue(r.output().contains("rank 0: no GPU: "), r.output());
        }
    }
}
