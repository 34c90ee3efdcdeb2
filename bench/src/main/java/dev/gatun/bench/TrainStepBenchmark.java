package dev.gatun.bench;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.models.FashionModels;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Module;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
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
 * One training step of each sample's model, exactly as the samples build it: forward, loss,
 * backward and Adam update, with the step's own scope opened and closed as the trainer does. The
 * score is samples per second (each invocation is one batch), the figure to set against
 * PyTorch's on the same cores ({@code bench/pytorch/fashion_mnist.py}).
 *
 * <pre>
 * mlp       MLP 784-256-128-10, batch 128, cross-entropy
 * cnn       conv5x5 32, maxpool, conv5x5 64, maxpool, linear 3136→10, batch 64, cross-entropy
 * lstm      LSTM 28→128 over 28 steps, last state → linear 10, batch 64, cross-entropy
 * sequence  LSTM 1→32 over 48 steps, last state → linear 1, batch 32, MSE
 * </pre>
 * Inputs are random (pixels in [0, 1), labels in 0..9), drawn once per trial; the weights change
 * every step, so no step repeats another's work. With {@code -p backend=cuda} the model and the
 * batch live on the GPU; reading the loss back each step waits for the step to finish, so the
 * score is the device's real throughput, not its queueing rate.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar TrainStepBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TrainStepBenchmark {
    /** A model, its optimizer and one batch, built in the chosen backend's scope. */
    @State(Scope.Benchmark)
    public abstract static class Step {
        /** cpu, scalar, or cuda (on a GPU machine: -p backend=cuda): model and batch on its device. */
        @Param({"cpu", "scalar"})
        public String backend;

        private dev.gatun.tensor.Scope scope;
        private Module net;
        private Adam adam;
        private Tensor x;
        private Tensor target;

        abstract Module build(SplittableRandom rng);

        /** Examples per step. */
        abstract int batch();

        abstract Tensor input(SplittableRandom rng);

        abstract Tensor target(SplittableRandom rng);

        abstract BiFunction<Tensor, Tensor, Tensor> loss();

        @Setup(Level.Trial)
        public void setUp() {
            BackendRegistry.use(backend);
            scope = dev.gatun.tensor.Scope.open("bench model");
            SplittableRandom rng = new SplittableRandom(42);
            net = build(rng).to(BackendRegistry.device());
            adam = new Adam(net.parameters(), 1e-3);
            x = input(rng).to(BackendRegistry.device());
            target = target(rng).to(BackendRegistry.device());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scope.close();
        }

        double run() {
            try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
                Tensor l = loss().apply(net.forward(x), target);
                adam.zeroGrad();
                l.backward();
                adam.step();
                return l.item();
            }
        }
    }

    /** A classifier over Fashion-MNIST-sized inputs. */
    abstract static class Classifier extends Step {
        abstract int[] example();

        @Override
        Tensor input(SplittableRandom rng) {
            int[] e = example();
            int[] shape = new int[e.length + 1];
            shape[0] = batch();
            System.arraycopy(e, 0, shape, 1, e.length);
            return Tensor.uniform(rng, 0, 1, DType.FLOAT32, shape);
        }

        @Override
        Tensor target(SplittableRandom rng) {
            int[] y = new int[batch()];
            for (int i = 0; i < y.length; i++) {
                y[i] = rng.nextInt(10);
            }
            return Tensor.of(y, y.length);
        }

        @Override
        BiFunction<Tensor, Tensor, Tensor> loss() {
            return Losses::crossEntropy;
        }
    }

    public static class Mlp extends Classifier {
        @Override
        Module build(SplittableRandom rng) {
            return FashionModels.mlp(rng);
        }

        @Override
        int batch() {
            return 128;
        }

        @Override
        int[] example() {
            return new int[] {784};
        }
    }

    public static class Cnn extends Classifier {
        @Override
        Module build(SplittableRandom rng) {
            return FashionModels.cnn(rng);
        }

        @Override
        int batch() {
            return 64;
        }

        @Override
        int[] example() {
            return new int[] {1, 28, 28};
        }
    }

    public static class Lstm extends Classifier {
        @Override
        Module build(SplittableRandom rng) {
            return FashionModels.lstm(rng);
        }

        @Override
        int batch() {
            return 64;
        }

        @Override
        int[] example() {
            return new int[] {28, 28};
        }
    }

    public static class Sequence extends Step {
        @Override
        Module build(SplittableRandom rng) {
            return new LastStateLinear(new LSTM(1, 32, 1, false, true, DType.FLOAT32, rng), 1, rng);
        }

        @Override
        int batch() {
            return 32;
        }

        @Override
        Tensor input(SplittableRandom rng) {
            return Tensor.uniform(rng, -1, 1, DType.FLOAT32, batch(), 48, 1);
        }

        @Override
        Tensor target(SplittableRandom rng) {
            return Tensor.uniform(rng, -1, 1, DType.FLOAT32, batch(), 1);
        }

        @Override
        BiFunction<Tensor, Tensor, Tensor> loss() {
            return Losses::mse;
        }
    }

    @Benchmark
    @OperationsPerInvocation(128)
    public double mlp(Mlp s) {
        return s.run();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public double cnn(Cnn s) {
        return s.run();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public double lstm(Lstm s) {
        return s.run();
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public double sequence(Sequence s) {
        return s.run();
    }
}
