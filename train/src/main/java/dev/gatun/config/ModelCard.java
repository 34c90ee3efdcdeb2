package dev.gatun.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private static final String FORMAT = "gatun-model";
    private static final int VERSION = 1;

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
     * Reads {@code dir/model.json}.
     *
     * @param dir the directory holding {@code model.json}
     * @return the card
     * @throws IOException when it is missing (naming the file) or malformed (naming the field)
     */
    public static ModelCard read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no " + FILE + " here: not a Gatun run, export or checkpoint folder");
        }
        return fromJson(ConfigLoader.parseJson(Files.readString(file), file.toString()), file.toString());
    }

    /**
     * Parses {@link #toJson()}'s form; {@code where} names the source in errors.
     *
     * @param o the JSON object
     * @param where the source, for error messages
     * @return the card
     */
    public static ModelCard fromJson(JsonNode o, String where) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        if (!FORMAT.equals(o.path("format").asString(""))) {
            throw new IllegalArgumentException(where + ": 'format' must be \"" + FORMAT + "\"");
        }
        if (o.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException(where + ": unsupported version " + o.path("version")
                    + " (this Gatun reads version " + VERSION + ")");
        }
        JsonNode in = o.get("input");
        if (in == null || !in.isArray() || in.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'input' must be a non-empty list of dimensions");
        }
        int[] input = new int[in.size()];
        for (int i = 0; i < input.length; i++) {
            if (!in.get(i).isInt()) {
                throw new IllegalArgumentException(where + ": 'input'[" + i + "] is not an integer");
            }
            input[i] = in.get(i).intValue();
        }
        List<String> names = new ArrayList<>();
        JsonNode n = o.get("class_names");
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException(where + ": 'class_names' must be a list");
        }
        n.forEach(e -> names.add(e.asString()));
        try {
            return new ModelCard(input, names, FittedPreprocessing.fromJson(o.get("preprocessing"), where));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
