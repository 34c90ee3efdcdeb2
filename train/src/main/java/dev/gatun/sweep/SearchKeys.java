package dev.gatun.sweep;

import dev.gatun.config.ConfigException;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Reads the keys of one mapping of a search section, with errors naming the key's full path. */
record SearchKeys(JsonNode node, String where) {
    /**
     * The mapping at {@code where}, refusing keys outside {@code allowed}.
     *
     * @throws ConfigException when {@code node} is not a mapping or has an unknown key
     */
    static SearchKeys of(JsonNode node, String where, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(where, "expected a mapping, got " + kind(node));
        }
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(where + "." + key, "unknown key (known: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
        return new SearchKeys(node, where);
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    String path(String key) {
        return where + "." + key;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(path(key), problem);
    }

    double number(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "is required");
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error(key, "expected a finite number, got " + kind(v));
        }
        return v.asDouble();
    }

    long whole(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(key, "expected a whole number, got " + kind(v));
        }
        return v.longValue();
    }

    int count(String key, int fallback, int min) {
        if (!has(key)) {
            return fallback;
        }
        long v = whole(key);
        if (v < min || v > 1_000_000) {
            throw error(key, "must be between " + min + " and 1000000, got " + v);
        }
        return (int) v;
    }

    boolean flag(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(key, "expected true or false, got " + kind(v));
        }
        return v.booleanValue();
    }

    String choice(String key, String fallback, List<String> known) {
        if (!has(key)) {
            if (fallback == null) {
                throw error(key, "is required (one of " + String.join(", ", known) + ")");
            }
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.isString() || !known.contains(v.stringValue())) {
            throw error(key, "expected one of " + String.join(", ", known) + ", got " + (v.isString()
                    ? "'" + v.stringValue() + "'" : kind(v)));
        }
        return v.stringValue();
    }

    static String kind(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.isString() ? "'" + n.stringValue() + "'" : n.toString();
    }
}
