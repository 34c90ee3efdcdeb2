package dev.gatun.bench;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.MemoryBudgetException;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the memory budget costs and how fast it refuses.
 *
 * <ul>
 *   <li>{@code allocate}: one 16-element float32 tensor, uninitialized, in a scope opened and
 *       closed once per {@value #BATCH} of them: the allocation path every op's result takes, with
 *       its budget check (one atomic add and a compare); the score includes 1/{@value #BATCH} of the
 *       scope's open and close.</li>
 *   <li>{@code refuseFiftyMillionUnits}: {@code gatun train}'s check of a config whose dense layer
 *       has 50 million units (issue 15), from the parsed config to the refusal: the time to say no,
 *       where building the network would take minutes and tens of GB.</li>
 * </ul>
 *
 * <p>Microseconds per operation (lower is better).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar MemoryBudgetBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MemoryBudgetBenchmark {
    static final int BATCH = 1000;

    /** A config of 50 million units, parsed once. */
    @State(Scope.Benchmark)
    public static class Oversized {
        ExperimentConfig config;

        @Setup(Level.Trial)
        public void parse() {
            config = ExperimentConfig.from(ConfigLoader.parseYaml("""
                    data: {source: synthetic, kind: moons}
                    model: {layers: [{type: dense, units: 50000000}, {type: relu}, {type: dense, units: 2}]}
                    """, "wide.yaml"), "wide");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void allocate(Blackhole bh) {
        try (dev.gatun.tensor.Scope batch = dev.gatun.tensor.Scope.open("bench batch")) {
            for (int i = 0; i < BATCH; i++) {
                bh.consume(Tensor.empty(DType.FLOAT32, 16));
            }
        }
    }

    @Benchmark
    public String refuseFiftyMillionUnits(Oversized in) {
        try {
            ExperimentRunner.checkMemory(in.config, "wide.yaml");
            throw new IllegalStateException("the budget let 50 million units through");
        } catch (MemoryBudgetException e) {
            return e.getMessage();
        }
    }
}
