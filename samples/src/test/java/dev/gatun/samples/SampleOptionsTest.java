package dev.gatun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SampleOptionsTest {
    @Test
    void parsesEveryOption() {
        SampleOptions o = SampleOptions.parse(new String[] {"--epochs", "3", "--batch", "64", "--lr", "0.01",
                "--backend", "SCALAR", "--data", "/d", "--seed", "-5", "--out", "o", "--limit", "500", "--validation", "0.2",
                "--checkpoint-every", "2", "--resume", "runs/mlp-1"}, 10, 128, 1e-3);
        assertEquals(new SampleOptions(3, 64, 0.01, "scalar", Path.of("/d"), -5, Path.of("o"), 500, 0.2, 2,
                Path.of("runs/mlp-1")), o);
        SampleOptions d = SampleOptions.parse(new String[0], 10, 128, 1e-3);
        assertEquals(10, d.epochs());
        assertEquals(128, d.batch());
        assertEquals(42, d.seed());
        assertEquals(0, d.limit());
        assertEquals(0.1, d.validation());
        assertEquals(0, d.checkpointEvery());
        assertEquals(null, d.resume());
        assertEquals(0, SampleOptions.parse(new String[] {"--validation", "0"}, 1, 1, 1).validation());
    }

    @Test
    void badOptionsNameTheProblem() {
        assertMessage("--batch must be > 0", "--batch", "0");
        assertMessage("--lr needs a number, got 'fast'", "--lr", "fast");
        assertMessage("--epochs needs an integer", "--epochs", "1.5");
        assertMessage("unknown option --color", "--color", "red");
        assertMessage("option --seed needs a value", "--seed");
        assertMessage("--validation must be in [0, 1), got 1", "--validation", "1");
        assertMessage("--checkpoint-every must be >= 0", "--checkpoint-every", "-1");
    }

    @Test
    void cudaWithoutAGpuIsAClearNoGpuError(@org.junit.jupiter.api.io.TempDir Path out) {
        if (dev.gatun.bindings.Gpu.availability().available()) {
            org.junit.jupiter.api.Assumptions.abort("this machine has a GPU: the no-GPU error cannot be seen here");
        }
        try {
            SampleOptions o = FashionSample.MLP.parse(new String[] {"--backend", "cuda", "--out", out.toString()});
            dev.gatun.bindings.NoGpuException e = assertThrows(dev.gatun.bindings.NoGpuException.class,
                    () -> FashionSample.MLP.run(o, new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
            assertTrue(e.getMessage().startsWith("no GPU"), e.getMessage());
        } finally {
            dev.gatun.backend.BackendRegistry.use("cpu");
        }
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleOptions.parse(args, 1, 1, 1));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void helpPrintsUsage() {
        SampleOptions.HelpRequested h = assertThrows(SampleOptions.HelpRequested.class,
                () -> SampleOptions.parse(new String[] {"--help"}, 10, 128, 1e-3));
        assertTrue(h.getMessage().contains("--backend NAME"));
        assertTrue(h.getMessage().contains("--validation F") && h.getMessage().contains("--checkpoint-every N")
                && h.getMessage().contains("--resume DIR"), h.getMessage());
    }
}
