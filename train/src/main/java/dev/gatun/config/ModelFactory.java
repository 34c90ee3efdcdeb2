package dev.gatun.config;

import dev.gatun.backend.Conv2dGeometry;
import dev.gatun.backend.Pool2dGeometry;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.ActivationTypes;
import dev.gatun.nn.Add;
import dev.gatun.nn.AvgPool2d;
import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.BatchNorm2d;
import dev.gatun.nn.Concat;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.GRU;
import dev.gatun.nn.GlobalAvgPool2d;
import dev.gatun.nn.Graph;
import dev.gatun.nn.Init;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Linear;
import dev.gatun.nn.MaxPool2d;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.RNN;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.nn.Residual;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Regularization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Builds a network from a {@link ModelConfig}. Shapes are inferred layer by layer from the
 * example shape, so a config gives only output sizes. Weights are drawn in layer order from
 * {@code new SplittableRandom(seed)}, exactly as the hand-written {@link dev.gatun.models.FashionModels}
 * draw them, and the layers are numbered as in a {@link Sequential}: a config spelling out one of
 * those networks builds it bit for bit, under the same parameter names. A network of a single
 * module (an LSTM with its {@code last_state} head) is that module, unwrapped.
 *
 * <p>A model whose layers read named inputs ({@link ModelGraph}) is a {@link Graph} whose nodes
 * are named by the layers' indices, built (and its weights drawn) in topological order; a {@code
 * residual} layer is a {@link Residual} whose inner layers are named {@code body.0}, {@code body.1},
 * ... and whose projection, if any, is named {@code projection}.
 */
public final class ModelFactory {
    private ModelFactory() {}

    /**
     * A built network, the penalties its layers asked for and the layer each tensor belongs to.
     *
     * @param module the network, its frozen layers ({@code trainable: false}) already frozen
     * @param regularization one penalty per trainable layer group that asked for one
     * @param layerOfTensor the index in {@code model.layers} of every tensor of {@code module.state()},
     *     by its name there, in that order
     */
    public record Built(Module module, List<Regularization> regularization, Map<String, Integer> layerOfTensor) {
        /** Copies the penalties and the map, keeping its order. */
        public Built {
            regularization = List.copyOf(regularization);
            layerOfTensor = Collections.unmodifiableMap(new LinkedHashMap<>(layerOfTensor));
        }
    }

    /**
     * The shape of one example after each layer (without the batch axis), for an example of
     * shape {@code input}; the error names the first layer that cannot take its input.
     *
     * @param model the {@code model} section
     * @param input the shape of one example
     * @return one shape per layer, in the order of {@code model.layers}
     */
    public static List<int[]> outputShapes(ModelConfig model, int[] input) {
        return shapes(model, input).outputs();
    }

    /**
     * The shapes of one example around each layer, by index in {@code model.layers}.
     *
     * @param inputs what each layer reads: one shape, or one per input of add and concat
     * @param outputs what each layer gives
     */
    record Shapes(List<List<int[]>> inputs, List<int[]> outputs) {
        /** {@return the shape layer {@code i} reads, the first one for add and concat} */
        int[] input(int i) {
            return inputs.get(i).getFirst();
        }
    }

    /** The shapes around every layer, worked out in the graph's order; the error names the first misfit. */
    static Shapes shapes(ModelConfig model, int[] input) {
        ModelGraph graph = model.graph();
        List<LayerConfig> layers = model.layers();
        List<List<int[]>> ins = new ArrayList<>(Collections.nCopies(layers.size(), null));
        List<int[]> outs = new ArrayList<>(Collections.nCopies(layers.size(), null));
        for (int i : graph.order()) {
            LayerConfig layer = layers.get(i);
            if (layer instanceof LayerConfig.LastState && (i == 0
                    || !(layers.get(i - 1) instanceof LayerConfig.Recurrent))) {
                throw new ConfigException(path(i) + ".type", "last_state must follow an rnn, lstm or gru layer");
            }
            int[] from = graph.inputs(i);
            List<int[]> in = new ArrayList<>(from.length);
            for (int j : from) {
                in.add(j < 0 ? input.clone() : outs.get(j));
            }
            ins.set(i, in);
            outs.set(i, LayerConfig.isMerge(layer) ? mergeShape(layer, in, from, graph, path(i))
                    : outputShape(layer, in.getFirst(), path(i)));
        }
        return new Shapes(ins, outs);
    }

