package dev.gatun.bench;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-op dispatch overhead of each backend ({@code backend} param): the fixed cost of a tensor op
 * when the data is too small to matter, i.e. what a model of many tiny ops pays per op.
 *
 * <ul>
 *   <li>{@code add}: {@code a.add(b)} on two 1-element float32 tensors through the full
 *       {@link Tensor} path (shape checks, backend lookup, result allocation in the current
 *       scope, the kernel). Results go to a scope opened and closed once per
 *       {@value #BATCH} adds, so memory stays flat whatever the iteration length; the score
 *       includes 1/{@value #BATCH} of that open/close.</li>
 *   <li>{@code scopeOpenClose}: opening and closing an empty {@link dev.gatun.tensor.Scope}
 *       (no arena of its own: its memory comes from cached blocks), for reference: the cost a
 *       training step pays once.</li>
 * </ul>
 *
 * <p>How to read it: nanoseconds per op (lower is better). The op's own dispatch cost is about
 * {@code add − scopeOpenClose / }{@value #BATCH}; the arithmetic itself is one float add.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar DispatchOverheadBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DispatchOverheadBenchmark {
    static final int BATCH = 1000;

    /** The backend and two 1-element inputs in their own scope, for the whole trial. */
    @State(Scope.Thread)
    public static class Inputs {
        @Param({"cpu", "scalar"})
        public String backend;

        private dev.gatun.tensor.Scope scope;
        Tensor a;
        Tensor b;

        @Setup(Level.Trial)
        public void setUp() {
            BackendRegistry.use(backend);
            scope = dev.gatun.tensor.Scope.open("bench inputs");
            long seed = System.nanoTime();
            a = Tensor.uniform(seed, -1, 1, dev.gatun.tensor.DType.FLOAT32, 1);
            b = Tensor.uniform(seed + 1, -1, 1, dev.gatun.tensor.DType.FLOAT32, 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scope.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void add(Inputs in, Blackhole bh) {
        try (dev.gatun.tensor.Scope batch = dev.gatun.tensor.Scope.open("bench batch")) {
            Tensor x = in.a;
            Tensor y = in.b;
            for (int i = 0; i < BATCH; i++) {
                bh.consume(x.add(y));
            }
        }
    }

    @Benchmark
    public boolean scopeOpenClose() {
        dev.gatun.tensor.Scope s = dev.gatun.tensor.Scope.open("bench empty");
        s.close();
        return s.isOpen();
    }
}
