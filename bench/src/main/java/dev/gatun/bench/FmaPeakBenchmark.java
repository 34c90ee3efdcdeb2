package dev.gatun.bench;

import dev.gatun.kernels.Simd;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU's fp32 fused-multiply-add peak as reached through the Vector API at {@link Simd#FLOATS}
 * width: the ceiling every CPU kernel (SGEMM first) is measured against.
 *
 * <p>Each call runs {@value #STEPS} steps of {@value #ACCUMULATORS} independent
 * {@code acc = x.fma(y, acc)} on register-resident vectors. Ten independent chains cover the FMA
 * latency (4 cycles on Zen 3) times the two FMA pipes, and still leave registers free on AVX2
 * (16 ymm registers). Operands are loaded from state fields, so nothing is constant-folded, and
 * the sum of the accumulators is returned, so C2 cannot drop the work.
 *
 * <p>How to read it: the {@code :gflop} row is GFLOP/s directly (each FMA lane counts 2 flops;
 * JMH sums it over threads). {@code singleThread} is one core's peak; {@code twoThreads} runs
 * the same loop on two threads at once, to compare with 2 × one core (on a 2-core machine with
 * SMT off, both cores). The primary score is calls per second. Theoretical AVX2 peak is
 * 2 pipes × 8 lanes × 2 flops × clock, about 97 GFLOP/s per core at Zen 3's ~3 GHz.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar FmaPeakBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FmaPeakBenchmark {
    static final int ACCUMULATORS = 10;
    static final int STEPS = 4096;
    private static final VectorSpecies<Float> S = Simd.FLOATS;

    /** Per-thread operands, read from fields so C2 cannot treat them as constants. */
    @State(Scope.Thread)
    public static class Operands {
        float[] init;
        float[] x;
        float[] y;
        int steps;
        double gflopPerCall;

        @Setup(Level.Trial)
        public void setUp() {
            int lanes = S.length();
            init = new float[ACCUMULATORS * lanes];
            for (int i = 0; i < init.length; i++) {
                init[i] = i * 1e-3f;
            }
            x = new float[lanes];
            y = new float[lanes];
            for (int i = 0; i < lanes; i++) {
                x[i] = 1e-3f + i * 1e-5f;   // small products: the sums stay normal and finite
                y[i] = 0.5f + i * 1e-3f;
            }
            steps = STEPS;
            gflopPerCall = 2.0 * ACCUMULATORS * lanes * (double) STEPS / 1e9;
            System.out.println("# " + Simd.describe() + ", " + ACCUMULATORS + " accumulators x "
                    + STEPS + " steps per call");
        }
    }

    @Benchmark
    @Threads(1)
    public float singleThread(Operands o, FlopCounter f) {
        float r = run(o);
        f.gflop += o.gflopPerCall;
        return r;
    }

    @Benchmark
    @Threads(2)
    public float twoThreads(Operands o, FlopCounter f) {
        float r = run(o);
        f.gflop += o.gflopPerCall;
        return r;
    }

    private static float run(Operands o) {
        int l = S.length();
        float[] init = o.init;
        FloatVector x = FloatVector.fromArray(S, o.x, 0);
        FloatVector y = FloatVector.fromArray(S, o.y, 0);
        FloatVector a0 = FloatVector.fromArray(S, init, 0);
        FloatVector a1 = FloatVector.fromArray(S, init, l);
        FloatVector a2 = FloatVector.fromArray(S, init, 2 * l);
        FloatVector a3 = FloatVector.fromArray(S, init, 3 * l);
        FloatVector a4 = FloatVector.fromArray(S, init, 4 * l);
        FloatVector a5 = FloatVector.fromArray(S, init, 5 * l);
        FloatVector a6 = FloatVector.fromArray(S, init, 6 * l);
        FloatVector a7 = FloatVector.fromArray(S, init, 7 * l);
        FloatVector a8 = FloatVector.fromArray(S, init, 8 * l);
        FloatVector a9 = FloatVector.fromArray(S, init, 9 * l);
        for (int i = 0, n = o.steps; i < n; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
    }
}
