package dev.gatun.bench;

import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Conv2dGeometry;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Tensor;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same op through the backend SPI on the CPU and on the GPU, at the shapes the samples and a
 * ResNet layer use: what a user of {@code Backend} gets on each device, with the framework's own
 * overhead (argument checks, descriptor lookup, launches) included.
 *
 * <pre>
 * gemm-1024        C[1024, 1024] = A·B, float32
 * gemm-4096        C[4096, 4096] = A·B
 * cnn-conv2        conv 5x5, 32 → 64 channels, 14x14, batch 64, padding 2 (forward, backwardData, backwardWeight)
 * resnet-3x3       conv 3x3, 64 → 64 channels, 56x56, batch 32, padding 1
 * </pre>
 *
 * Each call ends by reading one element of the result back, which waits for the device: the score
 * is completed ops per second, and {@code :gflop} their GFLOP/s. {@code -p backend=cuda} needs a
 * GPU; the default runs the CPU backend only.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar DeviceOpsBenchmark -p backend=cpu,cuda
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DeviceOpsBenchmark {
    /** A GEMM's operands on the chosen backend's device. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Gemm {
        @Param({"cpu"})
        public String backend;

        @Param({"1024", "4096"})
        public int n;

        Backend be;
        Tensor a;
        Tensor b;
        Tensor c;
        double gflop;
        private dev.gatun.tensor.Scope scope;

        @Setup(Level.Trial)
        public void setUp() {
            be = BackendRegistry.use(backend);
            scope = dev.gatun.tensor.Scope.open("gemm bench");
            Device d = be.device();
            SplittableRandom rng = new SplittableRandom(1);
            a = Tensor.uniform(rng, -1, 1, DType.FLOAT32, n, n).to(d);
            b = Tensor.uniform(rng, -1, 1, DType.FLOAT32, n, n).to(d);
            c = Tensor.empty(d, DType.FLOAT32, n, n);
            gflop = 2.0 * n * n * n / 1e9;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scope.close();
        }
    }

    /** A convolution layer's tensors on the chosen backend's device. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Conv {
        @Param({"cpu"})
        public String backend;

        @Param({"cnn-conv2", "resnet-3x3"})
        public String layer;

        Backend be;
        Conv2dGeometry g;
        Tensor x;
        Tensor w;
        Tensor bias;
        Tensor y;
        Tensor dx;
        Tensor dw;
        Tensor db;
        double gflop;
        private dev.gatun.tensor.Scope scope;

        @Setup(Level.Trial)
        public void setUp() {
            be = BackendRegistry.use(backend);
            scope = dev.gatun.tensor.Scope.open("conv bench");
            g = switch (layer) {
                case "cnn-conv2" -> new Conv2dGeometry(64, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1, 1, 1);
                case "resnet-3x3" -> new Conv2dGeometry(32, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
                default -> throw new IllegalArgumentException("layer must be cnn-conv2 or resnet-3x3, got " + layer);
            };
            Device d = be.device();
            SplittableRandom rng = new SplittableRandom(2);
            x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, g.inputShape()).to(d);
            w = Tensor.uniform(rng, -1, 1, DType.FLOAT32, g.weightShape()).to(d);
            bias = Tensor.uniform(rng, -1, 1, DType.FLOAT32, g.outChannels()).to(d);
            y = Tensor.uniform(rng, -1, 1, DType.FLOAT32, g.outputShape()).to(d);
            dx = Tensor.empty(d, DType.FLOAT32, g.inputShape());
            dw = Tensor.empty(d, DType.FLOAT32, g.weightShape());
            db = Tensor.empty(d, DType.FLOAT32, g.outChannels());
            gflop = g.flops() / 1e9;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scope.close();
        }
    }

    @Benchmark
    public double gemm(Gemm s, FlopCounter f) {
        s.be.gemm(false, false, 1, s.a, s.b, 0, s.c);
        f.gflop += s.gflop;
        return s.c.getFlat(0);
    }

    @Benchmark
    public double convForward(Conv s, FlopCounter f) {
        s.be.conv2d(s.g, s.x, s.w, s.bias, s.y);
        f.gflop += s.gflop;
        return s.y.getFlat(0);
    }

    @Benchmark
    public double convBackwardData(Conv s, FlopCounter f) {
        s.be.conv2dBackwardData(s.g, s.y, s.w, s.dx);
        f.gflop += s.gflop;
        return s.dx.getFlat(0);
    }

    @Benchmark
    public double convBackwardWeight(Conv s, FlopCounter f) {
        s.be.conv2dBackwardWeight(s.g, s.x, s.y, s.dw, s.db);
        f.gflop += s.gflop;
        return s.dw.getFlat(0);
    }
}
