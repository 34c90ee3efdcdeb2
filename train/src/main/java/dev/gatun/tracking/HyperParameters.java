package dev.gatun.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Flattens a config into hyperparameters, one per leaf: {@code optimizer.lr},
 * {@code model.layers[0].units}, {@code data.validation}. Leaves are written as JSON scalars
 * (strings without quotes); an empty object or array is its JSON text.
 */
public final class HyperParameters {
    private HyperParameters() {}

    /**
     * The leaves of {@code config}, in the config's order.
     *
     * @param config a normalized config
     * @return the leaves, by path
     */
    public static Map<String, String> flatten(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        walk(config, "", out);
        return out;
    }

    private static void walk(JsonNode node, String path, Map<String, String> out) {
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(e -> walk(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", out);
            }
        } else if (!path.isEmpty()) {
            out.put(path, node.isString() ? node.asString() : node.isNull() ? "null" : node.toString());
        }
    }

    /**
     * A hyperparameter's value as a number, when it is one.
     *
     * @param value the value as {@link #flatten} wrote it
     * @return the number, or NaN for text
     */
    public static double number(String value) {
        if (value == null || value.isBlank()) {
            return Double.NaN;
        }
        try {
            return switch (value) {
                case "true" -> 1;
                case "false" -> 0;
                default -> Double.parseDouble(value);
            };
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
