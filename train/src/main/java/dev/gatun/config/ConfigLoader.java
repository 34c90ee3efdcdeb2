package dev.gatun.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads config files, YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) by extension,
 * into trees, and the trees into experiments: one, or one per trial of a {@code search} section.
 * A key given twice is an error in both formats.
 */
public final class ConfigLoader {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {}

    /**
     * The experiments a config file defines, each validated; unnamed ones take the file's name
     * without its extension.
     *
     * @param file the YAML or JSON config file
     * @return the experiments, in file order
     * @throws ConfigException naming the file or the path of the first problem
     * @throws IOException when the file cannot be read
     */
    public static List<ExperimentConfig> load(Path file) throws IOException {
        return load(file, java.util.Map.of());
    }

    /**
     * {@link #load(Path)} with {@code overrides} applied to the tree first: each key is a config
     * path ({@code optimizer.lr}, {@code model.layers[0].units}) and each value YAML text
     * ({@code 0.01}, {@code [64, 64]}), as {@code gatun train --set} gives them.
     *
     * @param file the YAML or JSON config file
     * @param overrides config paths mapped to YAML values
     * @return the experiments, in file order
     * @throws IOException when the file cannot be read
     */
    public static List<ExperimentConfig> load(Path file, java.util.Map<String, String> overrides) throws IOException {
        JsonNode tree = read(file);
        String name = stem(file);
        if (!overrides.isEmpty()) {
            if (tree == null || !tree.isObject()) {
                throw new ConfigException(file.toString(), "the config must be a mapping of keys to values");
            }
            for (java.util.Map.Entry<String, String> o : overrides.entrySet()) {
                JsonNode value = parseYaml(o.getValue(), "--set " + o.getKey());
                SearchSpace.set((tools.jackson.databind.node.ObjectNode) tree, o.getKey(),
                        value == null ? tools.jackson.databind.node.NullNode.instance : value, "--set " + o.getKey());
            }
        }
        if (tree != null && tree.isObject() && tree.has("search")) {
            return SearchSpace.expand(tree, name);
        }
        return List.of(ExperimentConfig.from(tree, name));
    }

    /**
     * The tree of a YAML or JSON file.
     *
     * @param file the YAML or JSON config file
     * @return the parsed tree
     * @throws IOException when the file cannot be read
     */
    public static JsonNode read(Path file) throws IOException {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        if (!yaml && !lower.endsWith(".json")) {
            throw new ConfigException(file.toString(), "unknown config format; name it .yaml, .yml or .json");
        }
        return parse(Files.readString(file), yaml, file.toString());
    }

    /**
     * The tree of YAML text; {@code source} names it in errors.
     *
     * @param text the document
     * @param source what the text is, for error messages
     * @return the parsed tree
     */
    public static JsonNode parseYaml(String text, String source) {
        return parse(text, true, source);
    }

    /**
     * The tree of JSON text; {@code source} names it in errors.
     *
     * @param text the document
     * @param source what the text is, for error messages
     * @return the parsed tree
     */
    public static JsonNode parseJson(String text, String source) {
        return parse(text, false, source);
    }

    /**
     * A tree as indented JSON, e.g. for {@code config.json}.
     *
     * @param tree the config tree to print
     * @return the indented JSON text
     */
    public static String toJson(JsonNode tree) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    }

    private static JsonNode parse(String text, boolean yaml, String source) {
        try {
            JsonNode tree = (yaml ? YAML : JSON).readTree(text);
            return tree == null || tree.isMissingNode() ? null : tree;
        } catch (JacksonException e) {
            String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(source, "not valid " + (yaml ? "YAML" : "JSON") + where + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
