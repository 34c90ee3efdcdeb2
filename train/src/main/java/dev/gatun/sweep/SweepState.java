package dev.gatun.sweep;

import dev.gatun.tracking.RunState;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A sweep's {@value #FILE}: the config it searches (with its {@code search} section and every
 * {@code --set} applied), its name, and each ended trial's values, state, metric per epoch and run
 * folder. Rewritten atomically after every trial, so an interrupted sweep loses at most the
 * trials that were running.
 *
 * @param name the sweep's name (the config's), which its trials' names start with
 * @param config the searched config tree
 * @param trials the ended trials, in the order they ended
 */
public record SweepState(String name, JsonNode config, List<TrialRecord> trials) {
    /** The most bytes a sweep's state may have (a few hundred per trial, up to a million trials). */
    static final long MAX_BYTES = 1L << 30;

    /** The file in a sweep folder. */
    public static final String FILE = "sweep.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Copies the trials. */
    public SweepState {
        trials = List.copyOf(trials);
    }

    /**
     * Writes {@value #FILE} into {@code folder}, atomically.
     *
     * @param folder the sweep folder
     * @throws IOException when it cannot be written
     */
    public void write(Path folder) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("name", name);
        o.set("config", config);
        ArrayNode list = o.putArray("trials");
        for (TrialRecord t : trials) {
            ObjectNode n = list.addObject();
            n.put("number", t.number());
            n.put("state", t.state().wire());
            number(n, "value", t.value());
            ObjectNode params = n.putObject("params");
            t.params().forEach(params::set);
            ArrayNode epochs = n.putArray("epoch_values");
            t.epochValues().forEach(v -> {
                if (Double.isFinite(v)) {
                    epochs.add(v);
                } else {
                    epochs.addNull();
                }
            });
            n.put("run", t.runOrNull());
            n.put("note", t.note());
        }
        RunFolder.open(folder).writeAtomically(FILE, (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void number(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    /**
     * Whether {@code folder} is a sweep folder.
     *
     * @param folder a directory
     * @return whether it holds {@value #FILE}
     */
    public static boolean isSweepFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /**
     * The state in {@code folder}.
     *
     * @param folder the sweep folder
     * @return its state
     * @throws IOException naming the file when it is missing, not JSON or not a sweep's state
     */
    public static SweepState read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no sweep state here: " + folder
                    + " is not a sweep folder (gatun train writes " + FILE + " into runs/<name>-sweep-<date>-<time>/)");
        }
        JsonNode o;
        try {
            o = JSON.readTree(dev.gatun.io.Utf8Text.read(file, MAX_BYTES, "a sweep's state"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not JSON: " + e.getMessage(), e);
        }
        if (!o.isObject() || o.path("format").asInt(0) != FORMAT || !o.path("name").isString()
                || !o.path("config").isObject() || !o.path("trials").isArray()) {
            throw new IOException(file + ": expected {format: " + FORMAT + ", name, config, trials: [...]}");
        }
        List<TrialRecord> trials = new ArrayList<>();
        for (JsonNode n : o.get("trials")) {
            try {
                trials.add(trial(n));
            } catch (RuntimeException e) {
                throw new IOException(file + ": trial " + trials.size() + ": " + e.getMessage(), e);
            }
        }
        return new SweepState(o.get("name").stringValue(), o.get("config"), trials);
    }

    private static TrialRecord trial(JsonNode n) {
        if (!n.path("number").canConvertToInt() || !n.path("params").isObject() || !n.path("state").isString()
                || !n.path("epoch_values").isArray()) {
            throw new IllegalArgumentException("expected {number, state, value, params, epoch_values, run, note}");
        }
        Map<String, JsonNode> params = new LinkedHashMap<>();
        n.get("params").properties().forEach(e -> params.put(e.getKey(), e.getValue()));
        List<Double> epochs = new ArrayList<>();
        n.get("epoch_values").forEach(v -> epochs.add(v.isNumber() ? v.asDouble() : Double.NaN));
        JsonNode value = n.path("value");
        JsonNode run = n.path("run");
        return new TrialRecord(n.get("number").asInt(), params, RunState.ofWire(n.get("state").stringValue()),
                value.isNumber() ? value.asDouble() : Double.NaN, epochs, run.isString() ? run.stringValue() : null,
                n.path("note").asString(""));
    }
}
