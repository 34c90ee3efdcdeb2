package dev.gatun.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@link MpiCollectives} in real 2- and 3-rank mpirun jobs ({@link CollectivesCheck} on each rank). */
class MpiCollectivesTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyCollectiveGivesWhatEveryRankExpects(int ranks) throws Exception {
        MpiJob.Result r = MpiJob.run(ranks, CollectivesCheck.class, List.of(), tmp.resolve("log"), 120);
        assertEquals(0, r.exitCode(), r.output());
        for (int rank = 0; rank < ranks; rank++) {
            assertTrue(r.output().contains("rank " + rank + " of " + ranks + ": ok"), r.output());
        }
    }
}
