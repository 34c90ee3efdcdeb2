package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config in the repository's {@code configs/} folder reads and validates. */
class ShippedConfigsTest {
    /** The repository's {@code configs/} folder (tests run in the module directory). */
    static Path dir() {
        Path p = Path.of("..", "configs");
        return Files.isDirectory(p) ? p : Path.of("configs");
    }

    @Test
    void everyShippedConfigParsesAndValidates() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir())) {
            for (Path f : files.filter(ShippedConfigsTest::isConfig).sorted().toList()) {
                if (dev.gatun.sweep.SweepSettings.isSweep(ConfigLoader.read(f))) {
                    continue; // a sweep's trials are made as it runs: ShippedSweepsTest checks them
                }
                for (ExperimentConfig c : ConfigLoader.load(f)) {
                    names.add(c.name());
                    assertTrue(c.exampleShapeOrNull() != null, c.name());
                }
            }
        }
        assertEquals(List.of("blobs", "cifar10-cnn", "cifar10-resnet18", "circles", "emnist-balanced-cnn", "fashion-cnn",
                "fashion-lstm", "fashion-mlp", "fashion-resnet", "imagenet-resnet50", "linear-regression", "mnist-cnn",
                "mnist-mlp", "moons",
                "polynomial-regression", "spirals-search-lr0.01-units32", "spirals-search-lr0.01-units64",
                "spirals-search-lr0.003-units32", "spirals-search-lr0.003-units64", "spirals", "xor"), names);
    }

    private static boolean isConfig(Path f) {
        String name = f.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    @Test
    void theSampleConfigsTrainLikeTheSamples() throws IOException {
        for (String f : List.of("fashion-mlp.yaml", "fashion-cnn.yaml", "fashion-lstm.yaml")) {
            ExperimentConfig c = ConfigLoader.load(dir().resolve(f)).getFirst();
            assertEquals(42, c.seed(), f);
            assertEquals("adam", c.optimizer().type(), f);
            assertEquals(0.001, c.optimizer().lr(), f);
            assertEquals(0.0, c.data().validation(), f);
            assertEquals(f.equals("fashion-mlp.yaml") ? 128 : 64, c.training().batch(), f);
            assertEquals(f.equals("fashion-mlp.yaml") ? 10 : 3, c.training().epochs(), f);
            assertFalse(c.data().preprocessing().contains("standardize"), f);
        }
    }
}
