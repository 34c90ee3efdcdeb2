package dev.gatun.bench;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.models.FashionModels;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.ops.Autocast;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.StepCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * resnet18  ResNet-18 of configs/cifar10-resnet18.yaml, 3x32x32, batch 256, SGD (steps/s)
 * resnet50  ResNet-50 of configs/imagenet-resnet50.yaml, 3x224x224, batch 64, 1000 classes, SGD (steps/s)
 * </pre>
 * Inputs are random (pixels in [0, 1), labels drawn from the classes), drawn once per trial; the
 * weights change every step, so no step repeats another's work. With {@code -p backend=cuda} the model and the
 * batch live on the GPU; reading the loss back each step waits for the step to finish, so the
 * score is the device's real throughput, not its queueing rate. {@code -p precision=tf32,bf16}
 * and {@code -p cudaGraphs=true} run the step as {@code training.precision} and {@code
 * training.cuda_graphs} do ({@code scripts/gpu-bench-resnet} runs the ResNets' cases on a GPU).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar TrainStepBenchmark
 * java ... -jar bench/target/gatun-benchmarks.jar 'TrainStepBenchmark.resnet' -p backend=cuda -p precision=bf16
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TrainStepBenchmark {
    /** The system property naming the folder of the shipped configs the ResNets are read from. */
    public static final String CONFIGS_PROPERTY = "gatun.configs";

    /** A model, its optimizer and one batch, built in the chosen backend's scope. */
    @State(Scope.Benchmark)
    public abstract static class Step {
        /** cpu, scalar, or cuda (on a GPU machine: -p backend=cuda): model and batch on its device. */
        @Param({"cpu", "scalar"})
        public String backend;

        /**
         * fp32, tf32 (the backend created with TF32 products allowed) or bf16 (forward and loss
         * under {@link Autocast}, as the trainer's {@code training.precision: bf16}).
         */
        @Param({"fp32"})
        public String precision;

        /**
         * Whether steps are captured once and replayed as CUDA graphs ({@link StepCapture}), as
         * {@code training.cuda_graphs}; on the host they run eagerly, the reason printed once.
         */
        @Param({"false"})
        public boolean cudaGraphs;

        private dev.gatun.tensor.Scope scope;
        private Precision mode;
        private Module net;
        private Optimizer optimizer;
        private StepCapture capture;
        private Tensor x;
        private Tensor target;

        abstract Module build(SplittableRandom rng);

        /** Examples per step. */
        abstract int batch();

        abstract Tensor input(SplittableRandom rng);

        abstract Tensor target(SplittableRandom rng);

        abstract BiFunction<Tensor, Tensor, Tensor> loss();

        /** The samples' optimizer, Adam at 1e-3; the ResNets train with SGD. */
        Optimizer optimizer(List<Parameter> parameters) {
            return new Adam(parameters, 1e-3);
        }

        @Setup(Level.Trial)
        public void setUp() {
            mode = Precision.fromLabel(precision);
            if (mode == Precision.FP16) {
                throw new IllegalArgumentException("precision fp16 needs loss scaling, which this benchmark does"
                        + " not do: fp32, tf32 or bf16");
            }
            BackendRegistry.use(backend, mode);
            scope = dev.gatun.tensor.Scope.open("bench model");
            SplittableRandom rng = new SplittableRandom(42);
            net = build(rng).to(BackendRegistry.device());
            net.train(true);
            optimizer = optimizer(net.parameters());
            x = input(rng).to(BackendRegistry.device());
            target = target(rng).to(BackendRegistry.device());
            capture = cudaGraphs ? new StepCapture(BackendRegistry.device(), optimizer,
                    StepCapture.DEFAULT_WARMUP_STEPS, System.err::println) : null;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (capture != null) {
                capture.close();
            }
            scope.close();
        }

        double run() {
            try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
                Tensor[] out = capture == null ? forwardBackwardStep(x, target, null)
                        : capture.step(new Tensor[] {x, target}, in -> forwardBackwardStep(in[0], in[1], null));
                return out[0].item();
            }
        }

        /**
         * One eager step (no graph capture) with its phases timed: adds the nanoseconds of forward
         * and loss, zeroing the gradients, backward and the optimizer step to {@code nanos[0..3]}.
         */
        void runTimed(long[] nanos) {
            try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
                forwardBackwardStep(x, target, nanos);
            }
        }

        /** {@return the optimizer, whose step and state {@link StepPhases} times and counts} */
        Optimizer optimizer() {
            return optimizer;
        }

        /** One step; with {@code nanosOrNull}, its phases' nanoseconds are added there (see {@link #runTimed}). */
        private Tensor[] forwardBackwardStep(Tensor features, Tensor labels, long[] nanosOrNull) {
            long t0 = System.nanoTime();
            Tensor l;
            try (Autocast ignored = mode.isHalf() ? Autocast.enable(mode) : null) {
                l = loss().apply(net.forward(features), labels);
            }
            long t1 = System.nanoTime();
            optimizer.zeroGrad();
            long t2 = System.nanoTime();
            l.backward();
            long t3 = System.nanoTime();
            optimizer.step();
            if (nanosOrNull != null) {
                long t4 = System.nanoTime();
                nanosOrNull[0] += t1 - t0;
                nanosOrNull[1] += t2 - t1;
                nanosOrNull[2] += t3 - t2;
                nanosOrNull[3] += t4 - t3;
            }
            return new Tensor[] {l};
        }
    }

    /** A classifier over random inputs of one example shape. */
    abstract static class Classifier extends Step {
        abstract int[] example();

        /** The number of classes the random labels are drawn from. */
        int classes() {
            return 10;
        }

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
                y[i] = rng.nextInt(classes());
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

    /**
     * The network of a shipped config ({@code configs/<file>}; the folder {@value #CONFIGS_PROPERTY}
     * names, else {@code configs} or {@code ../configs}), built as {@code gatun train} builds it, on
     * a fixed random batch of its input shape, trained with SGD (rate 0.01, momentum 0.9), as
     * {@code bench/pytorch/resnet.py} trains its twin.
     */
    abstract static class ConfigClassifier extends Classifier {
        private ExperimentConfig config;

        /** The config's file name under the configs folder. */
        abstract String file();

        private ExperimentConfig config() {
            if (config == null) {
                Path path = configs().resolve(file());
                try {
                    config = ConfigLoader.load(path).getFirst();
                } catch (IOException e) {
                    throw new UncheckedIOException(path + ": cannot read the model's config (run from the repository"
                            + " root, or set -D" + CONFIGS_PROPERTY + "=<folder>)", e);
                }
            }
            return config;
        }

        /** The property's folder; else configs/ of the working directory, or of its parent (a module's tests). */
        private static Path configs() {
            String set = System.getProperty(CONFIGS_PROPERTY);
            if (set != null) {
                return Path.of(set);
            }
            Path here = Path.of("configs");
            return Files.isDirectory(here) ? here : Path.of("..", "configs");
        }

        @Override
        Module build(SplittableRandom rng) {
            if (BackendRegistry.current().name().equals("scalar")) {
                // The scalar reference takes minutes per ResNet step: a benchmark of it measures nothing useful.
                throw new IllegalArgumentException(file() + ": the ResNets run on the cpu or cuda backend, not scalar");
            }
            return ModelFactory.module(config().model(), example(), config().seed());
        }

        @Override
        int[] example() {
            return config().exampleShapeOrNull();
        }

        @Override
        Optimizer optimizer(List<Parameter> parameters) {
            return new Sgd(parameters, 0.01, 0.9, 0, 0, false);
        }
    }

    /** ResNet-18 at CIFAR-10 size ({@code configs/cifar10-resnet18.yaml}). */
    public static class Resnet18 extends ConfigClassifier {
        /** Examples per step: 256, the CIFAR-10 batch (the smoke test runs 1). */
        @Param({"256"})
        public int batch = 256;

        @Override
        String file() {
            return "cifar10-resnet18.yaml";
        }

        @Override
        int batch() {
            return batch;
        }
    }

    /** ResNet-50 at ImageNet size ({@code configs/imagenet-resnet50.yaml}), 1000 classes. */
    public static class Resnet50 extends ConfigClassifier {
        /** Examples per step: 64, the batch at 224×224 (the smoke test runs 1). */
        @Param({"64"})
        public int batch = 64;

        @Override
        String file() {
            return "imagenet-resnet50.yaml";
        }

        @Override
        int batch() {
            return batch;
        }

        @Override
        int classes() {
            return 1000;
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

    /** Steps per second (the batch is a parameter here): samples/s is the score times {@code batch}. */
    @Benchmark
    public double resnet18(Resnet18 s) {
        return s.run();
    }

    /** Steps per second (the batch is a parameter here): samples/s is the score times {@code batch}. */
    @Benchmark
    public double resnet50(Resnet50 s) {
        return s.run();
    }
}
