package dev.gatun.tracking;

import dev.gatun.io.Utf8Text;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a run belongs to others: a sweep's trial, a cross-validation's fold, a member of an
 * ensemble. Written to the run folder as {@value #FILE} when the run starts, so the tracking store
 * and {@code gatun runs import} see the same relation.
 *
 * @param parentOrNull the parent run's id (its folder's name), or null
 * @param roleOrNull {@code trial}, {@code fold}, {@code parent}, ..., or null
 * @param tags free tags, by name
 */
public record RunLineage(String parentOrNull, String roleOrNull, Map<String, String> tags) {
    /** The file in a run folder. */
    public static final String FILE = "lineage.json";
    /** No relation and no tags. */
    public static final RunLineage NONE = new RunLineage(null, null, Map.of());
    /** The most bytes a lineage file may have: a parent, a role and a few tags. */
    static final long MAX_BYTES = 1L << 20;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Copies the tags, keeping their order. */
    public RunLineage {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** {@return whether there is nothing to write} */
    public boolean isEmpty() {
        return parentOrNull == null && roleOrNull == null && tags.isEmpty();
    }

    /**
     * Writes {@value #FILE} into {@code folder} (atomically); nothing when empty.
     *
     * @param folder the run folder
     * @throws IOException when it cannot be written
     */
    public void write(RunFolder folder) throws IOException {
        if (isEmpty()) {
            return;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("parent", parentOrNull);
        o.put("role", roleOrNull);
        ObjectNode t = o.putObject("tags");
        tags.forEach(t::put);
        folder.writeAtomically(FILE, (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The lineage of the run in {@code folder}: {@link #NONE} without {@value #FILE}.
     *
     * @param folder the run folder
     * @return the lineage
     * @throws IOException naming the file when it cannot be read or is not a lineage
     */
    public static RunLineage read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode o;
        try {
            o = JSON.readTree(Utf8Text.read(file, MAX_BYTES, "a lineage"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not JSON: " + e.getMessage(), e);
        }
        if (!o.isObject() || (o.has("tags") && !o.get("tags").isObject())) {
            throw new IOException(file + ": expected {parent, role, tags: {..}}");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        o.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asString("")));
        return new RunLineage(text(o, "parent"), text(o, "role"), tags);
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asString();
    }
}
