package dev.gatun.config;

import dev.gatun.tensor.Device;
import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a network of a {@link ModelConfig} needs in memory, computed from the config and the
 * example shape alone, before anything is built: the check that refuses a config with {@code units:
 * 50000000}, or a {@code model.json} with an input of 10 million values, in a fraction of a
 * second with one line, instead of growing until the machine runs out of memory.
 *
 * <p>All tensors are float32, 4 bytes a value. With P parameters, S parameters plus buffers (batch
 * norm's running statistics), A activation values per example, I input values per example, O
 * output values per example and K optimizer state tensors per parameter, one training step at
 * batch B followed by evaluation at batch E holds, in values:
 *
 * <pre>
 *   S + P + K·P + 2·P             weights and buffers, gradients, optimizer state, the update's
 *                                 temporaries (clipping and weight decay take a second)
 * + max(2·B·(I + A) + B·O,        one training step: the input and every activation, each with its
 *       E·(I + A))                gradient, plus the targets; or one evaluation batch, forward only
 * + W                             the convolutions' column workspace, reused from layer to layer
 * </pre>
 *
 * A counts every layer's output, since a step keeps them all until it ends, plus what layers
 * keep besides: a mask for dropout and max pooling, the normalized input for batch norm, and for a
 * recurrent layer the gates of every step, layer and direction with what their backward computes
 * from them, and the hidden and cell states (T·D·H·(2G + 3) values a layer, with G gates). K is
 * the sum over the optimizer and every optimizer of {@code switch}, whose state lives until the
 * run ends: 2 for Adam and AdamW, 1 for Adagrad and for SGD with momentum, 1 to 3 for RMSprop. W
 * is three matrices of the larger of one image's im2col columns and the kernels' 2²¹-value chunk.
 * The data set itself is not counted: it is loaded before the check, and its tensors count
 * against the budget as they are allocated. The estimate is checked against what real training
 * steps hold, for every layer kind, by this class's tests.
 *
 * <p>Inference ({@link TrainedModel}) needs S + E·(I + A) + W values: no gradients and no optimizer.
 * Sizes that overflow a long are -1, more than any budget.
 */
public final class ModelMemory {
    /** Bytes per value: every tensor of a config's network is float32. */
    public static final long VALUE_BYTES = 4;
    /** Values of one chunk of the convolution kernels' column matrix ({@code dev.gatun.kernels.conv.Conv2d}). */
    static final long COLUMN_CHUNK_VALUES = 1L << 21;

    // Per layer: what it is, its parameters and buffers, and its activation values per example.
    private final String[] layerSummary;
    private final long[] layerState;
    private final long[] layerActivations;
    private final long parameters;
    private final long buffers;
    private final long inputValues;
    private final long activationValues;
    private final long outputValues;
    private final long workspaceValues;

    private ModelMemory(ModelConfig model, int[] input) {
        ModelFactory.Shapes shapes = ModelFactory.shapes(model, input);
        List<LayerConfig> layers = model.layers();
        layerSummary = new String[layers.size()];
        layerState = new long[layers.size()];
        layerActivations = new long[layers.size()];
        long p = 0;
        long b = 0;
        long a = 0;
        long w = 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerConfig layer = layers.get(i);
            int[] in = shapes.input(i);
            LayerCost cost = cost(layer, in, shapes.outputs().get(i));
            layerSummary[i] = summary(layer, in);
            layerState[i] = add(cost.parameters(), cost.buffers());
            layerActivations[i] = cost.activations();
            p = add(p, cost.parameters());
            b = add(b, cost.buffers());
            a = add(a, cost.activations());
            w = max(w, cost.workspace());
        }
        parameters = p;
        buffers = b;
        inputValues = size(input);
        activationValues = a;
        outputValues = size(shapes.outputs().getLast());
        workspaceValues = w;
    }

    /** One layer's parameters, buffers, activation values per example and convolution workspace. */
    private record LayerCost(long parameters, long buffers, long activations, long workspace) {}

    private static LayerCost cost(LayerConfig layer, int[] in, int[] out) {
        if (layer instanceof LayerConfig.Residual r) {
            // The inner layers' costs, then the sum's output and the projected skip path when there is one.
            long p = ResidualProjection.parameters(in, out);
            long b = 0;
            long a = Arrays.equals(in, out) ? size(out) : mul(2, size(out));
            long w = Arrays.equals(in, out) || in.length != 3 ? 0
                    : mul(3, max(COLUMN_CHUNK_VALUES, mul(in[0], size(out) / out[0])));
            int[] shape = in;
            for (LayerConfig inner : r.layers()) {
                int[] next = ModelFactory.outputShape(inner, shape, "residual");
                LayerCost c = cost(inner, shape, next);
                p = add(p, c.parameters());
                b = add(b, c.buffers());
                a = add(a, c.activations());
                w = max(w, c.workspace());
                shape = next;
            }
            return new LayerCost(p, b, a, w);
        }
        long w = 0;
        if (layer instanceof LayerConfig.Conv2d c) {
            long columns = mul(mul(c.kernel()[0], c.kernel()[1]), mul(in[0] / c.groups(), size(out) / c.filters()));
            w = mul(3, max(COLUMN_CHUNK_VALUES, columns));
        }
        long buffers = layer instanceof LayerConfig.BatchNorm ? mul(2, in[0]) : 0;
        return new LayerCost(parameters(layer, in), buffers, activations(layer, in, out), w);
    }

    /**
     * The needs of {@code model} for examples of shape {@code input}.
     *
     * @param model the network's config
     * @param input the shape of one example
     * @return the estimate
     * @throws ConfigException when a layer cannot take its input (see {@link ModelFactory#outputShapes})
     */
    public static ModelMemory of(ModelConfig model, int[] input) {
        return new ModelMemory(model, input);
    }

    /** {@return P: exactly what the built network's {@code parameterCount()} gives, or -1 when it overflows} */
    public long parameters() {
        return parameters;
    }

    /** {@return the values of non-trainable state: batch norm's running mean and variance} */
    public long buffers() {
        return buffers;
    }

    /** {@return A: the activation values one example keeps during a training step} */
    public long activationValues() {
        return activationValues;
    }

    /** {@return the bytes of the weights and buffers alone; -1 when it overflows a long} */
    public long stateBytes() {
        return mul(VALUE_BYTES, add(parameters, buffers));
    }

    /**
     * Bytes for training at {@code batch} and evaluating at {@code evalBatch} with {@code optimizerStates}
     * state tensors per parameter (the formula above); -1 when it overflows a long.
     *
     * @param batch the training batch size
     * @param evalBatch the evaluation batch size
     * @param optimizerStates the optimizer's state tensors per parameter (0 for plain SGD, 2 for Adam)
     * @return the bytes, or -1 when they overflow a long
     */
    public long trainingBytes(int batch, int evalBatch, int optimizerStates) {
        long weights = add(add(parameters, buffers), mul(3 + optimizerStates, parameters));
        long perExample = add(inputValues, activationValues);
        long step = add(mul(mul(2, batch), perExample), mul(batch, outputValues));
        long evaluation = mul(evalBatch, perExample);
        return mul(VALUE_BYTES, add(add(weights, max(step, evaluation)), workspaceValues));
    }

    /**
     * Bytes for inference at {@code batch}: weights, buffers, one forward pass and the workspace.
     *
     * @param batch the batch size
     * @return the bytes, or -1 when they overflow a long
     */
    public long inferenceBytes(int batch) {
        return mul(VALUE_BYTES, add(add(add(parameters, buffers), mul(batch, add(inputValues, activationValues))),
                workspaceValues));
    }

    /**
     * Refuses to train {@code config} on examples of shape {@code input} when that would pass the
     * budget: the host's, and the device's as well when {@code device} is one (the network is built
     * on the host, then moved).
     *
     * @param config the experiment to train
     * @param input the shape of one example
     * @param device the device it trains on
     * @param source what the config came from, for the message: a file, "config 'moons'"
     * @throws MemoryBudgetException naming {@code source}, the network, the size and the budget
     * @throws ConfigException when a layer cannot take its input
     */
    public static void requireTraining(ExperimentConfig config, int[] input, Device device, String source) {
        ModelMemory m = of(config.model(), input);
        TrainingConfig t = config.training();
        long bytes = m.trainingBytes(t.batch(), t.evalBatch(), optimizerStates(config));
        String what = source + ": training its network (" + m.describe(t.batch()) + ") at batch " + t.batch()
                + " and evaluating at batch " + t.evalBatch();
        if (device.isHost()) {
            MemoryBudget.require(what, bytes);
        } else {
            MemoryBudget.require(source + ": building its network (" + m.describe(t.batch()) + ") on the host",
                    m.stateBytes());
            MemoryBudget.require(device, what, bytes);
        }
    }

    /**
     * Refuses to load {@code config}'s network for examples of shape {@code input} and run it at
     * the config's evaluation batch when that would pass the host budget.
     *
     * @param config the experiment whose network is loaded
     * @param input the shape of one example
     * @param source the files it comes from, for the message
     * @throws MemoryBudgetException naming {@code source}, the network, the size and the budget
     * @return the estimate that was checked
     * @throws ConfigException when a layer cannot take its input
     */
    public static ModelMemory requireInference(ExperimentConfig config, int[] input, String source) {
        ModelMemory m = of(config.model(), input);
        int batch = config.training().evalBatch();
        MemoryBudget.require(source + ": its network (" + m.describe(batch) + ") at batch " + batch,
                m.inferenceBytes(batch));
        return m;
    }

    /**
     * "250000002 parameters; the largest layer is model.layers[0], dense from 2 to 50000000 units": the
     * layer whose weights (4 copies, with gradient and state) and activations at {@code batch}
     * (2 copies, with gradient) are the most values.
     */
    String describe(int batch) {
        int largest = 0;
        long most = 0;
        for (int i = 0; i < layerState.length; i++) {
            long values = add(mul(4, layerState[i]), mul(mul(2, batch), layerActivations[i]));
            if (i == 0 || exceeds(values, most)) {
                largest = i;
                most = values;
            }
        }
        return (parameters < 0 ? "more than " + Long.MAX_VALUE : Long.toString(parameters))
                + " parameters; the largest layer is model.layers[" + largest + "], " + layerSummary[largest];
    }

    /** a > b, where -1 (overflowed) exceeds every size but another -1. */
    private static boolean exceeds(long a, long b) {
        return b >= 0 && (a < 0 || a > b);
    }

    /** Optimizer state tensors per parameter, summed over the optimizer and those of every switch. */
    static int optimizerStates(ExperimentConfig config) {
        int k = states(config.optimizer());
        for (SwitchConfig s : config.switches()) {
            if (s.optimizerOrNull() != null) {
                k += states(s.optimizerOrNull());
            }
        }
        return k;
    }

    private static int states(OptimizerConfig o) {
        return switch (o.type()) {
            case "adam", "adamw" -> 2;
            case "sgd" -> o.momentum() > 0 ? 1 : 0;
            case "rmsprop" -> 1 + (o.momentum() > 0 ? 1 : 0) + (o.centered() ? 1 : 0);
            case "adagrad" -> 1;
            default -> throw new IllegalStateException("unhandled optimizer " + o.type());
        };
    }

    /** The layer's parameters, as its module registers them (ModelFactory.build). */
    static long parameters(LayerConfig layer, int[] in) {
        return switch (layer) {
            case LayerConfig.Dense d -> add(mul(d.units(), in[0]), d.bias() ? d.units() : 0);
            case LayerConfig.Conv2d c -> add(mul(mul(c.filters(), in[0] / c.groups()), mul(c.kernel()[0], c.kernel()[1])),
                    c.bias() ? c.filters() : 0);
            case LayerConfig.BatchNorm b -> mul(2, in[0]);
            case LayerConfig.Recurrent r -> {
                long gh = mul(gates(r.cell()), r.hidden());
                int directions = r.bidirectional() ? 2 : 1;
                long total = 0;
                for (int k = 0; k < r.layers(); k++) {
                    long inputs = k == 0 ? in[1] : mul(directions, r.hidden());
                    long oneDirection = add(mul(gh, add(inputs, r.hidden())), mul(2, gh));
                    total = add(total, mul(directions, oneDirection));
                }
                yield total;
            }
            case LayerConfig.LastState l -> add(mul(l.units(), in[1]), l.units());
            case LayerConfig.Pool2d p -> 0;
            case LayerConfig.GlobalAvgPool2d g -> 0;
            case LayerConfig.Flatten f -> 0;
            case LayerConfig.Activation a -> 0;
            case LayerConfig.Dropout d -> 0;
            case LayerConfig.Add a -> 0;
            case LayerConfig.Concat c -> 0;
            case LayerConfig.Residual r -> cost(r, in, ModelFactory.outputShape(r, in, "residual")).parameters();
        };
    }

    /** Values the layer keeps per example until the step ends: its output and what its backward needs. */
    private static long activations(LayerConfig layer, int[] in, int[] out) {
        long output = size(out);
        return switch (layer) {
            case LayerConfig.Dropout d -> mul(2, output);
            case LayerConfig.BatchNorm b -> mul(2, output);
            case LayerConfig.Pool2d p -> p.max() ? mul(2, output) : output;
            case LayerConfig.Recurrent r -> mul(mul(r.layers(), in[0]), mul(mul(r.bidirectional() ? 2 : 1, r.hidden()),
                    2 * gates(r.cell()) + 3));
            default -> output;
        };
    }

    private static int gates(String cell) {
        return switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> 1;
        };
    }

    /** What the layer is, with the sizes that make it large: "dense from 2 to 50000000 units". */
    private static String summary(LayerConfig layer, int[] in) {
        return switch (layer) {
            case LayerConfig.Dense d -> "dense from " + in[0] + " to " + d.units() + " units";
            case LayerConfig.Conv2d c -> "conv2d from " + in[0] + " to " + c.filters() + " channels";
            case LayerConfig.Recurrent r -> String.format(Locale.ROOT, "%s of %d layers from %d to %d hidden units%s",
                    r.cell(), r.layers(), in[1], r.hidden(), r.bidirectional() ? ", bidirectional" : "");
            case LayerConfig.LastState l -> "last_state from " + in[1] + " to " + l.units() + " units";
            case LayerConfig.BatchNorm b -> "batchnorm of " + in[0] + " channels";
            case LayerConfig.Pool2d p -> p.max() ? "maxpool2d" : "avgpool2d";
            case LayerConfig.GlobalAvgPool2d g -> "globalavgpool2d";
            case LayerConfig.Flatten f -> "flatten";
            case LayerConfig.Activation a -> a.type();
            case LayerConfig.Dropout d -> "dropout";
            case LayerConfig.Add a -> "add";
            case LayerConfig.Concat c -> "concat";
            case LayerConfig.Residual r -> "residual block of " + r.layers().size() + " layers";
        };
    }

    private static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = mul(n, d);
        }
        return n;
    }

    // Sizes are non-negative; -1 stands for one that overflowed, and stays -1 through every operation.

    private static long mul(long a, long b) {
        return a < 0 ? -1 : MemoryBudget.bytes(a, b);
    }

    private static long add(long a, long b) {
        if (a < 0 || b < 0) {
            return -1;
        }
        long s = a + b;
        return s < 0 ? -1 : s;
    }

    private static long max(long a, long b) {
        return a < 0 || b < 0 ? -1 : Math.max(a, b);
    }
}
