package dev.gatun.bench;

import dev.gatun.kernels.optim.AdagradStep;
import dev.gatun.kernels.optim.RmspropStep;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One RMSprop / Adagrad step over {@code size} float32 parameters: the Vector API kernels
 * ({@code rmsprop}, {@code adagrad}) against their scalar twins ({@code *Scalar}). RMSprop runs
 * with torch's defaults (no momentum, not centered); both read param, grad and one state array
 * and write param and state, 20 bytes per element, so at large sizes GB/s = 20·size / time.
 * Parameters drift over the iterations (tiny lr); only the time matters.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar OptimizerStepBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OptimizerStepBenchmark {

    /** Parameters, gradients and one state array of {@code size} floats. */
    @State(Scope.Benchmark)
    public static class Arrays {
        /** Element count: a small layer, an MLP's worth, and one large enough to stream from memory. */
        @Param({"128", "65536", "1048576", "16777216"})
        public String size;

        private Arena arena;
        long n;
        MemorySegment param;
        MemorySegment grad;
        MemorySegment state;

        @Setup(Level.Trial)
        public void setUp() {
            n = Long.parseLong(size);
            arena = Arena.ofShared();
            SplittableRandom rnd = new SplittableRandom(1);
            param = arena.allocate(n * Float.BYTES, 64);
            grad = arena.allocate(n * Float.BYTES, 64);
            state = arena.allocate(n * Float.BYTES, 64);
            for (long i = 0; i < n; i++) {
                param.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
                grad.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-0.1, 0.1));
                state.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.01f);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public void rmsprop(Arrays a) {
        RmspropStep.run(a.param, 0, a.grad, 0, a.state, 0, null, 0, null, 0, a.n, 1e-6f, 0.99f, 1e-8f, 0f, 0f, false);
    }

    @Benchmark
    public void rmspropScalar(Arrays a) {
        RmspropStep.runScalar(a.param, 0, a.grad, 0, a.state, 0, null, 0, null, 0, a.n, 1e-6f, 0.99f, 1e-8f, 0f, 0f,
                false);
    }

    @Benchmark
    public void adagrad(Arrays a) {
        AdagradStep.run(a.param, 0, a.grad, 0, a.state, 0, a.n, 1e-6f, 0f, 0f, 1e-10f, 1);
    }

    @Benchmark
    public void adagradScalar(Arrays a) {
        AdagradStep.runScalar(a.param, 0, a.grad, 0, a.state, 0, a.n, 1e-6f, 0f, 0f, 1e-10f, 1);
    }
}
