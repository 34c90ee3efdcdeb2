package dev.gatun.bench;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.conv.Conv2d;
import dev.gatun.kernels.conv.ConvShape;
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
 * 2-D convolution kernels ({@link Conv2d}, float32 NCHW): forward, backward data, backward weight
 * (with the bias gradient), on the Vector API kernels ({@code backend=cpu}) and on their scalar
 * twins ({@code backend=scalar}, at the sample's layers only: resnet-3x3 would take ~10 s a call).
 *
 * <p>Layers ({@code layer} param): {@code cnn-conv1} is the CNN sample's first layer
 * (x [64, 1, 28, 28], 32 filters 5×5, pad 2), {@code cnn-conv2} its second
 * (x [64, 32, 14, 14], 64 filters 5×5, pad 2, ~95% of the sample's FLOPs), {@code resnet-3x3} a
 * ResNet stage-1 layer (x [32, 64, 56, 56], 64 filters 3×3, pad 1). {@code bench/pytorch/conv.py}
 * times the same layers in PyTorch.
 *
 * <p>The score is calls per second, and the {@code :gflop} row GFLOP/s ({@link FlopCounter}). Each
 * pass (forward, backward data, backward weight) is 2·batch·outC·outH·outW·(inC/groups)·kH·kW
 * FLOPs: cnn-conv1 0.0803 GFLOP, cnn-conv2 1.2845, resnet-3x3 7.3987.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar ConvBenchmark -p layer=cnn-conv2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvBenchmark {

    /** One layer's tensors, off-heap in a shared arena as in the runtime. */
    @State(Scope.Benchmark)
    public static class Layer {
        @Param({"cnn-conv1", "cnn-conv2", "resnet-3x3"})
        public String layer;

        /** cpu: the Vector API kernels; scalar: their scalar twins (direct loops in double). */
        @Param({"cpu", "scalar"})
        public String backend;

        boolean scalar;

        ConvShape s;
        double gflop;
        MemorySegment x;
        MemorySegment w;
        MemorySegment b;
        MemorySegment y;
        MemorySegment dx;
        MemorySegment dw;
        MemorySegment db;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp() {
            s = switch (layer) {
                case "cnn-conv1" -> new ConvShape(64, 1, 28, 28, 32, 5, 5, 1, 1, 2, 2, 1, 1, 1);
                case "cnn-conv2" -> new ConvShape(64, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1, 1, 1);
                case "resnet-3x3" -> new ConvShape(32, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
                default -> throw new IllegalArgumentException("layer must be cnn-conv1, cnn-conv2 or resnet-3x3, got " + layer);
            };
            gflop = s.flops() / 1e9;
            scalar = switch (backend) {
                case "cpu" -> false;
                case "scalar" -> true;
                default -> throw new IllegalArgumentException("backend must be cpu or scalar, got " + backend);
            };
            if (scalar && layer.equals("resnet-3x3")) {
                throw new IllegalArgumentException("the scalar twins run only at the sample's layers here: resnet-3x3"
                        + " takes about 10 s per call");
            }
            arena = Arena.ofShared();
            x = random(s.inputSize(), 1);
            w = random(s.weightSize(), 2);
            b = random(s.outChannels(), 3);
            y = random(s.outputSize(), 4);
            dx = arena.allocate(s.inputSize() * Float.BYTES, 64);
            dw = arena.allocate(s.weightSize() * Float.BYTES, 64);
            db = arena.allocate((long) s.outChannels() * Float.BYTES, 64);
            System.out.println("# " + Simd.describe() + ", " + layer + ": " + gflop + " GFLOP per pass");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }

        private MemorySegment random(long floats, long seed) {
            MemorySegment m = arena.allocate(floats * Float.BYTES, 64);
            SplittableRandom r = new SplittableRandom(seed);
            for (long i = 0; i < floats; i++) {
                m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
            }
            return m;
        }
    }

    @Benchmark
    public void forward(Layer l, FlopCounter f) {
        if (l.scalar) {
            Conv2d.forwardScalar(l.s, l.x, 0, l.w, 0, l.b, 0, l.y, 0);
        } else {
            Conv2d.forward(l.s, l.x, 0, l.w, 0, l.b, 0, l.y, 0);
        }
        f.gflop += l.gflop;
    }

    @Benchmark
    public void backwardData(Layer l, FlopCounter f) {
        if (l.scalar) {
            Conv2d.backwardDataScalar(l.s, l.y, 0, l.w, 0, l.dx, 0);
        } else {
            Conv2d.backwardData(l.s, l.y, 0, l.w, 0, l.dx, 0);
        }
        f.gflop += l.gflop;
    }

    @Benchmark
    public void backwardWeight(Layer l, FlopCounter f) {
        if (l.scalar) {
            Conv2d.backwardWeightScalar(l.s, l.x, 0, l.y, 0, l.dw, 0, l.db, 0);
        } else {
            Conv2d.backwardWeight(l.s, l.x, 0, l.y, 0, l.dw, 0, l.db, 0);
        }
        f.gflop += l.gflop;
    }
}
