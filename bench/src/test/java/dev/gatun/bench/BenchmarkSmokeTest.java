package dev.gatun.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.Gpu;
import java.lang.reflect.Method;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark once, in this JVM, with its smallest parameters and one short iteration,
 * so a broken benchmark fails the build. It measures nothing worth reading.
 */
class BenchmarkSmokeTest {
    @Test
    void everyBenchmarkRunsOnce() throws Exception {
        Options opts = new OptionsBuilder()
                .include("dev\\.gatun\\.bench\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("shape", "128")
                // Two batches: the prefetch benchmark's epoch, and its CSV, stay small.
                .param("examples", "256")
                // The scalar reference needs seconds per CNN step; the CPU backend covers the code.
                .param("backend", "cpu")
                // One image a step: the ResNets' code path, not their batch of 256 or 64 on two cores.
                .param("batch", "1")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        Set<String> ran = new HashSet<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            ran.add(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), name + " " + r.getParams() + " scored " + score);
        }
        Set<String> expected = declaredBenchmarks();
        // Needs libcudart.so.13 (no GPU); elsewhere its setup fails by design and JMH skips it.
        if (!CudaLibraries.get().isLoaded(CudaLibrary.CUDART)) {
            expected.remove("DowncallBenchmark.cudaRuntimeGetVersion");
        }
        // These need a GPU: without one their setup throws the "no GPU" reason and JMH skips them.
        if (!Gpu.availability().available()) {
            expected.removeIf(b -> b.startsWith("CublasPeakBenchmark.") || b.startsWith("CopyBandwidthBenchmark."));
        }
        assertEquals(expected, ran);
    }

    /** Every {@code @Benchmark} method of the compiled benchmark classes, as Class.method. */
    private static Set<String> declaredBenchmarks() throws Exception {
        Path root = Path.of(FmaPeakBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> out = new HashSet<>();
        // Under Maven the classes are a directory; in the GPU runner they are a jar.
        try (FileSystem jar = Files.isRegularFile(root) ? FileSystems.newFileSystem(root) : null;
                Stream<Path> files = Files.list(jar == null ? root.resolve("dev/gatun/bench")
                        : jar.getPath("dev/gatun/bench"))) {
            for (Path f : files.toList()) {
                String file = f.getFileName().toString();
                if (!file.endsWith("Benchmark.class")) {
                    continue;
                }
                Class<?> c = Class.forName("dev.gatun.bench." + file.substring(0, file.length() - ".class".length()));
                for (Method m : c.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Benchmark.class)) {
                        out.add(c.getSimpleName() + "." + m.getName());
                    }
                }
            }
        }
        assertTrue(out.size() > 10, "found only " + out + " under " + root);
        return out;
    }
}
