package dev.gatun.bench;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.gemm.Sgemm;
import dev.gatun.kernels.gemm.SgemmReference;
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
 * SGEMM throughput: {@link Sgemm} ("vector") and its scalar twin {@link SgemmReference} ("scalar").
 *
 * <p>Shapes ({@code shape} param): {@code "N"} is N×N times N×N; {@code "MxKxN"} is op(A) M×K times
 * op(B) K×N, with {@code -tA} / {@code -tB} when A is stored K×M / B is stored N×K. The MLP shapes
 * are a batch-128 784-256-128-10 network: forward X·W, backward Xᵀ·dY (tA) and dY·Wᵀ (tB). The
 * CNN sample's classifier (batch 64, 3136→10): forward 64x3136x10-tB, backward 64x10x3136 (dX)
 * and 10x64x3136-tA (dW). The LSTM sample (batch 64, 28 steps, hidden 128): the recurrent step
 * 64x128x512-tB, the whole-sequence input projection 1792x28x512-tB, the step's backward
 * 64x512x128 and the whole-sequence dW_hh 512x1792x128-tA.
 * C is overwritten (beta = 0), inputs are uniform in [-1, 1) without zeros, segments come from a
 * shared arena as in the runtime.
 *
 * <p>GFLOP/s: every call adds 2·M·N·K / 10⁹ to the {@code gflop} counter, which JMH reports per
 * second next to the primary score, so the {@code :gflop} row is GFLOP/s directly. The primary
 * score is calls per second; GFLOP/s = score × 2·M·N·K / 10⁹.
 *
 * <p>The scalar twin gets its own param list, capped at 512: a 1024³ scalar product takes
 * seconds per call and says nothing the 512 one does not.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar SgemmBenchmark -p shape=1024
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBenchmark {

    /** Shapes for the vector kernel. */
    @State(Scope.Benchmark)
    public static class VectorCase extends Problem {
        @Param({"64", "128", "256", "512", "1024", "2048", "4096",
                "128x784x256", "128x256x128", "128x128x10",
                "784x128x256-tA", "256x128x128-tA", "128x128x10-tA",
                "128x256x784-tB", "128x128x256-tB", "128x10x128-tB",
                "64x3136x10-tB", "64x10x3136", "10x64x3136-tA",
                "64x128x512-tB", "1792x28x512-tB", "64x512x128", "512x1792x128-tA"})
        public String shape;

        @Setup(Level.Trial)
        public void setUp() {
            allocate(shape);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    /** Shapes for the scalar twin: no square shape above 512. */
    @State(Scope.Benchmark)
    public static class ScalarCase extends Problem {
        @Param({"64", "128", "256", "512", "128x784x256", "784x128x256-tA", "128x256x784-tB"})
        public String shape;

        @Setup(Level.Trial)
        public void setUp() {
            allocate(shape);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    /** Floating-point work done, reported by JMH per second: GFLOP/s. */

    @Benchmark
    public void vector(VectorCase p, FlopCounter f) {
        Sgemm.sgemm(p.transA, p.transB, p.m, p.n, p.k, 1f, p.a, 0, p.lda, p.b, 0, p.ldb, 0f, p.c, 0, p.n);
        f.gflop += p.gflop;
    }

    @Benchmark
    public void scalar(ScalarCase p, FlopCounter f) {
        SgemmReference.sgemm(p.transA, p.transB, p.m, p.n, p.k, 1f, p.a, 0, p.lda, p.b, 0, p.ldb, 0f, p.c, 0, p.n);
        f.gflop += p.gflop;
    }

    /** Operands of one shape, off-heap. */
    public abstract static class Problem {
        int m;
        int n;
        int k;
        boolean transA;
        boolean transB;
        int lda;
        int ldb;
        double gflop;
        MemorySegment a;
        MemorySegment b;
        MemorySegment c;
        private Arena arena;

        void allocate(String shape) {
            String dims = shape;
            transA = dims.endsWith("-tA");
            transB = dims.endsWith("-tB");
            if (transA || transB) {
                dims = dims.substring(0, dims.length() - 3);
            }
            String[] parts = dims.split("x");
            if (parts.length == 1) {
                m = n = k = Integer.parseInt(parts[0]);
            } else if (parts.length == 3) {
                m = Integer.parseInt(parts[0]);
                k = Integer.parseInt(parts[1]);
                n = Integer.parseInt(parts[2]);
            } else {
                throw new IllegalArgumentException("shape must be N or MxKxN[-tA|-tB], got " + shape);
            }
            lda = transA ? m : k;
            ldb = transB ? k : n;
            gflop = 2.0 * m * n * k / 1e9;
            arena = Arena.ofShared();
            a = random((long) m * k, 1);
            b = random((long) k * n, 2);
            c = arena.allocate((long) m * n * Float.BYTES, 64);
            System.out.println("# " + Simd.describe() + ", m=" + m + " n=" + n + " k=" + k
                    + " transA=" + transA + " transB=" + transB);
        }

        void close() {
            arena.close();
        }

        private MemorySegment random(long floats, long seed) {
            MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
            SplittableRandom r = new SplittableRandom(seed);
            for (long i = 0; i < floats; i++) {
                float v = (float) (r.nextDouble() * 2 - 1);
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, v == 0f ? 0.5f : v);
            }
            return s;
        }
    }
}
