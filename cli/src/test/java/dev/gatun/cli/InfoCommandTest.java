package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.Simd;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    @Test
    void reportsBackendsVectorWidthGpuAndLibraries() {
        CliRun run = CliRun.of("info");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("backends: cpu, cuda, fake, scalar"), run.out());
        assertTrue(run.out().contains(Simd.describe()), run.out());
        // Either a device count or the reason there is none, never silence.
        assertTrue(run.out().matches("(?s).*gpu: +(\\d+ CUDA device|none \\(.+\\)).*"), run.out());
        assertTrue(run.out().contains("libcudart.so.13"), run.out());
    }

    @Test
    void unknownCommandIsAUsageErrorWithExitCode2() {
        CliRun run = CliRun.of("bogus");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unmatched argument at index 0: 'bogus'"), run.err());
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        for (String command : new String[] {"train", "eval", "predict", "compare", "info"}) {
            assertTrue(run.out().contains(command), run.out());
        }
    }
}
