package dev.gatun.studio.api;

import dev.gatun.config.ConfigException;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.DataFactory;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ModelMemory;
import dev.gatun.studio.play.ConfigYaml;
import dev.gatun.studio.play.EventJson;
import dev.gatun.studio.play.PlaygroundRun;
import dev.gatun.studio.server.ApiException;
import dev.gatun.studio.server.Workspace;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A config from the page, made safe and checked: named {@value #NAME}, every data path confined to
 * Studio's workspace, validated by the same code as {@code gatun train}, with each layer's output
 * shape. A problem is a 400 naming the config path and, where it is one, the layer.
 *
 * @param tree the config tree, paths made absolute inside the workspace
 * @param config the validated config
 */
public record PlaygroundConfig(ObjectNode tree, ExperimentConfig config) {
    /** The name every playground run has (the run folder is {@code playground-<date>-<time>}). */
    public static final String NAME = "playground";
    private static final Pattern LAYER = Pattern.compile("^model\\.layers\\[(\\d+)]");
    private static final List<String> PATH_KEYS = List.of("path", "test_path", "dir", "cache_dir");

    /**
     * Reads the body's {@code yaml} (text) or {@code config} (a JSON object) and checks it, with no
     * pre-trained models.
     *
     * @param body the request's JSON
     * @param workspace Studio's workspace, the only place data may come from
     * @return the checked config
     * @throws ApiException 400 for a body without a config, a path outside the workspace, or a
     *     config that does not validate (with its path and layer)
     */
    public static PlaygroundConfig from(JsonNode body, Workspace workspace) {
        return from(body, workspace, PretrainedModels.NONE);
    }

    /**
     * Reads the body's {@code yaml} (text) or {@code config} (a JSON object) and checks it.
     *
     * @param body the request's JSON
     * @param workspace Studio's workspace, the only place data may come from
     * @param pretrained the models {@code init.from: pretrained/NAME} may name
     * @return the checked config
     * @throws ApiException 400 for a body without a config, a path outside the workspace, or a
     *     config that does not validate (with its path and layer)
     */
    public static PlaygroundConfig from(JsonNode body, Workspace workspace, PretrainedModels pretrained) {
        return of(tree(body), workspace, pretrained);
    }

    /**
     * The body's config as it came: {@code yaml} parsed, or a copy of {@code config}.
     *
     * @param body the request's JSON
     * @return the config's tree, not yet checked
     * @throws ApiException 400 for a body without a config, or YAML that does not parse
     */
    static ObjectNode tree(JsonNode body) {
        JsonNode tree;
        try {
            if (body.path("yaml").isString()) {
                tree = ConfigLoader.parseYaml(body.path("yaml").stringValue(), "the YAML");
            } else if (body.path("config").isObject()) {
                tree = body.path("config");
            } else {
                throw new ApiException(400, "the body needs 'yaml' (text) or 'config' (an object)");
            }
        } catch (ConfigException e) {
            throw problem(e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ApiException(400, "the config must be a mapping of sections (name, data, model, ...)");
        }
        return (ObjectNode) tree.deepCopy();
    }

    /**
     * Checks a config's tree: named {@value #NAME}, its data paths and {@code init.from} confined
     * to the workspace (or a pre-trained model's name), validated.
     *
     * @param tree the config's tree, which is changed
     * @param workspace Studio's workspace
     * @param pretrained the models {@code init.from: pretrained/NAME} may name
     * @return the checked config
     * @throws ApiException 400 naming the field at fault
     */
    static PlaygroundConfig of(ObjectNode tree, Workspace workspace, PretrainedModels pretrained) {
        ObjectNode safe = tree;
        safe.put("name", NAME);
        if (safe.path("data").isObject()) {
            ObjectNode data = (ObjectNode) safe.get("data");
            for (String key : PATH_KEYS) {
                JsonNode v = data.get(key);
                if (v != null && !v.isNull()) {
                    if (!v.isString()) {
                        throw new ApiException(400, "data." + key + ": must be a path under Studio's workspace",
                                "data." + key, null);
                    }
                    data.put(key, workspace.resolve(v.stringValue(), "data." + key).toString());
                }
            }
        }
        if (safe.path("init").isObject() && safe.get("init").has("from")) {
            ObjectNode init = (ObjectNode) safe.get("init");
            JsonNode v = init.get("from");
            if (!v.isString()) {
                throw new ApiException(400, "init.from: must be " + PretrainedModels.PREFIX
                        + "NAME or a run folder under Studio's workspace", "init.from", null);
            }
            String from = v.stringValue();
            init.put("from", (from.startsWith(PretrainedModels.PREFIX) ? pretrained.resolve(from, "init.from")
                    : workspace.resolve(from, "init.from")).toString());
        }
        try {
            return new PlaygroundConfig(safe, ConfigLoader.experiment(safe, NAME, "the config"));
        } catch (ConfigException e) {
            throw problem(e);
        }
    }

    /**
     * The answer of {@code /api/config/check}: the normalized config, its YAML, each layer's output
     * shape and the parameter count. The example shape comes from the config, or, for a CSV file,
     * from reading it.
     *
     * @return the answer
     * @throws ApiException 400 naming the layer whose input does not fit, or the data file's problem
     */
    public ObjectNode describe() {
        int[] input = config.exampleShapeOrNull();
        try {
            if (input == null) {
                try (Scope scope = Scope.open("studio check")) {
                    input = DataFactory.load(config, scope).exampleShape();
                }
            }
            ObjectNode o = EventJson.object();
            o.set("config", config.normalized());
            o.put("yaml", ConfigYaml.write(config.normalized()));
            o.set("layers", PlaygroundRun.layers(config, input));
            o.put("parameters", ModelMemory.of(config.model(), input).parameters());
            return o;
        } catch (ConfigException e) {
            throw problem(e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(400, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    "data", null);
        }
    }

    /**
     * A config problem as the API's error: its message, path and, under {@code model.layers[i]}, the layer.
     *
     * @param e the problem
     * @return the 400 error
     */
    public static ApiException problem(ConfigException e) {
        String path = e.path();
        Matcher m = path == null ? null : LAYER.matcher(path);
        Integer layer = m != null && m.find() ? Integer.valueOf(m.group(1)) : null;
        return new ApiException(400, e.getMessage(), path, layer);
    }
}
