package dev.gatun.bench;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.models.FashionModels;
import dev.gatun.nn.Module;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.StepCapture;
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
 * Host time per training step of the Fashion-MNIST MLP (batch 128, Adam), with and without CUDA
 * graphs ({@link StepCapture}): the time the host spends issuing one step, batch copy included,
 * without waiting for the device (a sync after each iteration keeps the queue bounded). Eager, the
 * host dispatches every op and kernel; replayed, it copies the batch in and launches one graph.
 *
 * <p>The meaningful figure needs a GPU: {@code -p backend=cuda}. On the default fake device every
 * kernel runs on the host during the launch, so both modes time the same CPU arithmetic, and the
 * difference is only the Java dispatch a replay skips; it shows that the replay path runs, not what
 * graphs save on a GPU.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar StepCaptureBenchmark -p backend=cuda
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class StepCaptureBenchmark {
    /** fake (default), cuda on a GPU machine, or cpu, where graphs fall back to eager steps. */
    @Param({"fake"})
    public String backend;

    /** Whether steps are captured and replayed. */
    @Param({"false", "true"})
    public boolean cudaGraphs;

    private dev.gatun.tensor.Scope scope;
    private Device device;
    private Module net;
    private Adam adam;
    private StepCapture capture;
    private Tensor[] batch;

    @Setup(Level.Trial)
    public void setUp() {
        BackendRegistry.use(backend);
        device = BackendRegistry.device();
        scope = dev.gatun.tensor.Scope.open("bench model");
        SplittableRandom rng = new SplittableRandom(42);
        net = FashionModels.mlp(rng).to(device);
        net.train(true);
        adam = new Adam(net.parameters(), 1e-3);
        int[] labels = new int[128];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        batch = new Tensor[] {Tensor.uniform(rng, 0, 1, DType.FLOAT32, 128, 784), Tensor.of(labels, 128)};
        capture = cudaGraphs ? new StepCapture(device, adam, StepCapture.DEFAULT_WARMUP_STEPS, message -> { }) : null;
    }

    @TearDown(Level.Iteration)
    public void drain() {
        if (!device.isHost()) {
            DeviceRuntimes.of(device).synchronize();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (capture != null) {
            capture.close();
        }
        scope.close();
    }

    @Benchmark
    public Tensor mlpStep() {
        try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
            if (capture != null) {
                return capture.step(batch, in -> step(in[0], in[1]))[0];
            }
            return step(batch[0].to(device), batch[1].to(device))[0];
        }
    }

    private Tensor[] step(Tensor x, Tensor y) {
        Tensor output = net.forward(x);
        Tensor loss = Losses.crossEntropy(output, y);
        adam.zeroGrad();
        loss.backward();
        adam.step();
        return new Tensor[] {loss, output};
    }
}
