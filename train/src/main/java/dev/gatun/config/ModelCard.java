package dev.gatun.config;

import dev.gatun.data.Dataset;
import dev.gatun.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code model.safetensors} and {@code config.json} do not say but using the model needs:
 * the shape of one input example, the classes (with names) or regression, and the preprocessing
 * as fitted on the training data. Written as {@code model.json} next to the weights.
 *
 * @param input one example's shape, as the network reads it
 * @param classNames one name per class; empty for a regression model
 * @param preprocessing the preprocessing, as fitted on the training data
 */
public record ModelCard(int[] input, List<String> classNames, FittedPreprocessing preprocessing) {
    /** The file name in a run or export folder. */
    public static final String FILE = "model.json";
    /** The largest {@code model.json} read (64 MiB, as a checkpoint's JSON, which holds a card too). */
    public static final long MAX_BYTES = 64L << 20;
    /** The most input dimensions a card may give. */
    public static final int MAX_RANK = 8;
    private static final String FORMAT = "gatun-model";
    private static final int VERSION = 1;
    private static final List<String> KEYS = List.of("format", "version", "input", "task", "class_names",
            "preprocessing");

    /** Copies the shape and class names and checks the shape. */
    public ModelCard {
        input = input.clone();
        classNames = List.copyOf(classNames);
        if (input.length == 0) {
            throw new IllegalArgumentException("the input shape must have at least one dimension");
        }
        for (int d : input) {
            if (d < 1) {
                throw new IllegalArgumentException("input dimensions must be > 0, got " + java.util.Arrays.toString(input));
            }
        }
    }

    /**
     * The card of an experiment's data.
     *
     * @param data the experiment's data
     * @return the card
     */
    public static ModelCard of(ExperimentData data) {
        return new ModelCard(data.exampleShape(), data.classNames(), data.preprocessing());
    }

    /** {@return one example's shape, as the network reads it (a copy)} */
    @Override
    public int[] input() {
        return input.clone();
    }

    /** {@return whether the model is a classifier} */
    public boolean classification() {
        return !classNames.isEmpty();
    }