    /** The output of add (inputs of one shape) or concat (inputs equal but on their first axis). */
    private static int[] mergeShape(LayerConfig layer, List<int[]> in, int[] from, ModelGraph graph, String path) {
        boolean concat = layer instanceof LayerConfig.Concat;
        int[] first = in.getFirst();
        int[] out = first.clone();
        for (int k = 1; k < in.size(); k++) {
            int[] s = in.get(k);
            boolean fits = concat ? s.length == first.length && Arrays.equals(s, 1, s.length, first, 1, first.length)
                    : Arrays.equals(s, first);
            if (!fits) {
                throw new ConfigException(path, (concat ? "concat needs inputs equal but on their first axis"
                        : "add needs inputs of one shape") + ", got " + Shape.str(first) + " from "
                        + graph.label(from[0]) + " and " + Shape.str(s) + " from " + graph.label(from[k]));
            }
            if (concat) {
                long joined = (long) out[0] + s[0];
                if (joined > Integer.MAX_VALUE) {
                    throw new ConfigException(path, "concat gives more than 2^31 along the first axis");
                }
                out[0] = (int) joined;
            }
        }
        return out;
    }

    /**
     * The network alone, with the config's per-layer penalties ignored.
     *
     * @param model the {@code model} section
     * @param input the shape of one example
     * @param seed the seed of the initial weights
     * @return the network, in the current scope
     */
    public static Module module(ModelConfig model, int[] input, long seed) {
        return build(model, input, seed, Penalty.NONE).module();
    }

    /**
     * The network in the current scope, for examples of shape {@code input}; {@code global} is the
     * regularization section, which per-layer {@code l1}/{@code l2} override.
     *
     * @param model the {@code model} section
     * @param input the shape of one example
     * @param seed the seed of the initial weights
     * @param global the {@code regularization} section
     * @return the network and its penalties
     */
    public static Built build(ModelConfig model, int[] input, long seed, Penalty global) {
        Shapes shapes = shapes(model, input);
        Draws draws = new Draws(seed);
        List<Regularization> penalties = new ArrayList<>();
        Map<Tensor, Integer> layerOf = new IdentityHashMap<>();
        ModelGraph graph = model.graph();
        Module network = graph.isStack() ? stack(model, shapes, draws, global, penalties, layerOf)
                : graph(model, graph, shapes, draws, global, penalties, layerOf);
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (Parameter p : network.state()) {
            byName.put(p.name(), layerOf.get(p.tensor()));
        }
        return new Built(network, penalties, byName);
    }

    /**
     * Where initial weights come from: one stream drawn in layer order, and dropout masks from
     * their own, so adding dropout does not move the weights.
     */
    private record Draws(RandomGenerator weights, SplittableRandom dropoutSeeds) {
        Draws(long seed) {
            this(new SplittableRandom(seed), new SplittableRandom(~seed));
        }
    }

