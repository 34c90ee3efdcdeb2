package dev.gatun.bench;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.norm.BatchNorm;
import dev.gatun.kernels.pool.MaxPool;
import dev.gatun.kernels.pool.PoolShape;
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
 * Pooling and batch norm kernels at the CNN sample's shapes: the Vector API versions against
 * their scalar twins.
 *
 * <p>Max pooling 2×2, stride 2 ({@code pool} param, NCHW): [64, 32, 28, 28] and [64, 64, 14, 14].
 * Batch norm training forward (statistics, then the normalize pass) and backward at
 * [64, 32, 28, 28].
 *
 * <p>GB/s: every call adds the bytes it must move at least once, / 10⁹, to the {@code gb}
 * counter, which JMH reports per second next to the primary score: the {@code :gb} row is GB/s.
 * Max pool forward reads x and writes y and the int32 argmax; backward reads dy and argmax and
 * writes dx. Batch norm forward reads x twice for the statistics (mean, then centred squares)
 * and once more to write y; backward reads x and dy twice and writes dx.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar PoolNormBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PoolNormBenchmark {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** Max pooling 2×2 stride 2 over one NCHW shape. */
    @State(Scope.Benchmark)
    public static class Pool {
        @Param({"64x32x28x28", "64x64x14x14"})
        public String pool;

        PoolShape shape;
        MemorySegment x;
        MemorySegment y;
        MemorySegment arg;
        MemorySegment dy;
        MemorySegment dx;
        double forwardGb;
        double backwardGb;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp() {
            String[] d = pool.split("x");
            if (d.length != 4) {
                throw new IllegalArgumentException("pool must be NxCxHxW, got " + pool);
            }
            int planes = Integer.parseInt(d[0]) * Integer.parseInt(d[1]);
            shape = PoolShape.of(planes, Integer.parseInt(d[2]), Integer.parseInt(d[3]), 2);
            long in = planes * shape.inPlane();
            long out = planes * shape.outPlane();
            arena = Arena.ofShared();
            x = random(arena, in, 1);
            y = arena.allocate(out * Float.BYTES, 64);
            arg = arena.allocate(out * Integer.BYTES, 64);
            dy = random(arena, out, 2);
            dx = arena.allocate(in * Float.BYTES, 64);
            MaxPool.forwardScalar(shape, x, 0, y, 0, arg, 0);
            forwardGb = (in + 2 * out) * 4.0 / 1e9;
            backwardGb = (in + 2 * out) * 4.0 / 1e9;
            System.out.println("# " + Simd.describe() + ", max pool 2x2 over " + pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** Batch norm over [64, 32, 28, 28]. */
    @State(Scope.Benchmark)
    public static class Norm {
        final int n = 64;
        final int c = 32;
        final int s = 28 * 28;
        MemorySegment x;
        MemorySegment y;
        MemorySegment dy;
        MemorySegment dx;
        MemorySegment mean;
        MemorySegment var;
        MemorySegment invStd;
        MemorySegment gamma;
        MemorySegment beta;
        MemorySegment scale;
        MemorySegment shift;
        MemorySegment dgamma;
        MemorySegment dbeta;
        double forwardGb;
        double backwardGb;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp() {
            long total = (long) n * c * s;
            arena = Arena.ofShared();
            x = random(arena, total, 3);
            y = arena.allocate(total * Float.BYTES, 64);
            dy = random(arena, total, 4);
            dx = arena.allocate(total * Float.BYTES, 64);
            mean = arena.allocate((long) c * Float.BYTES, 64);
            var = arena.allocate((long) c * Float.BYTES, 64);
            invStd = arena.allocate((long) c * Float.BYTES, 64);
            gamma = random(arena, c, 5);
            beta = random(arena, c, 6);
            scale = arena.allocate((long) c * Float.BYTES, 64);
            shift = arena.allocate((long) c * Float.BYTES, 64);
            dgamma = arena.allocate((long) c * Float.BYTES, 64);
            dbeta = arena.allocate((long) c * Float.BYTES, 64);
            BatchNorm.statisticsScalar(x, 0, n, c, s, mean, 0, var, 0);
            fold();
            forwardGb = total * 4.0 * 4 / 1e9;
            backwardGb = total * 4.0 * 5 / 1e9;
            System.out.println("# " + Simd.describe() + ", batch norm over [64, 32, 28, 28]");
        }

        /** invStd, and y = x·scale + shift with scale = γ·invStd, shift = β − mean·scale (eps 1e-5). */
        void fold() {
            for (int ch = 0; ch < c; ch++) {
                double is = 1 / Math.sqrt(var.getAtIndex(FLOAT, ch) + 1e-5);
                double a = gamma.getAtIndex(FLOAT, ch) * is;
                invStd.setAtIndex(FLOAT, ch, (float) is);
                scale.setAtIndex(FLOAT, ch, (float) a);
                shift.setAtIndex(FLOAT, ch, (float) (beta.getAtIndex(FLOAT, ch) - mean.getAtIndex(FLOAT, ch) * a));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public MemorySegment maxPoolForward(Pool p, ByteCounter b) {
        MaxPool.forward(p.shape, p.x, 0, p.y, 0, p.arg, 0);
        b.gb += p.forwardGb;
        return p.y;
    }

    @Benchmark
    public MemorySegment maxPoolForwardScalar(Pool p, ByteCounter b) {
        MaxPool.forwardScalar(p.shape, p.x, 0, p.y, 0, p.arg, 0);
        b.gb += p.forwardGb;
        return p.y;
    }

    @Benchmark
    public MemorySegment maxPoolBackward(Pool p, ByteCounter b) {
        MaxPool.backward(p.shape, p.dy, 0, p.arg, 0, p.dx, 0);
        b.gb += p.backwardGb;
        return p.dx;
    }

    @Benchmark
    public MemorySegment maxPoolBackwardScalar(Pool p, ByteCounter b) {
        MaxPool.backwardScalar(p.shape, p.dy, 0, p.arg, 0, p.dx, 0);
        b.gb += p.backwardGb;
        return p.dx;
    }

    @Benchmark
    public MemorySegment batchNormTrainForward(Norm p, ByteCounter b) {
        BatchNorm.statistics(p.x, 0, p.n, p.c, p.s, p.mean, 0, p.var, 0);
        p.fold();
        BatchNorm.normalize(p.x, 0, p.n, p.c, p.s, p.scale, 0, p.shift, 0, p.y, 0);
        b.gb += p.forwardGb;
        return p.y;
    }

    @Benchmark
    public MemorySegment batchNormTrainForwardScalar(Norm p, ByteCounter b) {
        BatchNorm.statisticsScalar(p.x, 0, p.n, p.c, p.s, p.mean, 0, p.var, 0);
        p.fold();
        BatchNorm.normalizeScalar(p.x, 0, p.n, p.c, p.s, p.scale, 0, p.shift, 0, p.y, 0);
        b.gb += p.forwardGb;
        return p.y;
    }

    @Benchmark
    public MemorySegment batchNormBackward(Norm p, ByteCounter b) {
        BatchNorm.backward(p.x, 0, p.dy, 0, p.n, p.c, p.s, p.mean, 0, p.invStd, 0, p.gamma, 0, p.dx, 0,
                p.dgamma, 0, p.dbeta, 0);
        b.gb += p.backwardGb;
        return p.dx;
    }

    @Benchmark
    public MemorySegment batchNormBackwardScalar(Norm p, ByteCounter b) {
        BatchNorm.backwardScalar(p.x, 0, p.dy, 0, p.n, p.c, p.s, p.mean, 0, p.invStd, 0, p.gamma, 0, p.dx, 0,
                p.dgamma, 0, p.dbeta, 0);
        b.gb += p.backwardGb;
        return p.dx;
    }

    private static MemorySegment random(Arena arena, long floats, long seed) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        }
        return s;
    }
}
