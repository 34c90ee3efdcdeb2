package dev.gatun.config;

import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.io.Utf8Text;
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
 * A key given twice is an error in both formats. Files are UTF-8, at most {@value #MAX_BYTES}
 * bytes; whatever is wrong with one is a {@link ConfigException} naming it.
 */
public final class ConfigLoader {
    /** The largest config file read (16 MiB): a config is a page of settings, not data. */
    public static final long MAX_BYTES = 16L << 20;

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
     * @throws ConfigException naming the file and the path of the first problem
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
        JsonNode tree = tree(file, overrides);
        String name = stem(file);
        try {
            if (tree != null && tree.isObject() && tree.has("search")) {
                return SearchSpace.expand(tree, name);
            }
            return List.of(ExperimentConfig.from(tree, name));
        } catch (ConfigException e) {
            throw e.in(file.toString());
        }
    }

    /**
     * The tree of a config file with {@code overrides} applied, as {@link #load(Path, java.util.Map)}
     * reads it before validating (a sweep's config, say, whose trials are made as it runs).
     *
     * @param file the YAML or JSON config file
     * @param overrides config paths mapped to YAML values
     * @return the tree
     * @throws ConfigException naming the file, or the {@code --set} at fault
     * @throws IOException when the file cannot be read
     */
    public static JsonNode tree(Path file, java.util.Map<String, String> overrides) throws IOException {
        JsonNode tree = read(file);
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
        return tree;
    }

    /**
     * The name of a config's experiments when it has none: the file's name without its extension.
     *
     * @param file the config file
     * @return its stem
     */
    public static String defaultName(Path file) {
        return stem(file);
    }

    /**
     * The experiment of a config tree read from {@code source} (a run's {@code config.json}, or a
     * checkpoint's {@code checkpoint.json}), with errors naming that file.
     *
     * @param tree the config tree
     * @param name the experiment's name when the tree has none
     * @param source the file the tree was read from, for the message
     * @return the validated experiment
     * @throws ConfigException naming {@code source} and the path of the first problem
     */
    public static ExperimentConfig experiment(JsonNode tree, String name, String source) {
        try {
            return ExperimentConfig.from(tree, name);
        } catch (ConfigException e) {
            throw e.in(source);
        }
    }

    /**
     * The tree of a YAML or JSON file.
     *
     * @param file the YAML or JSON config file
     * @return the parsed tree
     * @throws ConfigException naming the file: an unknown extension, more than {@value #MAX_BYTES}
     *     bytes, a byte that is not UTF-8 (with its line), or text that does not parse
     * @throws IOException when the file cannot be read (a directory, no permission; one that is
     *     missing says where it was looked for)
     */
    public static JsonNode read(Path file) throws IOException {
        MissingFile.require(file, "config file");
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        if (!yaml && !lower.endsWith(".json")) {
            throw new ConfigException(file.toString(), "unknown config format; name it .yaml, .yml or .json");
        }
        return parse(text(file, MAX_BYTES, "a config"), yaml, file.toString());
    }

    /**
     * The text of a UTF-8 file of at most {@code maxBytes} bytes ({@code what} says what it is, for
     * the message), for a parser to read.
     *
     * @throws ConfigException naming the file when it is larger or holds a byte that is not UTF-8
     */
    static String text(Path file, long maxBytes, String what) throws IOException {
        try {
            return Utf8Text.read(file, maxBytes, what);
        } catch (dev.gatun.io.FileTooLargeException e) {
            throw new ConfigException(file.toString(), "is " + Files.size(file) + " bytes, more than the " + maxBytes
                    + " that " + what + " may have");
        } catch (MalformedUtf8Exception e) {
            throw new ConfigException(file.toString(), "line " + e.line() + ": " + e.problem(), e);
        }
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
                    + oneLine(e.getOriginalMessage()), e);
        } catch (RuntimeException e) {
            // The parsers' own failures on text they were never meant to see: still this file's fault.
            throw new ConfigException(source, "not valid " + (yaml ? "YAML" : "JSON") + ": "
                    + oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /** A parser's message on one line: YAML's point at the place with a second line and a caret. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
