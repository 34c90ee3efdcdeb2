package dev.gatun.sweep;

import dev.gatun.config.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code params} of a sweep's search section: config paths mapped to their {@link Dimension},
 * <pre>
 * optimizer.lr: {type: loguniform, low: 1.0e-4, high: 0.1}
 * optimizer.weight_decay: {type: uniform, low: 0, high: 0.01}
 * model.layers[0].units: {type: int, low: 8, high: 128, log: true}
 * model.layers[1].type: {type: categorical, values: [relu, tanh]}
 * training.batch: [16, 32, 64]        # a list is categorical
 * </pre>
 * The short forms of random search ({@code {log_uniform: [a, b]}}, {@code {uniform: [a, b]}},
 * {@code {int: [a, b]}}) mean the same.
 *
 * @param dimensions each searched config path's range, in the order given
 */
public record SearchParams(Map<String, Dimension> dimensions) {
    private static final List<String> TYPES = List.of("uniform", "loguniform", "int", "categorical");

    /** Copies the map, keeping its order. */
    public SearchParams {
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    }

    /**
     * Parses a {@code params} mapping.
     *
     * @param params the mapping of config paths to ranges
     * @param where its path in the config, e.g. {@code search.params}
     * @return the parsed ranges
     * @throws ConfigException naming the parameter and what is wrong with its range
     */
    public static SearchParams parse(JsonNode params, String where) {
        if (params == null || !params.isObject() || params.isEmpty()) {
            throw new ConfigException(where, "must map at least one config path to its range, e.g. "
                    + "{optimizer.lr: {type: loguniform, low: 1.0e-4, high: 0.1}}");
        }
        Map<String, Dimension> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : params.properties()) {
            out.put(e.getKey(), dimension(e.getValue(), where + "." + e.getKey()));
        }
        return new SearchParams(out);
    }

    /**
     * One parameter's range.
     *
     * @param spec a list of values, or a {@code {type: ...}} mapping, or a short form
     * @param where the parameter's path in the config, for messages
     * @return the range
     * @throws ConfigException naming {@code where}
     */
    public static Dimension dimension(JsonNode spec, String where) {
        if (spec.isArray()) {
            return categorical(spec, where);
        }
        if (!spec.isObject()) {
            throw new ConfigException(where, "expected a list of values or {type: uniform|loguniform|int|categorical,"
                    + " ...}, got " + SearchKeys.kind(spec));
        }
        if (!spec.has("type") && spec.size() == 1) {
            return shortForm(spec, where);
        }
        SearchKeys k = SearchKeys.of(spec, where, Set.of("type", "low", "high", "log", "values"));
        String type = k.choice("type", null, TYPES);
        List<String> allowed = switch (type) {
            case "uniform", "loguniform" -> List.of("type", "low", "high");
            case "int" -> List.of("type", "low", "high", "log");
            default -> List.of("type", "values");
        };
        for (String key : spec.propertyNames()) {
            if (!allowed.contains(key)) {
                throw k.error(key, "not a key of type " + type + " (its keys: " + String.join(", ", allowed) + ")");
            }
        }
        return switch (type) {
            case "uniform" -> real(k.number("low"), k.number("high"), false, where);
            case "loguniform" -> real(k.number("low"), k.number("high"), true, where);
            case "int" -> integer(k.whole("low"), k.whole("high"), k.flag("log", false), where);
            default -> {
                if (!k.has("values")) {
                    throw k.error("values", "is required: the list of values to choose from");
                }
                yield categorical(spec.get("values"), k.path("values"));
            }
        };
    }

    private static Dimension shortForm(JsonNode spec, String where) {
        String kind = spec.propertyNames().iterator().next();
        JsonNode range = spec.get(kind);
        String at = where + "." + kind;
        if (!List.of("uniform", "log_uniform", "int").contains(kind)) {
            throw new ConfigException(at, "unknown range (use {type: uniform|loguniform|int|categorical, ...})");
        }
        boolean integral = kind.equals("int");
        if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()
                || integral && !(range.get(0).isIntegralNumber() && range.get(1).isIntegralNumber())) {
            throw new ConfigException(at, "expected [low, high] with two " + (integral ? "whole numbers" : "numbers")
                    + ", got " + SearchKeys.kind(range));
        }
        return integral ? integer(range.get(0).longValue(), range.get(1).longValue(), false, at)
                : real(range.get(0).asDouble(), range.get(1).asDouble(), kind.equals("log_uniform"), at);
    }

    private static Dimension real(double low, double high, boolean log, String where) {
        if (!Double.isFinite(low) || !Double.isFinite(high) || !(low < high)) {
            throw new ConfigException(where, "needs low < high, got low " + low + ", high " + high);
        }
        if (log && !(low > 0)) {
            throw new ConfigException(where, "a log scale needs 0 < low, got low " + low);
        }
        return new Dimension.Real(low, high, log);
    }

    private static Dimension integer(long low, long high, boolean log, String where) {
        if (low > high) {
            throw new ConfigException(where, "needs low <= high, got low " + low + ", high " + high);
        }
        if (log && low < 1) {
            throw new ConfigException(where, "a log scale needs 1 <= low, got low " + low);
        }
        if (high - low > 1L << 40) {
            throw new ConfigException(where, "the range [" + low + ", " + high + "] is too wide to search");
        }
        return new Dimension.Int(low, high, log);
    }

    private static Dimension categorical(JsonNode values, String where) {
        if (!values.isArray() || values.isEmpty()) {
            throw new ConfigException(where, "must list at least one value, got " + SearchKeys.kind(values));
        }
        List<JsonNode> list = new ArrayList<>();
        Set<JsonNode> seen = new java.util.HashSet<>();
        for (JsonNode v : values) {
            if (!seen.add(v)) {
                throw new ConfigException(where, "lists " + v + " twice");
            }
            list.add(v);
        }
        return new Dimension.Categorical(list);
    }
}
