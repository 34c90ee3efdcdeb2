package dev.gatun.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What tells a process that mpirun started it, and the message when it did not. */
class MpiLaunchTest {
    @Test
    void readsOpenMpisVariables() {
        MpiLaunch l = MpiLaunch.require(Map.of("OMPI_COMM_WORLD_RANK", "2", "OMPI_COMM_WORLD_SIZE", "4",
                "OMPI_COMM_WORLD_LOCAL_RANK", "0"));
        assertEquals(new MpiLaunch(2, 4, 0), l);
    }

    @Test
    void withoutMpirunSaysHowToLaunch() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MpiLaunch.require(Map.of()));
        assertTrue(e.getMessage().contains("mpirun -np 2 bin/gatun train CONFIG --distributed"), e.getMessage());
        assertTrue(e.getMessage().contains("-H host1:2,host2:2"), e.getMessage());
        // MpiCollectives refuses before loading anything.
        IllegalStateException init = assertThrows(IllegalStateException.class, () -> MpiCollectives.init(Map.of()));
        assertEquals(MpiLaunch.HOW_TO_LAUNCH, init.getMessage());
    }

    @Test
    void garbledVariablesAreNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MpiLaunch.from(Map.of("OMPI_COMM_WORLD_RANK", "x", "OMPI_COMM_WORLD_SIZE", "2")));
        assertTrue(e.getMessage().contains("OMPI_COMM_WORLD_RANK='x'"), e.getMessage());
    }
}
