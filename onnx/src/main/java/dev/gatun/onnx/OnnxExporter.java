package dev.gatun.onnx;

import dev.gatun.io.AtomicFile;
import dev.gatun.config.FittedPreprocessing;
import dev.gatun.config.LayerConfig;
import dev.gatun.config.ModelConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.config.ModelGraph;
import dev.gatun.config.Penalty;
import dev.gatun.config.TrainedModel;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A trained Gatun model as an ONNX model: its saved preprocessing as leading Sub and Mul nodes,
 * then each layer of its config through that layer type's {@link LayerEmitter}, with the trained
 * tensors as initializers. The graph's input is {@code input} [batch, ...one example's shape] and
 * its output {@code output}, what the Gatun network returns (logits for a classifier). The class
 * names and task go into the model's metadata ({@code gatun.class_names}, {@code gatun.task}),
 * where {@link OnnxImporter} finds them again.
 */
public final class OnnxExporter {
    /** Metadata key of the class names (a JSON array). */
    public static final String CLASS_NAMES = "gatun.class_names";
    /** Metadata key of the task ({@code classification} or {@code regression}). */
    public static final String TASK = "gatun.task";

    private static final Map<Class<?>, LayerEmitter<?>> EMITTERS = new HashMap<>();

    static {
        register(LayerConfig.Dense.class, new DenseEmitter());
        register(LayerConfig.Conv2d.class, new Conv2dEmitter());
        register(LayerConfig.Pool2d.class, new Pool2dEmitter());
        register(LayerConfig.GlobalAvgPool2d.class, new GlobalAvgPoolEmitter());
        register(LayerConfig.BatchNorm.class, new BatchNormEmitter());
        register(LayerConfig.Flatten.class, new FlattenEmitter());
        register(LayerConfig.Dropout.class, new DropoutEmitter());
        register(LayerConfig.Activation.class, new ActivationEmitter());
        register(LayerConfig.Recurrent.class, new RecurrentEmitter());
        register(LayerConfig.LastState.class, new LastStateEmitter());
        register(LayerConfig.Add.class, (layer, in, graph) -> graph.node("Sum", in.name(), in.values(), Map.of()));
        // Gatun joins along an example's first axis: ONNX's axis 1, after the batch.
        register(LayerConfig.Concat.class, (layer, in, graph) -> graph.node("Concat", in.name(), in.values(),
                Map.of("axis", 1L)));
        register(LayerConfig.Residual.class, new ResidualEmitter());
    }

    private OnnxExporter() {}

    /**
     * Sets the emitter of a layer type (how a new layer type becomes exportable).
     *
     * @param <L> the layer type
     * @param type the layer's config class
     * @param emitter its emitter
     */
    public static synchronized <L extends LayerConfig> void register(Class<L> type, LayerEmitter<L> emitter) {
        EMITTERS.put(type, emitter);
    }

    /**
     * The ONNX model of a trained model (see {@link TrainedModel#load}), serialized.
     *
     * @param model the trained model
     * @return the ONNX model's bytes, as a .onnx file holds them
     * @throws UnsupportedLayerException naming the first layer ONNX cannot express
     */
    public static byte[] toBytes(TrainedModel model) {
        return export(model).toByteArray();
    }

    /**
     * The ONNX model of a network built from {@code config} by {@link ModelFactory}, serialized.
     *
     * @param config the model section the network was built from
     * @param input one example's shape
     * @param network the network, with its trained tensors
     * @param preprocessing the preprocessing the network expects its inputs to have had
     * @param classNames the class names, empty for a regression
     * @return the ONNX model's bytes, as a .onnx file holds them
     * @throws UnsupportedLayerException naming the first layer ONNX cannot express
     */
    public static byte[] toBytes(ModelConfig config, int[] input, Module network, FittedPreprocessing preprocessing,
                                 List<String> classNames) {
        return export(config, input, network, preprocessing, classNames).toByteArray();
    }

    /** The ONNX model of a trained model. */
    static ModelProto export(TrainedModel model) {
        return export(model.config().model(), model.card().input(), model.module(), model.card().preprocessing(),
                model.card().classNames());
    }

