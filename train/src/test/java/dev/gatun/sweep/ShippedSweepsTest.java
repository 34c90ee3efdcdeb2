package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweeps in the repository's {@code configs/} folder start: their search sections and trials validate. */
class ShippedSweepsTest {
    @TempDir
    Path runs;

    private static Path configs() {
        Path p = Path.of("..", "configs");
        return Files.isDirectory(p) ? p : Path.of("configs");
    }

    @Test
    void everyShippedSweepStarts() throws Exception {
        List<Path> sweeps;
        try (Stream<Path> files = Files.list(configs())) {
            sweeps = files.filter(f -> f.toString().endsWith(".yaml")).sorted().filter(f -> {
                try {
                    return SweepSettings.isSweep(ConfigLoader.read(f));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(List.of("spirals-tpe.yaml"), sweeps.stream().map(f -> f.getFileName().toString()).toList());
        Sweep s = Sweep.start(ConfigLoader.read(sweeps.getFirst()), "spirals-tpe", runs);
        SweepSettings settings = s.settings();
        assertEquals("tpe", settings.method());
        assertEquals(24, settings.trials());
        assertEquals(new MedianPruner(5, 4), settings.prunerOrNull());
        assertEquals(4, settings.params().dimensions().size());
        ExperimentConfig example = s.exampleConfig();
        assertEquals(1.0e-4, example.optimizer().lr());
        assertTrue(example.name().startsWith("spirals-tpe-lr1.0E-4-units8-units8-typetanh"), example.name());
    }
}