    /** Layers one after another: a Sequential, or the single module when there is one. */
    private static Module stack(ModelConfig model, Shapes shapes, Draws draws, Penalty global,
                                List<Regularization> penalties, Map<Tensor, Integer> layerOf) {
        List<Module> modules = new ArrayList<>();
        List<LayerConfig> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerConfig layer = layers.get(i);
            if (layer instanceof LayerConfig.Recurrent r && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof LayerConfig.LastState head) {
                RecurrentLayer encoder = recurrent(r, shapes.input(i)[1], draws.weights());
                // The head's penalty applies to the head, the encoder's to the encoder; each
                // of the two layers may be frozen on its own.
                LastStateLinear whole = new LastStateLinear(encoder, head.units(), draws.weights());
                Module headModule = whole.children().getLast();
                freezeAndPenalize(encoder, model.trainable(i), r.penalty().orElse(global), penalties);
                freezeAndPenalize(headModule, model.trainable(i + 1), head.penalty().orElse(global), penalties);
                mark(layerOf, encoder, i);
                mark(layerOf, headModule, i + 1);
                modules.add(whole);
                i++;
                continue;
            }
            Module m = layer(layer, shapes.input(i), draws, global, model.trainable(i), penalties);
            mark(layerOf, m, i);
            modules.add(m);
        }
        return modules.size() == 1 ? modules.getFirst() : new Sequential(modules.toArray(Module[]::new));
    }

    /** Layers wired by name: a Graph whose nodes are named by the layers' indices, built in topological order. */
    private static Module graph(ModelConfig model, ModelGraph graph, Shapes shapes, Draws draws, Penalty global,
                                List<Regularization> penalties, Map<Tensor, Integer> layerOf) {
        Graph.Builder g = Graph.builder(ModelGraph.INPUT);
        for (int i : graph.order()) {
            LayerConfig layer = model.layers().get(i);
            Module m = switch (layer) {
                case LayerConfig.Add a -> new Add();
                case LayerConfig.Concat c -> new Concat();
                default -> layer(layer, shapes.input(i), draws, global, model.trainable(i), penalties);
            };
            mark(layerOf, m, i);
            String[] reads = Arrays.stream(graph.inputs(i))
                    .mapToObj(j -> j < 0 ? ModelGraph.INPUT : Integer.toString(j)).toArray(String[]::new);
            g.apply(Integer.toString(i), m, reads);
        }
        return g.build(Integer.toString(model.layers().size() - 1));
    }

    /** One single-input layer reading examples of shape {@code in}, frozen or given its penalty. */
    private static Module layer(LayerConfig layer, int[] in, Draws draws, Penalty global, boolean trainable,
                                List<Regularization> penalties) {
        RandomGenerator rng = draws.weights();
        Module m;
        Penalty penalty = Penalty.NONE;
        switch (layer) {
            case LayerConfig.Dense d -> {
                Linear linear = new Linear(in[0], d.units(), d.bias(), DType.FLOAT32, rng);
                initialize(linear.weight(), d.init(), rng);
                m = linear;
                penalty = d.penalty().orElse(global);
            }
            case LayerConfig.Conv2d c -> {
                Conv2d conv = new Conv2d(in[0], c.filters(), c.kernel(), c.stride(), c.padding(), c.dilation(),
                        c.groups(), c.bias(), DType.FLOAT32, rng);
                initialize(conv.weight(), c.init(), rng);
                m = conv;
                penalty = c.penalty().orElse(global);
            }
            case LayerConfig.Pool2d p -> m = p.max() ? new MaxPool2d(p.kernel(), p.stride(), p.padding())
                    : new AvgPool2d(p.kernel(), p.stride(), p.padding());
            case LayerConfig.GlobalAvgPool2d g -> m = new GlobalAvgPool2d();
            case LayerConfig.BatchNorm b -> {
                if (in.length == 3) {
                    BatchNorm2d bn = new BatchNorm2d(in[0], b.eps(), b.momentum(), DType.FLOAT32);
                    bn.setSynchronized(b.sync());
                    m = bn;
                } else {
                    BatchNorm1d bn = new BatchNorm1d(in[0], b.eps(), b.momentum(), DType.FLOAT32);
                    bn.setSynchronized(b.sync());
                    m = bn;
                }
                penalty = b.penalty().orElse(global);
            }
            case LayerConfig.Flatten f -> m = new Flatten();
            case LayerConfig.Activation a -> m = ActivationTypes.layer(a.type(), a.option(), a.parameter());
            case LayerConfig.Dropout d -> m = new Dropout(d.p(), draws.dropoutSeeds().nextLong());
            case LayerConfig.Recurrent r -> {
                m = recurrent(r, in[1], rng);
                penalty = r.penalty().orElse(global);
            }
            case LayerConfig.Residual r -> {
                // Each inner layer takes its own penalty; the block is frozen as a whole.
                List<Module> body = new ArrayList<>();
                int[] shape = in;
                for (LayerConfig inner : r.layers()) {
                    body.add(layer(inner, shape, draws, global, trainable, penalties));
                    shape = outputShape(inner, shape, "residual");
                }
                Module projection = ResidualProjection.module(in, shape, rng);
                if (projection != null) {
                    freezeAndPenalize(projection, trainable, global, penalties);
                }
                return new Residual(new Sequential(body.toArray(Module[]::new)), projection);
            }
            case LayerConfig.LastState l -> throw new IllegalStateException("built with its recurrent layer");
            case LayerConfig.Add a -> throw new IllegalStateException("a merge is built by the graph");
            case LayerConfig.Concat c -> throw new IllegalStateException("a merge is built by the graph");
        }
        freezeAndPenalize(m, trainable, penalty, penalties);
        return m;
    }

    /** Freezes a layer with {@code trainable: false}; a trainable one gets its penalty (frozen weights take none). */
    private static void freezeAndPenalize(Module layer, boolean trainable, Penalty penalty, List<Regularization> out) {
        if (trainable) {
            addPenalties(out, layer.parameters(), penalty);
        } else {
            layer.setTrainable(false);
        }
    }

    private static void mark(Map<Tensor, Integer> layerOf, Module layer, int index) {
        for (Parameter p : layer.state()) {
            layerOf.put(p.tensor(), index);
        }
    }

    private static RecurrentLayer recurrent(LayerConfig.Recurrent r, int features, RandomGenerator rng) {
        return switch (r.cell()) {
            case "rnn" -> new RNN(features, r.hidden(), r.layers(), r.bidirectional(), true, DType.FLOAT32, rng);
            case "gru" -> new GRU(features, r.hidden(), r.layers(), r.bidirectional(), true, DType.FLOAT32, rng);
            default -> new LSTM(features, r.hidden(), r.layers(), r.bidirectional(), true, DType.FLOAT32, rng);
        };
    }

    private static void addPenalties(List<Regularization> out, List<Parameter> parameters, Penalty penalty) {
        if (parameters.isEmpty()) {
            return;
        }
        if (penalty.l1() > 0) {
            out.add(Regularization.l1(parameters, penalty.l1()));
        }
        if (penalty.l2() > 0) {
            out.add(Regularization.l2(parameters, penalty.l2()));
        }
    }

    /** Replaces the layer's default (PyTorch) weights with another initializer's, drawn from the same stream. */
    private static void initialize(Parameter weight, String init, RandomGenerator rng) {
        if (init.equals("default")) {
            return;
        }
        Tensor w = weight.tensor();
        try (Scope scope = Scope.open("init")) {
            int[] shape = w.shape();
            Tensor fresh = switch (init) {
                case "kaiming_uniform" -> Init.kaimingUniform(rng, w.dtype(), 0, shape);
                case "kaiming_normal" -> Init.kaimingNormal(rng, w.dtype(), shape);
                case "xavier_uniform" -> Init.xavierUniform(rng, w.dtype(), shape);
                case "xavier_normal" -> Init.xavierNormal(rng, w.dtype(), shape);
                default -> throw new IllegalStateException("unhandled init " + init);
            };
            w.copyFrom(fresh);
        }
    }

    private static String path(int i) {
        return "model.layers[" + i + "]";
    }

    /** The shape a single-input layer gives for one example of shape {@code in}; the error names {@code path}. */
    static int[] outputShape(LayerConfig layer, int[] in, String path) {
        return switch (layer) {
            case LayerConfig.Dense d -> {
                if (in.length != 1) {
                    throw new ConfigException(path, "dense needs one example as a flat [features], got "
                            + Shape.str(in) + "; put a flatten layer before it");
                }
                yield new int[] {d.units()};
            }
            case LayerConfig.Conv2d c -> {
                needImage(in, path, "conv2d");
                if (in[0] % c.groups() != 0) {
                    throw new ConfigException(path + ".groups", "must divide the input channels (" + in[0] + ")");
                }
                try {
                    Conv2dGeometry g = new Conv2dGeometry(1, in[0], in[1], in[2], c.filters(), c.kernel()[0],
                            c.kernel()[1], c.stride()[0], c.stride()[1], c.padding()[0], c.padding()[1],
                            c.dilation()[0], c.dilation()[1], c.groups());
                    yield new int[] {c.filters(), g.outH(), g.outW()};
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(path, e.getMessage() + " (input " + Shape.str(in) + ")", e);
                }
            }
            case LayerConfig.Pool2d p -> {
                needImage(in, path, p.max() ? "maxpool2d" : "avgpool2d");
                try {
                    Pool2dGeometry g = new Pool2dGeometry(1, in[0], in[1], in[2], p.kernel()[0], p.kernel()[1],
                            p.stride()[0], p.stride()[1], p.padding()[0], p.padding()[1]);
                    yield new int[] {in[0], g.outH(), g.outW()};
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(path, e.getMessage() + " (input " + Shape.str(in) + ")", e);
                }
            }
            case LayerConfig.GlobalAvgPool2d g -> {
                needImage(in, path, "globalavgpool2d");
                yield new int[] {in[0]};
            }
            case LayerConfig.BatchNorm b -> {
                if (in.length < 1 || in.length > 3) {
                    throw new ConfigException(path, "batchnorm needs [features], [channels, length] or [channels, "
                            + "height, width], got " + Shape.str(in));
                }
                yield in;
            }
            case LayerConfig.Flatten f -> {
                long n = Shape.checkedSize(in);
                if (n > Integer.MAX_VALUE) {
                    throw new ConfigException(path, "flatten of " + Shape.str(in) + " gives more than 2^31 features");
                }
                yield new int[] {(int) n};
            }
            case LayerConfig.Activation a -> in;
            case LayerConfig.Dropout d -> in;
            case LayerConfig.Recurrent r -> {
                if (in.length != 2) {
                    throw new ConfigException(path, r.cell() + " needs one example as a sequence [steps, features], got "
                            + Shape.str(in));
                }
                yield new int[] {in[0], (r.bidirectional() ? 2 : 1) * r.hidden()};
            }
            case LayerConfig.LastState l -> new int[] {l.units()};
            case LayerConfig.Residual r -> {
                int[] shape = in;
                for (int k = 0; k < r.layers().size(); k++) {
                    shape = outputShape(r.layers().get(k), shape, path + ".layers[" + k + "]");
                }
                ResidualProjection.check(in, shape, path);
                yield shape;
            }
            case LayerConfig.Add a -> throw new IllegalStateException("a merge's shape comes from mergeShape");
            case LayerConfig.Concat c -> throw new IllegalStateException("a merge's shape comes from mergeShape");
        };
    }

    private static void needImage(int[] in, String path, String type) {
        if (in.length != 3) {
            throw new ConfigException(path, type + " needs one example as an image [channels, height, width], got "
                    + Shape.str(in));
        }
    }
}
