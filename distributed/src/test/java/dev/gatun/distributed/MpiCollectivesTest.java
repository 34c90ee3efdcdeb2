package dev.gatun.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MpiCollectives} in real 3-rank mpirun jobs ({@link CollectivesCheck} on each rank). */
class MpiCollectivesTest {
    @TempDir Path tmp;

    @Test
    void everyCollectiveGivesWhatEveryRankExpects() throws Exception {
        MpiJob.Result r = MpiJob.run(3, CollectivesCheck.class, List.of(), tmp.resolve("log"), 120);
        assertEquals(0, r.exitCode(), r.output());
        for (int rank = 0; rank < 3; rank++) {
            assertTrue(r.output().contains("rank " + rank + " of 3: ok"), r.output());
        }
    }
}
