package dev.gatun.config;

import dev.gatun.backend.UnaryOp;
import dev.gatun.nn.ActivationTypes;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code model.layers}: what it is and its output sizes; input sizes come from the
 * layer before, or from the layers its {@code inputs} name (see {@link ModelGraph} and {@link
 * ModelFactory#outputShapes}). Layers with parameters take optional {@code l1}/{@code l2}
 * overrides of the regularization section.
 */
public sealed interface LayerConfig {
    /** The {@code type} values, as a config spells them; the activations come from {@link ActivationTypes}. */
    List<String> TYPES = types();

    /**
     * Weight initializers: {@code default} is PyTorch's layer default (Kaiming-uniform with a = √5);
     * the Kaiming ones are He's for ReLU (a = 0); see {@link dev.gatun.nn.Init}. Biases keep the default.
     */
    List<String> INITS = List.of("default", "kaiming_uniform", "kaiming_normal", "xavier_uniform", "xavier_normal");

    /**
     * The most layers one rnn, lstm or gru entry may stack: deep stacks beyond a handful do not
     * train, and the bound keeps a typo such as {@code layers: 1000000} from building layers until
     * the heap runs out, before any memory estimate runs.
     */
    int MAX_RECURRENT_LAYERS = 64;

    /**
     * The largest {@code hidden} of a recurrent layer: gates × directions × hidden (up to 8·hidden)
     * is int arithmetic in the layer and its kernels. Any hidden size near it is refused by the
     * memory budget anyway; this bound keeps the arithmetic from wrapping before that check.
     */
    int MAX_HIDDEN = 1 << 26;

    /**
     * The key that freezes a layer: {@code trainable: false} (ModelConfig reads it; every layer
     * accepts it, and one without parameters refuses {@code false}).
     */
    String TRAINABLE = "trainable";

    /** The key that names a layer, so that others can read its output: {@code name: stem}. */
    String NAME = "name";

    /**
     * The key that lists what a layer reads: {@code inputs: [conv2, skip]}, layer names or {@link
     * ModelGraph#INPUT}. Without it a layer reads the layer before (the first, the model's input).
     */
    String INPUTS = "inputs";

    /**
     * {@return whether the layer has parameters (weights a run trains, freezes or starts fresh)}
     *
     * @param layer the layer
     */
    static boolean hasParameters(LayerConfig layer) {
        return switch (layer) {
            case Dense d -> true;
            case Conv2d c -> true;
            case BatchNorm b -> true;
            case Recurrent r -> true;
            case LastState l -> true;
            case Residual r -> r.layers().stream().anyMatch(LayerConfig::hasParameters);
            case Pool2d p -> false;
            case GlobalAvgPool2d g -> false;
            case Flatten f -> false;
            case Activation a -> false;
            case Dropout d -> false;
            case Add a -> false;
            case Concat c -> false;
        };
    }

    /**
     * {@return the layer's {@code type} as a config spells it, e.g. {@code dense} or {@code lstm}}
     *
     * @param layer the layer
     */
    static String typeName(LayerConfig layer) {
        return switch (layer) {
            case Dense d -> "dense";
            case Conv2d c -> "conv2d";
            case BatchNorm b -> "batchnorm";
            case Recurrent r -> r.cell();
            case LastState l -> "last_state";
            case Residual r -> "residual";
            case Add a -> "add";
            case Concat c -> "concat";
            case Pool2d p -> p.max() ? "maxpool2d" : "avgpool2d";
            case GlobalAvgPool2d g -> "globalavgpool2d";
            case Flatten f -> "flatten";
            case Activation a -> a.type();
            case Dropout d -> "dropout";
        };
    }

    /**
     * Fully connected: {@code {type: dense, units: 10, bias: true, init: default}}.
     *
     * @param units the number of outputs, positive
     * @param bias whether the layer has a bias
     * @param init the weight initialization: {@code default}, {@code kaiming_uniform}, {@code
     *     kaiming_normal}, {@code xavier_uniform} or {@code xavier_normal}
     * @param penalty the layer's L1 and L2 override, NaN where unset
     */
    record Dense(int units, boolean bias, String init, Penalty penalty) implements LayerConfig {}

    /**
     * {@code {type: conv2d, filters: 32, kernel: 5, stride: 1, padding: 2, dilation: 1, groups: 1}}; sizes are {h, w}.
     *
     * @param filters the number of output channels
     * @param kernel the window size {h, w}
     * @param stride the stride {h, w}
     * @param padding the zero padding {h, w}
     * @param dilation the spacing of kernel taps {h, w}
     * @param groups the number of channel groups
     * @param bias whether the layer has a bias
     * @param init the weight initialization: {@code default}, {@code kaiming_uniform}, {@code
     *     kaiming_normal}, {@code xavier_uniform} or {@code xavier_normal}
     * @param penalty the layer's L1 and L2 override, NaN where unset
     */
    record Conv2d(int filters, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  String init, Penalty penalty) implements LayerConfig {}

    /**
     * {@code {type: maxpool2d|avgpool2d, kernel: 2, stride: kernel, padding: 0}}.
     *
     * @param max true for max pooling, false for average pooling
     * @param kernel the window size {h, w}
     * @param stride the stride {h, w}
     * @param padding the zero padding {h, w}
     */
    record Pool2d(boolean max, int[] kernel, int[] stride, int[] padding) implements LayerConfig {}

    /** {@code {type: globalavgpool2d}}: [C, H, W] → [C]. */
    record GlobalAvgPool2d() implements LayerConfig {}

    /**
     * {@code {type: batchnorm, eps: 1e-5, momentum: 0.1, sync: false}}: 1-d over [F], 2-d over [C, H, W].
     *
     * @param eps added to the variance before the square root
     * @param momentum the weight of each batch's statistics in the running ones
     * @param sync whether a data-parallel run normalizes with the global batch's statistics
     * @param penalty the layer's L1 and L2 override, NaN where unset
     */
    record BatchNorm(double eps, double momentum, boolean sync, Penalty penalty) implements LayerConfig {}

    /** {@code {type: flatten}}: [d1, d2, ...] → [d1·d2·...]. */
    record Flatten() implements LayerConfig {}

    /**
     * An activation ({@link ActivationTypes}): {@code {type: relu}}, {@code {type: gelu, approximate: tanh}},
     * {@code {type: leaky_relu, slope: 0.01}}, {@code {type: elu, alpha: 1.0}}, {@code {type: softmax}}, ...;
     * {@code option} is the value of the type's option (gelu's approximate) or null, {@code parameter}
     * the op's parameter (slope, alpha) or 0 when it has none.
     *
     * @param type the activation type, e.g. {@code relu}
     * @param option the value of the type's option, or null
     * @param parameter the op's parameter, or 0 when it has none
     */
    record Activation(String type, String option, double parameter) implements LayerConfig {
        /**
         * The type with its defaults.
         *
         * @param type the activation type, e.g. {@code relu}
         */
        public Activation(String type) {
            this(type, defaultOption(type), defaultParameter(type));
        }

        private static String defaultOption(String type) {
            ActivationTypes.Type t = known(type);
            return t.optionKey() == null ? null : t.optionValues().getFirst();
        }

        private static double defaultParameter(String type) {
            UnaryOp.Parameter p = known(type).parameter(null);
            return p == null ? 0 : p.defaultValue();
        }

        private static ActivationTypes.Type known(String type) {
            ActivationTypes.Type t = ActivationTypes.type(type);
            if (t == null) {
                throw new IllegalArgumentException("unknown activation '" + type + "'");
            }
            return t;
        }
    }

    /**
     * {@code {type: dropout, p: 0.2}}.
     *
     * @param p the probability of dropping an element, in [0, 1)
     */
    record Dropout(double p) implements LayerConfig {}

    /**
     * {@code {type: rnn|lstm|gru, hidden: 128, layers: 1, bidirectional: false}} over batch-first
     * sequences [T, F]; outputs the sequence [T, directions·hidden]. At most {@link
     * #MAX_RECURRENT_LAYERS} layers of at most {@link #MAX_HIDDEN} units.
     *
     * @param cell the cell type: {@code rnn}, {@code lstm} or {@code gru}
     * @param hidden the hidden size of each direction, 1 to {@link #MAX_HIDDEN}
     * @param layers the number of stacked layers, 1 to {@link #MAX_RECURRENT_LAYERS}
     * @param bidirectional whether each layer also runs backwards in time
     * @param penalty the layer's L1 and L2 override, NaN where unset
     */
    record Recurrent(String cell, int hidden, int layers, boolean bidirectional, Penalty penalty)
            implements LayerConfig {}

    /**
     * {@code {type: last_state, units: 10}} right after a recurrent layer: a linear head over its
     * final hidden state ({@link dev.gatun.models.LastStateLinear}); outputs [units].
     *
     * @param units the number of outputs
     * @param penalty the layer's L1 and L2 override, NaN where unset
     */
    record LastState(int units, Penalty penalty) implements LayerConfig {}

    /** {@code {type: add, inputs: [a, b]}}: the element-wise sum of inputs of one shape. */
    record Add() implements LayerConfig {}

    /**
     * {@code {type: concat, inputs: [a, b]}}: the inputs joined along their first axis (channels of
     * images, features of flat examples), equal on the others.
     */
    record Concat() implements LayerConfig {}

    /**
     * {@code {type: residual, layers: [...]}}: {@code x + f(x)}, where f is the listed layers in
     * order. When f changes the shape, x is projected to f's output shape: by a 1×1 conv2d without
     * bias (stride chosen so the height and width fit) between images, by a dense layer without bias
     * between flat examples; any other change of shape is an error. The inner layers take no
     * {@code name}, {@code inputs} or {@code trainable} (freeze the block as a whole).
     *
     * @param layers the layers of f, at least one, in order
     */
    record Residual(List<LayerConfig> layers) implements LayerConfig {
        /** Copies the layers. */
        public Residual {
            layers = List.copyOf(layers);
        }
    }

    /**
     * {@return whether the layer joins several inputs ({@code add}, {@code concat})}
     *
     * @param layer the layer
     */
    static boolean isMerge(LayerConfig layer) {
        return layer instanceof Add || layer instanceof Concat;
    }

    /**
     * Reads one layer, rejecting unknown types, unknown keys and out-of-range values.
     *
     * @param n the layer's config node
     * @return the layer
     */
    static LayerConfig from(ConfigNode n) {
        String type = n.choice("type", null, TYPES);
        ActivationTypes.Type activation = ActivationTypes.type(type);
        if (activation != null) {
            return activation(n, type, activation);
        }
        return switch (type) {
            case "dense" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "units", "bias", "init", "l1", "l2");
                yield new Dense(n.positiveInt("units"), n.bool("bias", true), n.choice("init", "default", INITS),
                        Penalty.override(n));
            }
            case "conv2d" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "filters", "kernel", "stride", "padding", "dilation",
                        "groups", "bias", "init", "l1", "l2");
                int filters = n.positiveInt("filters");
                if (!n.has("kernel")) {
                    throw n.error("kernel", "missing");
                }
                int[] kernel = positive(n, "kernel", null);
                int[] stride = positive(n, "stride", new int[] {1, 1});
                int[] padding = nonNegative(n, "padding", new int[] {0, 0});
                int[] dilation = positive(n, "dilation", new int[] {1, 1});
                int groups = n.positiveInt("groups", 1);
                if (filters % groups != 0) {
                    throw n.error("groups", "must divide filters (" + filters + ")");
                }
                yield new Conv2d(filters, kernel, stride, padding, dilation, groups, n.bool("bias", true),
                        n.choice("init", "default", INITS), Penalty.override(n));
            }
            case "maxpool2d", "avgpool2d" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "kernel", "stride", "padding");
                if (!n.has("kernel")) {
                    throw n.error("kernel", "missing");
                }
                int[] kernel = positive(n, "kernel", null);
                yield new Pool2d(type.equals("maxpool2d"), kernel, positive(n, "stride", kernel),
                        nonNegative(n, "padding", new int[] {0, 0}));
            }
            case "globalavgpool2d" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS);
                yield new GlobalAvgPool2d();
            }
            case "batchnorm" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "eps", "momentum", "sync", "l1", "l2");
                double eps = n.positive("eps", 1e-5);
                double momentum = n.number("momentum", 0.1);
                if (!(momentum >= 0 && momentum <= 1)) {
                    throw n.error("momentum", "must be in [0, 1]");
                }
                yield new BatchNorm(eps, momentum, n.bool("sync", false), Penalty.override(n));
            }
            case "flatten" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS);
                yield new Flatten();
            }
            case "dropout" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "p");
                double p = n.number("p", 0.5);
                if (!(p >= 0 && p < 1)) {
                    throw n.error("p", "must be in [0, 1)");
                }
                yield new Dropout(p);
            }
            case "rnn", "lstm", "gru" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "hidden", "layers", "bidirectional", "l1", "l2");
                int hidden = n.positiveInt("hidden");
                if (hidden > MAX_HIDDEN) {
                    throw n.error("hidden", "must be <= " + MAX_HIDDEN + ", got " + hidden);
                }
                int layers = n.positiveInt("layers", 1);
                if (layers > MAX_RECURRENT_LAYERS) {
                    throw n.error("layers", "must be <= " + MAX_RECURRENT_LAYERS + ", got " + layers);
                }
                yield new Recurrent(type, hidden, layers, n.bool("bidirectional", false), Penalty.override(n));
            }
            case "last_state" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "units", "l1", "l2");
                yield new LastState(n.positiveInt("units"), Penalty.override(n));
            }
            case "add", "concat" -> {
                n.allowKeys("type", NAME, INPUTS);
                if (n.strings(INPUTS).size() < 2) {
                    throw n.error(INPUTS, type + " joins layers: list at least two, e.g. inputs: [conv2, skip]");
                }
                yield type.equals("add") ? new Add() : new Concat();
            }
            case "residual" -> {
                n.allowKeys("type", TRAINABLE, NAME, INPUTS, "layers");
                yield residual(n);
            }
            default -> throw new IllegalStateException("unhandled layer type " + type);
        };
    }

    /** An activation layer: its option (gelu's approximate) and parameter (slope, alpha), range-checked. */
    private static Activation activation(ConfigNode n, String type, ActivationTypes.Type activation) {
        List<String> keys = new ArrayList<>(List.of("type", TRAINABLE, NAME, INPUTS));
        if (activation.optionKey() != null) {
            keys.add(activation.optionKey());
        }
        for (UnaryOp op : activation.ops()) {
            if (op.parameter() != null && !keys.contains(op.parameter().name())) {
                keys.add(op.parameter().name());
            }
        }
        n.allowKeys(keys.toArray(String[]::new));
        String option = activation.optionKey() == null ? null
                : n.choice(activation.optionKey(), activation.optionValues().getFirst(), activation.optionValues());
        UnaryOp.Parameter p = activation.parameter(option);
        double value = 0;
        if (p != null) {
            value = n.number(p.name(), p.defaultValue());
            String problem = p.problem(value);
            if (problem != null) {
                throw n.error(p.name(), problem);
            }
        }
        return new Activation(type, option, value);
    }

    /** A residual block's inner layers: single-input layers that take no wiring of their own. */
    private static Residual residual(ConfigNode n) {
        List<ConfigNode> nodes = n.objects("layers");
        if (nodes.isEmpty()) {
            throw n.error("layers", "a residual block must list at least one layer");
        }
        List<LayerConfig> inner = new ArrayList<>();
        for (ConfigNode node : nodes) {
            for (String key : List.of(NAME, INPUTS, TRAINABLE)) {
                if (node.has(key)) {
                    throw node.error(key, "not allowed inside a residual block"
                            + (key.equals(TRAINABLE) ? "; set it on the block" : ", whose layers form a chain"));
                }
            }
            LayerConfig layer = from(node);
            if (isMerge(layer) || layer instanceof LastState) {
                throw node.error("type", typeName(layer) + " cannot be inside a residual block");
            }
            inner.add(layer);
        }
        return new Residual(inner);
    }

    private static List<String> types() {
        List<String> types = new ArrayList<>(List.of("dense", "conv2d", "maxpool2d", "avgpool2d", "globalavgpool2d",
                "batchnorm", "flatten"));
        types.addAll(ActivationTypes.names());
        types.addAll(List.of("dropout", "rnn", "lstm", "gru", "last_state", "add", "concat", "residual"));
        return List.copyOf(types);
    }

    private static int[] positive(ConfigNode n, String key, int[] fallback) {
        int[] v = n.ints(key, 2, fallback);
        if (v[0] <= 0 || v[1] <= 0) {
            throw n.error(key, "must be > 0");
        }
        return v;
    }

    private static int[] nonNegative(ConfigNode n, String key, int[] fallback) {
        int[] v = n.ints(key, 2, fallback);
        if (v[0] < 0 || v[1] < 0) {
            throw n.error(key, "must be >= 0");
        }
        return v;
    }
}
