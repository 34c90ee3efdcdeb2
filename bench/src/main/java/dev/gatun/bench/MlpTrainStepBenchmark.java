package dev.gatun.bench;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
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

/**
 * One training step of the {@code make run} model (MLP 784-256-128-10, ReLU, Adam, batch 128):
 * forward, fused cross-entropy, backward, optimizer update, with the step's own scope opened and
 * closed as the trainer does. The score is samples per second (each invocation is one batch of
 * {@value #BATCH} samples), the figure to set against PyTorch's on the same cores.
 *
 * <p>Inputs are fresh random pixels in [0, 1) and labels in 0..9, drawn once per trial, so no
 * step reuses a cached result; the weights change every step.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar MlpTrainStepBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class MlpTrainStepBenchmark {
    static final int BATCH = 128;

    @Param({"cpu", "scalar"})
    public String backend;

    private dev.gatun.tensor.Scope model;
    private Sequential net;
    private Adam adam;
    private Tensor x;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setUp() {
        BackendRegistry.use(backend);
        model = dev.gatun.tensor.Scope.open("bench model");
        SplittableRandom rng = new SplittableRandom(42);
        net = new Sequential(new Linear(784, 256, rng), Activation.relu(), new Linear(256, 128, rng),
                Activation.relu(), new Linear(128, 10, rng));
        adam = new Adam(net.parameters(), 1e-3);
        x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, BATCH, 784);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = rng.nextInt(10);
        }
        labels = Tensor.of(y, BATCH);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double trainStep() {
        try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
            Tensor loss = Losses.crossEntropy(net.forward(x), labels);
            adam.zeroGrad();
            loss.backward();
            adam.step();
            return loss.item();
        }
    }
}
