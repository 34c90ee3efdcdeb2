package dev.gatun.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
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
                // The scalar reference needs seconds per CNN step; the CPU backend covers the code.
                .param("backend", "cpu")
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
        Set<String> expected = new HashSet<>(Set.of(
                "SgemmBenchmark.vector", "SgemmBenchmark.scalar", "TrainStepBenchmark.mlp", "TrainStepBenchmark.cnn",
                "TrainStepBenchmark.lstm", "TrainStepBenchmark.sequence",
                "FmaPeakBenchmark.singleThread", "FmaPeakBenchmark.twoThreads",
                "DowncallBenchmark.libcAbs", "DowncallBenchmark.libcAbsCritical", "DowncallBenchmark.getpid",
                "DowncallBenchmark.javaCall",
                "DispatchOverheadBenchmark.add", "DispatchOverheadBenchmark.scopeOpenClose",
                "OptimizerStepBenchmark.rmsprop", "OptimizerStepBenchmark.rmspropScalar",
                "OptimizerStepBenchmark.adagrad", "OptimizerStepBenchmark.adagradScalar"));
        // Needs libcudart.so.13 (no GPU); elsewhere its setup fails by design and JMH skips it.
        if (CudaLibraries.get().isLoaded(CudaLibrary.CUDART)) {
            expected.add("DowncallBenchmark.cudaRuntimeGetVersion");
        }
        assertEquals(expected, ran);
    }
}
