package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data.cache} and {@code data.prefetch} from a config: an experiment read through the CSV
 * cache, with batches prefetched, trains exactly as one read into memory without prefetching.
 */
class CachedCsvExperimentTest {
    @TempDir
    Path dir;

    @Test
    void theCacheAndPrefetchingChangeNothingButWhereBatchesComeFrom() throws IOException {
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        write(train, 400, 1);
        write(test, 100, 2);
        List<EpochMetrics> inMemory = run("off", 0);
        List<EpochMetrics> cached = run("on", 3);
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).startsWith("test.csv.") && names.get(1).startsWith("train.csv."), names.toString());
        }
        assertEquals(inMemory.size(), cached.size());
        for (int e = 0; e < inMemory.size(); e++) {
            EpochMetrics a = inMemory.get(e);
            EpochMetrics b = cached.get(e);
            assertEquals(Double.doubleToRawLongBits(a.trainLoss()), Double.doubleToRawLongBits(b.trainLoss()), "epoch " + e);
            assertEquals(Double.doubleToRawLongBits(a.valLoss()), Double.doubleToRawLongBits(b.valLoss()), "epoch " + e);
            assertEquals(a.valAccuracy(), b.valAccuracy(), "epoch " + e);
        }
        // The second run with the cache maps what the first wrote.
        assertEquals(inMemory.getLast().trainLoss(), run("on", 1).getLast().trainLoss());
    }

    @Test
    void refusesAPrefetchOrCacheSettingOutOfRange() {
        ConfigException many = assertThrows(ConfigException.class, () -> config("on", 65));
        assertTrue(many.getMessage().contains("data.prefetch") && many.getMessage().contains("at most 64"),
                many.getMessage());
        ConfigException negative = assertThrows(ConfigException.class, () -> config("on", -1));
        assertTrue(negative.getMessage().contains("data.prefetch"), negative.getMessage());
        ConfigException cache = assertThrows(ConfigException.class, () -> config("sometimes", 1));
        assertTrue(cache.getMessage().contains("data.cache"), cache.getMessage());
    }

    private List<EpochMetrics> run(String cache, int prefetch) throws IOException {
        try (Scope s = Scope.open("run")) {
            ExperimentConfig c = config(cache, prefetch);
            assertEquals(prefetch, c.data().prefetch());
            return ExperimentRunner.run(c, dir.resolve("runs"), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8)).history();
        }
    }

    private ExperimentConfig config(String cache, int prefetch) {
        String yaml = """
                name: cached
                data:
                  source: csv
                  path: %s
                  test_path: %s
                  label: kind
                  cache: %s
                  cache_dir: %s
                  prefetch: %d
                  validation: 0.2
                  preprocessing: [standardize]
                model:
                  layers:
                    - {type: dense, units: 8}
                    - {type: relu}
                    - {type: dropout, p: 0.1}
                    - {type: dense, units: 3}
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 3, batch: 16}
                """.formatted(dir.resolve("train.csv"), dir.resolve("test.csv"), cache, dir.resolve("cache"), prefetch);
        return ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "cached.yaml"), "cached");
    }

    /** Three named classes around different centres, in three feature columns and the label between them. */
    private static void write(Path file, int rows, long seed) throws IOException {
        Random r = new Random(seed);
        String[] kinds = {"oak", "ash", "elm"};
        StringBuilder text = new StringBuilder("a,b,kind,c\n");
        for (int i = 0; i < rows; i++) {
            int k = r.nextInt(3);
            text.append(k + r.nextGaussian()).append(',').append(-k + r.nextGaussian()).append(',').append(kinds[k])
                    .append(',').append(r.nextGaussian() * 3).append('\n');
        }
        Files.writeString(file, text);
    }
}