    /** {@return the card as JSON} */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        ArrayNode in = o.putArray("input");
        for (int d : input) {
            in.add(d);
        }
        o.put("task", classification() ? "classification" : "regression");
        ArrayNode names = o.putArray("class_names");
        classNames.forEach(names::add);
        o.set("preprocessing", preprocessing.toJson());
        return o;
    }

    /**
     * Writes {@code model.json} into {@code folder} atomically.
     *
     * @param folder the run folder
     * @throws IOException when the file cannot be written
     */
    public void write(dev.gatun.train.metrics.RunFolder folder) throws IOException {
        folder.writeAtomically(FILE, (ConfigLoader.toJson(toJson()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Reads {@code dir/model.json}, checking all of it ({@link #fromJson}).
     *
     * @param dir the directory holding {@code model.json}
     * @return the card
     * @throws NoSuchFileException when it is missing
     * @throws ModelCardException naming the file and the field: larger than {@value #MAX_BYTES}
     *     bytes, a byte that is not UTF-8, not JSON, or a field missing, mistyped or out of range
     */
    public static ModelCard read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no " + FILE + " here: not a Gatun run, export or checkpoint folder");
        }
        JsonNode tree;
        try {
            tree = ConfigLoader.parseJson(ConfigLoader.text(file, MAX_BYTES, "a model card"), file.toString());
        } catch (ConfigException e) {
            throw new ModelCardException(file.toString(), "", e.problem(), e);
        }
        return fromJson(tree, file.toString());
    }

    /**
     * Parses {@link #toJson()}'s form, which is untrusted: every field must be present, of its
     * type and in range ({@code format}, {@code version}, up to {@value #MAX_RANK} input
     * dimensions {@code > 0} holding at most 2³¹ - 1 values, {@code task} agreeing with
     * {@code class_names}, at most {@link Dataset#MAX_CLASSES} distinct non-empty class names,
     * and preprocessing fitted on as many features as the input holds); nothing else may be.
     * {@code where} names the source in errors.
     *
     * @param o the JSON object
     * @param where the source, for error messages
     * @return the card
     * @throws ModelCardException naming {@code where} and the field
     */
    public static ModelCard fromJson(JsonNode o, String where) {
        if (o == null || !o.isObject()) {
            throw new ModelCardException(where, "", "expected a JSON object, got " + ConfigNode.kind(o));
        }
        for (String key : o.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw new ModelCardException(where, key, "unknown key (known: " + String.join(", ", KEYS) + ")");
            }
        }
        JsonNode format = field(o, "format", where);
        if (!format.isString() || !format.stringValue().equals(FORMAT)) {
            throw new ModelCardException(where, "format", "must be \"" + FORMAT + "\", got " + ConfigNode.kind(format));
        }
        JsonNode version = field(o, "version", where);
        if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != VERSION) {
            throw new ModelCardException(where, "version", "unsupported version " + ConfigNode.kind(version)
                    + " (this Gatun reads version " + VERSION + ")");
        }
        int[] input = input(field(o, "input", where), where);
        JsonNode task = field(o, "task", where);
        if (!task.isString() || !List.of("classification", "regression").contains(task.stringValue())) {
            throw new ModelCardException(where, "task", "must be \"classification\" or \"regression\", got "
                    + ConfigNode.kind(task));
        }
        List<String> names = classNames(field(o, "class_names", where), where);
        boolean classification = task.stringValue().equals("classification");
        if (classification == names.isEmpty()) {
            throw new ModelCardException(where, "class_names", classification
                    ? "a classification model needs its class names, got none"
                    : "a regression model has no classes, got " + names.size() + " names");
        }
        FittedPreprocessing preprocessing = FittedPreprocessing.fromJson(field(o, "preprocessing", where), where);
        checkSteps(preprocessing, input, classification, where);
        return new ModelCard(input, names, preprocessing);
    }

    /**
     * Checks that this card fits the network {@code config} builds, before it is built: the same
     * task, and as many outputs as class names (one for regression). {@code where} names the card.
     *
     * @param config the experiment whose network the card is checked against
     * @param where the card's file, for the message
     * @throws ModelCardException naming {@code where} and the field that does not fit
     */
    public void checkFits(ExperimentConfig config, String where) {
        if (classification() != config.data().classification()) {
            throw new ModelCardException(where, "task", "the card is of a " + (classification() ? "classification"
                    : "regression") + " model but its config trains " + (config.data().classification()
                    ? "a classifier" : "a regression"));
        }
        int[] output;
        try {
            output = ModelFactory.outputShapes(config.model(), input).getLast();
        } catch (ConfigException e) {
            throw new ModelCardException(where, "input", Shape.str(input) + " does not fit the config's network: "
                    + e.getMessage(), e);
        }
        int want = classification() ? classNames.size() : 1;
        if (output.length != 1 || output[0] != want) {
            throw new ModelCardException(where, classification() ? "class_names" : "task", (classification()
                    ? classNames.size() + " class names" : "a regression target of one value") + " for a network that"
                    + " outputs " + Shape.str(output) + " per example");
        }
    }

    private static JsonNode field(JsonNode o, String key, String where) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            throw new ModelCardException(where, key, "missing");
        }
        return n;
    }

    private static int[] input(JsonNode in, String where) {
        if (!in.isArray() || in.isEmpty() || in.size() > MAX_RANK) {
            throw new ModelCardException(where, "input", "must be a list of 1 to " + MAX_RANK + " dimensions, got "
                    + ConfigNode.kind(in));
        }
        int[] input = new int[in.size()];
        long values = 1;
        for (int i = 0; i < input.length; i++) {
            JsonNode d = in.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 1) {
                throw new ModelCardException(where, "input[" + i + "]", "must be an integer > 0, got "
                        + ConfigNode.kind(d));
            }
            input[i] = d.intValue();
            values *= input[i];
            if (values > Integer.MAX_VALUE) {
                throw new ModelCardException(where, "input", "the dimensions hold more than " + Integer.MAX_VALUE
                        + " values per example");
            }
        }
        return input;
    }

    private static List<String> classNames(JsonNode n, String where) {
        if (!n.isArray()) {
            throw new ModelCardException(where, "class_names", "must be a list of names, got " + ConfigNode.kind(n));
        }
        if (n.size() > Dataset.MAX_CLASSES) {
            throw new ModelCardException(where, "class_names", "has " + n.size() + " names, more than the "
                    + Dataset.MAX_CLASSES + " classes a model may have");
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isString() || e.stringValue().isEmpty()) {
                throw new ModelCardException(where, "class_names[" + i + "]", "must be a non-empty string, got "
                        + ConfigNode.kind(e));
            }
            if (!seen.add(e.stringValue())) {
                throw new ModelCardException(where, "class_names[" + i + "]", "'" + e.stringValue()
                        + "' appears twice");
            }
            names.add(e.stringValue());
        }
        return names;
    }

    /** Scalers fitted on as many features as the input holds; one-hot targets only for classes, once. */
    private static void checkSteps(FittedPreprocessing p, int[] input, boolean classification, String where) {
        long features = Shape.checkedSize(input);
        boolean oneHot = false;
        for (int i = 0; i < p.steps().size(); i++) {
            String at = "preprocessing[" + i + "]";
            int fitted = switch (p.steps().get(i)) {
                case FittedPreprocessing.Standardize st -> st.standardizer().mean().length;
                case FittedPreprocessing.MinMax mm -> mm.scaler().min().length;
                case FittedPreprocessing.OneHotTargets oh -> {
                    if (!classification || oneHot) {
                        throw new ModelCardException(where, at, classification ? "one_hot appears twice"
                                : "one_hot needs class labels but the model is a regression");
                    }
                    oneHot = true;
                    yield -1;
                }
            };
            if (fitted >= 0 && fitted != features) {
                throw new ModelCardException(where, at, "fitted on " + fitted + " features but the input "
                        + Shape.str(input) + " holds " + features);
            }
        }
    }
}
