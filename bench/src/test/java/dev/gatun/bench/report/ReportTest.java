package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from saved JMH JSON: tables, derived ratios, plots, comparison and bad input. */
class ReportTest {
    private static String result(String benchmark, String params, double score, double error, String gflop) {
        String secondary = gflop == null ? "{}" : "{\"gflop\": {\"score\": " + gflop + ", \"scoreUnit\": \"ops/s\"}}";
        return String.format(Locale.ROOT, """
                {"jmhVersion": "1.37", "benchmark": "%s", "mode": "thrpt", "params": {%s},
                 "primaryMetric": {"score": %s, "scoreError": %s, "scoreUnit": "ops/s"},
                 "secondaryMetrics": %s}""", benchmark, params, score, error, secondary);
    }

    private static Path folder(Path root, String name, String... results) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve("jmh.json"), "[" + String.join(",", results) + "]");
        return dir;
    }

    @Test
    void rendersTablesWithPeakFractionsSpeedupsAndPlots(@TempDir Path root) throws IOException {
        Path dir = folder(root, "run",
                result("dev.gatun.bench.SgemmBenchmark.vector", "\"shape\": \"128\"", 1000, 50, "80"),
                result("dev.gatun.bench.SgemmBenchmark.vector", "\"shape\": \"256\"", 200, 10, "120"),
                result("dev.gatun.bench.SgemmBenchmark.scalar", "\"shape\": \"128\"", 25, 1, "2"),
                result("dev.gatun.bench.SgemmBenchmark.scalar", "\"shape\": \"256\"", 4, 1, "2.4"),
                result("dev.gatun.bench.FmaPeakBenchmark.twoThreads", "", 10, 1, "160"),
                result("dev.gatun.bench.TrainStepBenchmark.cnn", "\"backend\": \"cpu\"", 1600, 100, null),
                result("dev.gatun.bench.TrainStepBenchmark.cnn", "\"backend\": \"scalar\"", 16, 1, null));
        String md = Files.readString(Report.render(dir));
        assertTrue(md.contains("measured in this run (FmaPeak, all threads): **160.0 GFLOP/s**"), md);
        // 80 GFLOP/s is half the peak; the error scales with the score (50/1000 of 80 = 4);
        // variants appear in the order the file first lists them.
        assertTrue(md.contains("| shape=128 | 80.00 ± 4.00 (50%) | 2.00 ± 0.0800 (1%) | 40.00× |"), md);
        assertTrue(md.contains("| shape=256 | 120 ± 6.00 (75%) | 2.40 ± 0.600 (2%) | 50.00× |"), md);
        assertTrue(md.contains("| cnn | 1,600 ± 100 | 16.00 ± 1.00 | 100.00× |"), md);
        assertTrue(Files.size(dir.resolve("Sgemm-by-size.png")) > 1000);
        assertTrue(Files.size(dir.resolve("Sgemm-speedup-vector-scalar.png")) > 1000);
        assertTrue(Files.exists(dir.resolve("TrainStep.png")));
        assertTrue(md.contains("![Sgemm](Sgemm-by-size.png)"), md);
    }

    @Test
    void comparesTheCasesTwoRunsShare(@TempDir Path root) throws IOException {
        Path before = folder(root, "before",
                result("dev.gatun.bench.SgemmBenchmark.vector", "\"shape\": \"128\"", 1000, 50, "80"),
                result("dev.gatun.bench.SgemmBenchmark.vector", "\"shape\": \"64\"", 1000, 50, "30"));
        Path after = folder(root, "after",
                result("dev.gatun.bench.SgemmBenchmark.vector", "\"shape\": \"128\"", 1500, 50, "120"),
                result("dev.gatun.bench.ConvBenchmark.forward", "\"shape\": \"x\"", 10, 1, "50"));
        String md = Files.readString(Report.compare(before, after));
        assertTrue(md.contains("| Sgemm | shape=128 | vector | 80.00 GFLOP/s | 120 GFLOP/s | 1.50× |"), md);
        assertTrue(!md.contains("shape=64") && !md.contains("Conv"), md);
    }

    @Test
    void variantsAndCasesFollowTheBackendParameter() {
        BenchResult withBackend = new BenchResult("a.b.TrainStepBenchmark", "lstm",
                java.util.Map.of("backend", "cpu", "t", "28"), "thrpt", 1, 0, "ops/s", java.util.Map.of());
        assertEquals("TrainStep", withBackend.family());
        assertEquals("cpu", withBackend.variant());
        assertEquals("lstm t=28", withBackend.caseLabel());
        BenchResult plain = new BenchResult("a.b.SgemmBenchmark", "scalar", java.util.Map.of("shape", "512"), "thrpt",
                1, 0, "ops/s", java.util.Map.of());
        assertEquals("scalar", plain.variant());
        assertEquals(512.0, plain.size().getAsDouble());
    }

    @Test
    void badFilesNameTheProblem(@TempDir Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("bad"));
        IOException missing = assertThrows(IOException.class, () -> Report.render(dir));
        assertTrue(missing.getMessage().contains("jmh.json does not exist"), missing.getMessage());
        Files.writeString(dir.resolve("jmh.json"), "{\"not\": \"an array\"}");
        IOException notArray = assertThrows(IOException.class, () -> Report.render(dir));
        assertTrue(notArray.getMessage().contains("expected a JSON array"), notArray.getMessage());
        Files.writeString(dir.resolve("jmh.json"), "[{\"benchmark\": \"x.y.Z.m\", \"mode\": \"thrpt\"}]");
        IOException noScore = assertThrows(IOException.class, () -> Report.render(dir));
        assertTrue(noScore.getMessage().contains("result 0: no primaryMetric"), noScore.getMessage());
        Files.writeString(dir.resolve("jmh.json"), "[{");
        assertTrue(assertThrows(IOException.class, () -> Report.render(dir)).getMessage().contains("not valid JSON"));
    }
}
