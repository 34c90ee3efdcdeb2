package dev.gatun.bench;

import dev.gatun.kernels.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one {@link Parallel#forEach} over {@code Parallel.THREADS} tasks costs beyond its tasks:
 * handing them to the worker threads and waiting for the last. Each task is a chain of
 * {@code work} dependent multiply-adds (0: empty tasks, the bare fork and join; 2,000 is about
 * 3 µs on a Zen 3 core, 20,000 about 30 µs). {@code oneTask} is one task alone on the caller's
 * thread: a perfect split takes that long, and the difference is the overhead a training step
 * pays on each of its parallel ops.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar ParallelForEachBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ParallelForEachBenchmark {
    @Param({"0", "2000", "20000"})
    public int work;

    // One result per task, a cache line apart, so the tasks do not share a line.
    private final double[] results = new double[Parallel.THREADS * 8];

    @Benchmark
    public double forEach() {
        Parallel.forEach(Parallel.THREADS, t -> results[t * 8] = chain(work, t));
        return results[0];
    }

    @Benchmark
    public double oneTask() {
        return chain(work, 0);
    }

    private static double chain(int n, int seed) {
        double x = seed + 1.0;
        for (int i = 0; i < n; i++) {
            x = Math.fma(x, 0.999999, 1e-9);
        }
        return x;
    }
}
