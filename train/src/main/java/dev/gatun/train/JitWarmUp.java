package dev.gatun.train;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.kernels.Parallel;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Linear;
import dev.gatun.nn.MaxPool2d;
import dev.gatun.nn.Module;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.nn.Sequential;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Compiles the CPU kernels a training needs before its first steps need them. Until C2 has
 * compiled a Vector API kernel it runs without intrinsics, hundreds of times slower, and a short
 * training's first epoch is mostly that: the Fashion-MNIST MLP's first 64 steps took 2.9 s, its
 * next 64 0.3 s. A daemon thread trains small networks of the run's layer kinds on random data,
 * on its own tensors and off the kernel workers (its kernels run inline), so the compiler sees
 * the kernels hot while the run loads its data and takes its first steps. The run's results do
 * not change: its kernels compute the same bits whichever code the JIT made.
 *
 * <p>Once per JVM, on the CPU backend only; {@code -Dgatun.jitWarmUp=false} turns it off.
 */
public final class JitWarmUp {
    /** The kinds of layers whose kernels a warm-up compiles. */
    public enum Kind {
        /** Dense layers, activations, softmax cross-entropy and Adam: every network has them. */
        DENSE,
        /** 2-D convolution and max pooling. */
        CONV,
        /** Recurrent layers (the LSTM's kernels). */
        RECURRENT
    }

    private static final Logger LOG = Logger.getLogger(JitWarmUp.class.getName());
    private static boolean started;

    private JitWarmUp() {}

    /**
     * The kinds of layers a network has, {@link Kind#DENSE} always.
     *
     * @param model the network
     * @return the kinds of layers in model and its children
     */
    public static Set<Kind> kindsOf(Module model) {
        Set<Kind> kinds = EnumSet.of(Kind.DENSE);
        collect(model, kinds);
        return kinds;
    }

    private static void collect(Module m, Set<Kind> kinds) {
        if (m instanceof Conv2d) {
            kinds.add(Kind.CONV);
        } else if (m instanceof RecurrentLayer) {
            kinds.add(Kind.RECURRENT);
        }
        for (Module child : m.children()) {
            collect(child, kinds);
        }
    }

    /**
     * Starts the warm-up for these kinds on a daemon thread, unless one has started in this JVM,
     * the current backend is not {@code cpu}, or {@code gatun.jitWarmUp} is {@code false}.
     *
     * @param kinds what the run trains
     * @return whether a warm-up started
     */
    public static synchronized boolean start(Set<Kind> kinds) {
        if (started || !Boolean.parseBoolean(System.getProperty("gatun.jitWarmUp", "true"))
                || !"cpu".equals(BackendRegistry.current().name())) {
            return false;
        }
        started = true;
        Set<Kind> copy = EnumSet.copyOf(kinds);
        Thread.ofPlatform().daemon().name("gatun-jit-warm-up").start(() -> {
            long start = System.nanoTime();
            try {
                run(copy);
                LOG.fine(() -> String.format("JIT warm-up of %s: %.2f s", copy, (System.nanoTime() - start) / 1e9));
            } catch (RuntimeException | Error e) {
                // The warm-up only makes the JIT compile sooner; the run does not depend on it.
                LOG.warning("JIT warm-up stopped: " + e);
            }
        });
        return true;
    }

    /**
     * Trains the warm-up networks of these kinds on this thread, with every kernel inline.
     *
     * @param kinds the kinds of layers to warm
     */
    public static void run(Set<Kind> kinds) {
        // The costliest kernels first; channel and unit counts of whole vectors, as real networks have.
        Parallel.inline(() -> {
            if (kinds.contains(Kind.CONV)) {
                train(rng -> new Sequential(new Conv2d(1, 32, 5, 1, 2, rng), new MaxPool2d(2), Activation.relu(),
                        new Conv2d(32, 64, 5, 1, 2, rng), new MaxPool2d(2), Activation.relu(), new Flatten(),
                        new Linear(64 * 3 * 3, 10, rng)), 40, 8, 1, 12, 12);
            }
            if (kinds.contains(Kind.RECURRENT)) {
                train(rng -> new LastStateLinear(new LSTM(16, 64, 1, false, true, DType.FLOAT32, rng), 10, rng), 60,
                        32, 8, 16);
            }
            if (kinds.contains(Kind.DENSE)) {
                train(rng -> new Sequential(new Linear(784, 64, rng), Activation.relu(), new Linear(64, 32, rng),
                        Activation.relu(), new Linear(32, 10, rng)), 150, 32, 784);
            }
        });
    }

    /** Steps of softmax cross-entropy and Adam on one random batch of this size and example shape. */
    private static void train(Function<SplittableRandom, Module> network, int steps, int batch, int... example) {
        try (Scope scope = Scope.open("jit warm-up")) {
            SplittableRandom rng = new SplittableRandom(1);
            Module net = network.apply(rng);
            int[] shape = new int[example.length + 1];
            shape[0] = batch;
            System.arraycopy(example, 0, shape, 1, example.length);
            int size = batch;
            for (int d : example) {
                size *= d;
            }
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) rng.nextDouble();
            }
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = rng.nextInt(10);
            }
            Tensor features = Tensor.of(x, shape);
            Tensor targets = Tensor.of(labels, batch);
            Optimizer adam = new Adam(net.parameters(), 1e-3);
            for (int s = 0; s < steps; s++) {
                try (Scope step = Scope.open("jit warm-up step")) {
                    adam.zeroGrad();
                    Losses.crossEntropy(net.forward(features), targets).backward();
                    adam.step();
                }
            }
        }
    }
}