    /** The ONNX model of a network built from {@code config} (see {@link #toBytes(ModelConfig, int[], Module,
     * FittedPreprocessing, List)}). */
    static ModelProto export(ModelConfig config, int[] input, Module network, FittedPreprocessing preprocessing,
                                    List<String> classNames) {
        List<LayerConfig> layers = config.layers();
        List<int[]> shapes = ModelFactory.outputShapes(config, input);
        List<Map<String, Tensor>> weights = weightsByLayer(config, input, network, layers.size());
        OnnxGraph graph = new OnnxGraph("gatun");
        String in = PreprocessingEmitter.emit(preprocessing, input, graph, graph.input("input", input));
        ModelGraph wiring = config.graph();
        String[] values = new String[layers.size()];
        for (int i : wiring.order()) {
            LayerConfig layer = layers.get(i);
            int[] from = wiring.inputs(i);
            List<String> reads = java.util.Arrays.stream(from).mapToObj(j -> j < 0 ? in : values[j]).toList();
            int[] shape = from[0] < 0 ? input : shapes.get(from[0]);
            values[i] = emitLayer(layer, new LayerInput("layers[" + i + "]." + typeName(layer), reads, shape,
                    weights.get(i)), graph);
        }
        // The last layer is the model's output (ModelGraph).
        String output = graph.node("Identity", "output", List.of(values[layers.size() - 1]), Map.of());
        graph.output(output, shapes.getLast());
        Map<String, String> metadata = new LinkedHashMap<>();
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        classNames.forEach(names::add);
        metadata.put(CLASS_NAMES, names.toString());
        metadata.put(TASK, classNames.isEmpty() ? "regression" : "classification");
        return graph.model(metadata);
    }

    /**
     * Adds one layer's nodes through its type's emitter (a residual block's emitter calls this for
     * its inner layers).
     */
    @SuppressWarnings("unchecked")
    static <L extends LayerConfig> String emitLayer(L layer, LayerInput in, OnnxGraph graph) {
        LayerEmitter<L> emitter;
        synchronized (OnnxExporter.class) {
            emitter = (LayerEmitter<L>) EMITTERS.get(layer.getClass());
        }
        if (emitter == null) {
            throw new UnsupportedLayerException(in.name(), "ONNX export has no emitter for "
                    + layer.getClass().getSimpleName() + " layers");
        }
        return emitter.emit(layer, in, graph);
    }

    /** The config's type name of a layer ({@code conv2d}, {@code relu}), for node names. */
    static String typeName(LayerConfig layer) {
        String simple = layer.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        return switch (layer) {
            case LayerConfig.Activation a -> a.type();
            case LayerConfig.Recurrent r -> r.cell();
            case LayerConfig.Pool2d p -> p.max() ? "maxpool2d" : "avgpool2d";
            case LayerConfig.LastState l -> "last_state";
            case LayerConfig.GlobalAvgPool2d g -> "globalavgpool2d";
            case LayerConfig.BatchNorm b -> "batchnorm";
            default -> simple;
        };
    }

    /**
     * Each config layer's tensors by their own names (the last part of the dotted name): the
     * factory tells which layer each of the network's tensors belongs to, whatever modules it
     * grouped the layers into (a recurrent layer and its last_state head are one module).
     */
    private static List<Map<String, Tensor>> weightsByLayer(ModelConfig config, int[] input, Module network, int count) {
        Map<String, Integer> layerOf;
        try (Scope scope = Scope.open("onnx-export-layout")) {
            layerOf = ModelFactory.build(config, input, 0, Penalty.NONE).layerOfTensor();
        }
        List<Map<String, Tensor>> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new HashMap<>());
        }
        for (Parameter p : network.state()) {
            Integer layer = layerOf.get(p.name());
            if (layer == null) {
                throw new IllegalArgumentException("the network's tensor " + p.name() + " is not one of the config's"
                        + " layers: the network was not built from this config");
            }
            out.get(layer).put(localName(p.name()), p.tensor());
        }
        return out;
    }

    /**
     * A tensor's name within its config layer: the last part of its dotted name ({@code weight},
     * {@code weight_ih_l0}), or from {@code body.} or {@code projection.} on inside a residual block.
     */
    static String localName(String name) {
        int at = -1;
        for (String part : List.of("body.", "projection.")) {
            int i = name.startsWith(part) ? 0 : name.indexOf("." + part);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i == 0 ? 0 : i + 1;
            }
        }
        return at >= 0 ? name.substring(at) : name.substring(name.lastIndexOf('.') + 1);
    }

    /**
     * Writes the ONNX model of a trained model to a file, atomically.
     *
     * @param model the trained model
     * @param file the .onnx file (replaced)
     * @throws IOException when the file cannot be written
     * @throws UnsupportedLayerException naming the first layer ONNX cannot express, before anything is written
     */
    public static void write(TrainedModel model, Path file) throws IOException {
        ModelProto proto = export(model);
        AtomicFile.write(file, temp -> {
            try (OutputStream out = Files.newOutputStream(temp)) {
                proto.writeTo(out);
            }
        });
    }
}
