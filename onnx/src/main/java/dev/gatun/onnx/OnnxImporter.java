package dev.gatun.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gatun.config.ConfigException;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.FittedPreprocessing;
import dev.gatun.config.ModelCard;
import dev.gatun.config.ModelFactory;
import dev.gatun.config.ModelMemory;
import dev.gatun.config.Penalty;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.FashionMnist;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.nn.Parameter;
import dev.gatun.onnx.OnnxTensors.Floats;
import dev.gatun.onnx.proto.Onnx.AttributeProto;
import dev.gatun.onnx.proto.Onnx.GraphProto;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import dev.gatun.onnx.proto.Onnx.NodeProto;
import dev.gatun.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gatun.onnx.proto.Onnx.StringStringEntryProto;
import dev.gatun.onnx.proto.Onnx.TensorProto;
import dev.gatun.onnx.proto.Onnx.TensorShapeProto;
import dev.gatun.onnx.proto.Onnx.ValueInfoProto;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An ONNX model made of the supported ops (in the forms the exporter writes, and PyTorch exports
 * for dense, convolutional and pooling networks; graphs of layers joined by Add and Concat too) as
 * a Gatun run folder: {@code config.json}, {@code model.json} and {@code model.safetensors}, which
 * {@link TrainedModel#load}, {@code gatun eval}, {@code predict}, {@code --init-from} and
 * {@code gatun export} read. The file is untrusted: its size is checked before it is read, every
 * tensor's declared shape against the bytes it holds, and the network against the memory budget
 * before it is built; anything outside the supported op set is refused with the op type and node
 * name, and nothing is written unless the whole model loads back.
 */
public final class OnnxImporter {
    /** The largest ONNX file read (protobuf's own limit is 2 GiB). */
    public static final long MAX_BYTES = 1L << 30;
    /** The most nodes a graph may have. */
    public static final int MAX_NODES = 100_000;
    /** The largest dimension of the model's input. */
    public static final int MAX_INPUT_DIM = 1 << 20;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MIN_OPSET = 13;

    private OnnxImporter() {}

    /** A model read from an ONNX file, not yet written: its config, card and weights. */
    public static final class ImportedModel {
        private final ExperimentConfig config;
        private final ModelCard card;
        private final List<Map<String, Floats>> weights;
        private final List<String> notes;

        ImportedModel(ExperimentConfig config, ModelCard card, List<Map<String, Floats>> weights, List<String> notes) {
            this.config = config;
            this.card = card;
            this.weights = List.copyOf(weights);
            this.notes = List.copyOf(notes);
        }

        /** {@return the run's config, its model section the imported layers} */
        public ExperimentConfig config() {
            return config;
        }

        /** {@return the input shape, class names and preprocessing} */
        public ModelCard card() {
            return card;
        }

        /** {@return what the import changed, one line each (a final softmax dropped)} */
        public List<String> notes() {
            return notes;
        }

        /** Each config layer's tensors by their own names. */
        List<Map<String, Floats>> weights() {
            return weights;
        }
    }

    /**
     * Reads and checks an ONNX file without writing anything.
     *
     * @param file the .onnx file
     * @param name the run's name (letters, digits, . _ - + =)
     * @param data the config's {@code data} section, or null for Fashion-MNIST (the default when the
     *     input has 784 values)
     * @return the model
     * @throws IOException naming the file: unreadable, malformed, an unsupported op or form, a
     *     network that does not fit together or over the memory budget
     */
    public static ImportedModel read(Path file, String name, JsonNode data) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new OnnxImportException(file, size + " bytes, more than the " + MAX_BYTES + " an ONNX model may have");
        }
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit((int) Math.min(Integer.MAX_VALUE, MAX_BYTES));
            model = ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(file, "not an ONNX model (malformed protobuf: " + e.getMessage() + ")", e);
        }
        try {
            return translate(model, file, name, data);
        } catch (ImportProblem e) {
            throw new OnnxImportException(file, e.getMessage(), e);
        } catch (ConfigException | IllegalArgumentException | MemoryBudgetException e) {
            throw new OnnxImportException(file, "the imported network is not valid: " + e.getMessage(), e);
        }
    }

    private static ImportedModel translate(ModelProto model, Path file, String name, JsonNode data) {
        if (!model.hasGraph()) {
            throw new ImportProblem("has no graph (not an ONNX model)");
        }
        checkOpset(model);
        GraphProto graph = model.getGraph();
        if (graph.getNodeCount() > MAX_NODES) {
            throw new ImportProblem("has " + graph.getNodeCount() + " nodes, more than " + MAX_NODES);
        }
        Map<String, TensorProto> constants = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        if (graph.getSparseInitializerCount() > 0) {
            throw new ImportProblem("sparse initializers are not supported");
        }
        List<OnnxNode> nodes = new ArrayList<>();
        for (NodeProto n : graph.getNodeList()) {
            OnnxNode node = new OnnxNode(n, constants);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw node.problem("op of domain " + ImportProblem.quote(n.getDomain()) + " is not supported");
            }
            if (n.getOpType().equals("Constant")) {
                constants.put(node.output(0), constantValue(node, n));
            } else {
                nodes.add(node);
            }
        }
        List<ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !constants.containsKey(v.getName()))
                .toList();
        if (inputs.size() != 1 || graph.getOutputCount() != 1) {
            throw new ImportProblem("has " + inputs.size() + " inputs and " + graph.getOutputCount()
                    + " outputs; the importer reads models of one input and one output");
        }
        int[] input = exampleShape(inputs.getFirst());
        GraphReader reader = new GraphReader(nodes, inputs.getFirst().getName(), input);
        reader.read();
        String output = graph.getOutput(0).getName();
        if (!reader.output().equals(output)) {
            throw new ImportProblem("the graph's output " + ImportProblem.quote(output)
                    + " is not the end of its chain of layers");
        }
        List<GraphReader.Layer> layers = new ArrayList<>(reader.layers());
        if (layers.isEmpty()) {
            throw new ImportProblem("has no layers");
        }
        Map<String, String> metadata = new HashMap<>();
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            metadata.put(p.getKey(), p.getValue());
        }
        boolean regression = "regression".equals(metadata.get(OnnxExporter.TASK));
        List<String> notes = new ArrayList<>();
        if (!regression && layers.getLast().config().get("type").asString().equals("softmax")) {
            layers.removeLast();
            notes.add("dropped the final Softmax: a Gatun classifier outputs logits and applies softmax when it"
                    + " predicts");
        }
        ObjectNode tree = config(name, input, layers, reader.preprocessing(), data, regression);
        ExperimentConfig config = ConfigLoader.experiment(tree, name, file.toString());
        int[] out = ModelFactory.outputShapes(config.model(), input).getLast();
        List<String> classes = regression ? List.of() : classNames(metadata.get(OnnxExporter.CLASS_NAMES), out,
                config);
        ArrayNode steps = JSON.arrayNode();
        reader.preprocessing().forEach(steps::add);
        ModelCard card = new ModelCard(input, classes, FittedPreprocessing.fromJson(steps, file.toString()));
        card.checkFits(config, file.toString());
        ModelMemory.requireInference(config, input, file.toString());
        List<Map<String, Floats>> weights = layers.stream().map(GraphReader.Layer::weights).toList();
        ImportedModel imported = new ImportedModel(config, card, weights, notes);
        try (Scope scope = Scope.open("onnx-import-check")) {
            tensors(imported);
        }
        return imported;
    }

    private static void checkOpset(ModelProto model) {
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < MIN_OPSET) {
            throw new ImportProblem(opset < 0 ? "imports no version of the standard ONNX opset"
                    : "uses opset " + opset + "; the importer reads opset " + MIN_OPSET + " or newer");
        }
    }

    private static TensorProto constantValue(OnnxNode node, NodeProto n) {
        node.allowAttributes("value");
        if (n.getAttributeCount() != 1 || n.getAttribute(0).getType() != AttributeProto.AttributeType.TENSOR) {
            throw node.problem("only a Constant with a tensor value is supported");
        }
        return n.getAttribute(0).getT();
    }

    /** One example's shape: the input's dimensions after the batch axis, each known and > 0. */
    private static int[] exampleShape(ValueInfoProto in) {
        String what = "input " + ImportProblem.quote(in.getName());
        if (!in.getType().hasTensorType() || in.getType().getTensorType().getElemType()
                != TensorProto.DataType.FLOAT.getNumber()) {
            throw new ImportProblem(what + " must be a float32 tensor");
        }
        TensorShapeProto shape = in.getType().getTensorType().getShape();
        int rank = shape.getDimCount();
        if (rank < 2 || rank > ModelCard.MAX_RANK + 1) {
            throw new ImportProblem(what + " must have a batch axis and 1 to " + ModelCard.MAX_RANK
                    + " more, got rank " + rank);
        }
        int[] example = new int[rank - 1];
        long values = 1;
        for (int i = 1; i < rank; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            if (!d.hasDimValue() || d.getDimValue() < 1 || d.getDimValue() > MAX_INPUT_DIM) {
                throw new ImportProblem(what + " dimension " + i + " must be a number from 1 to " + MAX_INPUT_DIM
                        + ", got " + (d.hasDimValue() ? d.getDimValue() : ImportProblem.quote(d.getDimParam())));
            }
            example[i - 1] = (int) d.getDimValue();
            values *= example[i - 1];
            if (values > MAX_INPUT_DIM) {
                throw new ImportProblem(what + " has more than " + MAX_INPUT_DIM + " values per example");
            }
        }
        return example;
    }

    private static ObjectNode config(String name, int[] input, List<GraphReader.Layer> layers,
                                     List<ObjectNode> preprocessing, JsonNode data, boolean regression) {
        ObjectNode tree = JSON.objectNode();
        tree.put("name", name);
        tree.put("seed", 42);
        int values = Arrays.stream(input).reduce(1, (a, b) -> a * b);
        if (data == null && values != 784) {
            throw new ImportProblem("give the data section of a config for an input of " + Arrays.toString(input)
                    + " (without one the importer assumes Fashion-MNIST, 784 values per example)");
        }
        if (data != null && !data.isObject()) {
            tree.set("data", data); // refused by the config's validation, naming data
        } else {
            ObjectNode dataSection = data != null ? ((ObjectNode) data).deepCopy()
                    : JSON.objectNode().put("source", "fashion-mnist");
            // The run lists the steps its model.json holds fitted, so that eval applies those statistics.
            ArrayNode steps = dataSection.putArray("preprocessing");
            preprocessing.forEach(p -> steps.add(p.get("type").asString()));
            tree.set("data", dataSection);
        }
        ObjectNode model = tree.putObject("model");
        ArrayNode in = model.putArray("input");
        for (int d : input) {
            in.add(d);
        }
        ArrayNode list = model.putArray("layers");
        layers.forEach(l -> list.add(l.config()));
        tree.put("loss", regression ? "mse" : "cross_entropy");
        tree.putObject("optimizer").put("type", "adam").put("lr", 0.001);
        tree.putObject("training").put("epochs", 1).put("batch", 64);
        return tree;
    }

    private static List<String> classNames(String saved, int[] out, ExperimentConfig config) {
        int classes = out.length == 1 ? out[0] : -1;
        if (saved != null) {
            JsonNode names = ConfigLoader.parseJson(saved, "metadata " + OnnxExporter.CLASS_NAMES);
            if (names.isArray() && names.size() == classes) {
                List<String> list = new ArrayList<>();
                names.forEach(n -> list.add(n.asString()));
                return list;
            }
        }
        if (config.data().source() instanceof dev.gatun.config.DataConfig.FashionMnist && classes == FashionMnist.CLASSES) {
            return FashionMnist.CLASS_NAMES;
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < Math.max(classes, 0); i++) {
            list.add(Integer.toString(i));
        }
        return list;
    }

    /**
     * Writes an imported model as a run folder: into a temporary folder beside {@code out}, which
     * is loaded back with {@link TrainedModel#load} and only then renamed to {@code out}.
     *
     * @param model the model read by {@link #read}
     * @param out the run folder to create; it must not exist, or be empty
     * @throws IOException when out exists and is not empty, or writing fails
     */
    public static void write(ImportedModel model, Path out) throws IOException {
        if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
            throw new IOException(out + ": already exists; give a new folder for the imported run");
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".import");
        try {
            Files.writeString(tmp.resolve(TrainedModel.CONFIG), ConfigLoader.toJson(model.config().normalized()) + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(ModelCard.FILE), ConfigLoader.toJson(model.card().toJson()) + "\n",
                    StandardCharsets.UTF_8);
            try (Scope scope = Scope.open("onnx-import")) {
                Map<String, Tensor> tensors = tensors(model);
                try (OutputStream o = Files.newOutputStream(tmp.resolve(TrainedModel.WEIGHTS))) {
                    SafetensorsWriter.writeTensors(tensors, Map.of(), o);
                }
            }
            try (Scope scope = Scope.open("onnx-import-check")) {
                TrainedModel.load(tmp);
            }
            if (Files.isDirectory(out)) {
                Files.delete(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                try (Stream<Path> files = Files.walk(tmp)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /** The network's tensors by name, each from its layer's imported tensor of the same own name and shape. */
    private static Map<String, Tensor> tensors(ImportedModel model) {
        int[] input = model.card().input();
        ModelFactory.Built built = ModelFactory.build(model.config().model(), input, model.config().seed(),
                Penalty.NONE);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Parameter p : built.module().state()) {
            int layer = built.layerOfTensor().get(p.name());
            String local = OnnxExporter.localName(p.name());
            Floats f = model.weights().get(layer).get(local);
            String where = "layers[" + layer + "] " + local;
            if (f == null) {
                throw new ImportProblem(where + ": the ONNX graph gives no such tensor");
            }
            if (!Arrays.equals(f.shape(), p.tensor().shape())) {
                throw new ImportProblem(where + " is " + Arrays.toString(f.shape())
                        + " in the ONNX graph but the network needs " + Arrays.toString(p.tensor().shape()));
            }
            out.put(p.name(), Tensor.of(f.values(), f.shape()));
            used.add(layer + "/" + local);
        }
        for (int i = 0; i < model.weights().size(); i++) {
            for (String local : model.weights().get(i).keySet()) {
                if (!used.contains(i + "/" + local)) {
                    throw new ImportProblem("layers[" + i + "] " + local + ": the network has no such tensor");
                }
            }
        }
        return out;
    }
}
