package dev.gatun.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One object of a config tree being read, with its path ({@code model.layers[2]}) so every error
 * names where it is. Each typed read also records the value it settled on (the given one, or the
 * default) in a parallel tree, so reading a whole config yields its normalized form: every
 * option spelled out, the same for the same experiment however it was written.
 *
 * <p>A root made by {@link #collectingRoot} reads on past a wrong value: the value's problem is
 * recorded in its {@link ConfigProblems} and its default is used, so that one reading reports
 * every problem; a root made by {@link #root} throws at the first.
 */
final class ConfigNode {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String path;
    private final JsonNode source;
    private final ObjectNode normalized;
    // Null: throw at the first problem.
    private final ConfigProblems problems;

    private ConfigNode(String path, JsonNode source, ObjectNode normalized, ConfigProblems problems) {
        this.path = path;
        this.source = source;
        this.normalized = normalized;
        this.problems = problems;
    }

    /** The root of a config: it must be an object. */
    static ConfigNode root(JsonNode tree, String what) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(what, "the config must be a mapping of keys to values, got "
                    + (tree == null ? "nothing" : kind(tree)));
        }
        return new ConfigNode("", tree, NODES.objectNode(), null);
    }

    /** The root of a config that records its problems in {@code problems} and reads on. */
    static ConfigNode collectingRoot(JsonNode tree, String what, ConfigProblems problems) {
        ConfigNode strict = root(tree, what);
        return new ConfigNode("", strict.source, strict.normalized, problems);
    }

    /**
     * {@code read}'s value; when it fails with a config problem and this node collects them, the
     * problem is recorded and {@code fallback} returned. A failure that follows from a problem
     * already recorded (a default that a later check cannot use) is not reported again.
     */
    <T> T attempt(Supplier<T> read, T fallback) {
        try {
            return read.get();
        } catch (ConfigException e) {
            if (problems == null) {
                throw e;
            }
            problems.add(e);
            return fallback;
        } catch (RuntimeException e) {
            if (problems == null || !problems.any()) {
                throw e;
            }
            return fallback;
        }
    }

    /** Records {@code e}, or throws it when this node does not collect problems. */
    void report(ConfigException e) {
        if (problems == null) {
            throw e;
        }
        problems.add(e);
    }

    /** This object's path; empty at the root. */
    String path() {
        return path;
    }

    /** The path of one of this object's keys. */
    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The values read so far, defaults filled in. */
    ObjectNode normalized() {
        return normalized;
    }

    /** An error about the value under {@code key}. */
    ConfigException error(String key, String problem) {
        return new ConfigException(pathOf(key), problem);
    }

    /** An error about this object as a whole. */
    ConfigException error(String problem) {
        return new ConfigException(path.isEmpty() ? "config" : path, problem);
    }

    /** Rejects every key not in {@code allowed}, suggesting the closest allowed one. */
    void allowKeys(String... allowed) {
        List<String> known = Arrays.asList(allowed);
        for (String key : source.propertyNames()) {
            if (!known.contains(key)) {
                String close = closest(key, known);
                report(error(key, "unknown key" + (close == null ? " (known: " + String.join(", ", known) + ")"
                        : " (did you mean '" + close + "'?)")));
            }
        }
    }

    /** True when {@code key} is present and not null. */
    boolean has(String key) {
        JsonNode v = source.get(key);
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    /** A required integer. */
    int integer(String key) {
        return attempt(() -> integerOrThrow(key), 0);
    }

    private int integerOrThrow(String key) {
        require(key);
        return integer(key, 0);
    }

    /** An integer, or {@code fallback} when absent. */
    int integer(String key, int fallback) {
        return attempt(() -> integerOrThrow(key, fallback), fallback);
    }

    private int integerOrThrow(String key, int fallback) {
        int v = fallback;
        if (has(key)) {
            JsonNode n = source.get(key);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw error(key, "expected an integer, got " + kind(n));
            }
            v = n.intValue();
        }
        normalized.put(key, v);
        return v;
    }

    /** An integer > 0, or {@code fallback} when absent. */
    int positiveInt(String key, int fallback) {
        return attempt(() -> positiveIntOrThrow(key, fallback), fallback);
    }

    private int positiveIntOrThrow(String key, int fallback) {
        int v = integer(key, fallback);
        if (v <= 0) {
            throw error(key, "must be > 0");
        }
        return v;
    }

    /** A required integer > 0. */
    int positiveInt(String key) {
        return attempt(() -> positiveIntOrThrow(key), 0);
    }

    private int positiveIntOrThrow(String key) {
        require(key);
        return positiveInt(key, 0);
    }

    /** An integer >= 0, or {@code fallback} when absent. */
    int nonNegativeInt(String key, int fallback) {
        return attempt(() -> nonNegativeIntOrThrow(key, fallback), fallback);
    }

    private int nonNegativeIntOrThrow(String key, int fallback) {
        int v = integer(key, fallback);
        if (v < 0) {
            throw error(key, "must be >= 0");
        }
        return v;
    }

    /**
     * An integer, or {@code fallback} when absent, recorded in the normalized tree only when it is
     * not {@code fallback}: for keys that most configs never set ({@code training.folds}).
     */
    int optionalInt(String key, int fallback) {
        int v = integer(key, fallback);
        if (v == fallback) {
            normalized.remove(key);
        }
        return v;
    }

    /** A long (seeds), or {@code fallback} when absent. */
    long longValue(String key, long fallback) {
        return attempt(() -> longValueOrThrow(key, fallback), fallback);
    }

    private long longValueOrThrow(String key, long fallback) {
        long v = fallback;
        if (has(key)) {
            JsonNode n = source.get(key);
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw error(key, "expected an integer, got " + kind(n));
            }
            v = n.longValue();
        }
        normalized.put(key, v);
        return v;
    }

    /** A required finite number. */
    double number(String key) {
        return attempt(() -> numberOrThrow(key), 0.0);
    }

    private double numberOrThrow(String key) {
        require(key);
        return number(key, 0);
    }

    /** A finite number, or {@code fallback} when absent. */
    double number(String key, double fallback) {
        return attempt(() -> numberOrThrow(key, fallback), fallback);
    }

    private double numberOrThrow(String key, double fallback) {
        double v = fallback;
        if (has(key)) {
            v = asNumber(pathOf(key), source.get(key));
        }
        normalized.put(key, v);
        return v;
    }

    /** A number >= 0, or {@code fallback} when absent. */
    double nonNegative(String key, double fallback) {
        return attempt(() -> nonNegativeOrThrow(key, fallback), fallback);
    }

    private double nonNegativeOrThrow(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v >= 0)) {
            throw error(key, "must be >= 0");
        }
        return v;
    }

    /** A number > 0, or {@code fallback} when absent. */
    double positive(String key, double fallback) {
        return attempt(() -> positiveOrThrow(key, fallback), fallback);
    }

    private double positiveOrThrow(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v > 0)) {
            throw error(key, "must be > 0");
        }
        return v;
    }

    /** A required number > 0. */
    double positive(String key) {
        return attempt(() -> positiveOrThrow(key), 0.0);
    }

    private double positiveOrThrow(String key) {
        require(key);
        return positive(key, 0);
    }

    /** A number >= 0, or NaN (recorded as null) when absent or null. */
    double optionalNonNegative(String key) {
        if (!has(key)) {
            normalized.putNull(key);
            return Double.NaN;
        }
        return nonNegative(key, 0);
    }

    /** A boolean, or {@code fallback} when absent. */
    boolean bool(String key, boolean fallback) {
        return attempt(() -> boolOrThrow(key, fallback), fallback);
    }

    private boolean boolOrThrow(String key, boolean fallback) {
        boolean v = fallback;
        if (has(key)) {
            JsonNode n = source.get(key);
            if (!n.isBoolean()) {
                throw error(key, "expected true or false, got " + kind(n));
            }
            v = n.booleanValue();
        }
        normalized.put(key, v);
        return v;
    }

    /**
     * A boolean, or {@code fallback} when absent, recorded in the normalized tree only when it is
     * not {@code fallback}: for keys that most configs never set ({@code trainable}), so that the
     * {@code config.json} of those configs stays as it was.
     */
    boolean flag(String key, boolean fallback) {
        boolean v = bool(key, fallback);
        if (v == fallback) {
            normalized.remove(key);
        }
        return v;
    }

    /** A string, or {@code fallback} (which may be null) when absent. */
    String string(String key, String fallback) {
        return attempt(() -> stringOrThrow(key, fallback), fallback);
    }

    private String stringOrThrow(String key, String fallback) {
        String v = fallback;
        if (has(key)) {
            JsonNode n = source.get(key);
            if (!n.isString() || n.stringValue().isBlank()) {
                throw error(key, "expected a non-empty string, got " + kind(n));
            }
            v = n.stringValue();
        }
        if (v == null) {
            normalized.putNull(key);
        } else {
            normalized.put(key, v);
        }
        return v;
    }

    /** A required string. */
    String string(String key) {
        require(key);
        return string(key, null);
    }

    /** One of {@code known}, or {@code fallback} when absent. */
    String choice(String key, String fallback, List<String> known) {
        String v = string(key, fallback);
        if (v == null) {
            throw error(key, "missing (one of: " + String.join(", ", known) + ")");
        }
        if (!known.contains(v)) {
            throw error(key, "unknown '" + v + "' (known: " + String.join(", ", known) + ")");
        }
        return v;
    }

    /** An int or a list of {@code count} ints (a single int is repeated), or {@code fallback} when absent. */
    int[] ints(String key, int count, int[] fallback) {
        return attempt(() -> intsOrThrow(key, count, fallback), fallback);
    }

    private int[] intsOrThrow(String key, int count, int[] fallback) {
        int[] v = fallback;
        if (has(key)) {
            JsonNode n = source.get(key);
            if (n.isIntegralNumber() && n.canConvertToInt()) {
                v = new int[count];
                Arrays.fill(v, n.intValue());
            } else if (n.isArray() && n.size() == count) {
                v = new int[count];
                for (int i = 0; i < count; i++) {
                    JsonNode e = n.get(i);
                    if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                        throw new ConfigException(pathOf(key) + "[" + i + "]", "expected an integer, got " + kind(e));
                    }
                    v[i] = e.intValue();
                }
            } else {
                throw error(key, "expected an integer or a list of " + count + " integers, got " + kind(n));
            }
        }
        putInts(key, v);
        return v;
    }

    /** A list of ints of any length, or null (recorded as null) when absent. */
    int[] intList(String key) {
        return attempt(() -> intListOrThrow(key), null);
    }

    private int[] intListOrThrow(String key) {
        if (!has(key)) {
            normalized.putNull(key);
            return null;
        }
        JsonNode n = source.get(key);
        if (!n.isArray() || n.isEmpty()) {
            throw error(key, "expected a non-empty list of integers, got " + kind(n));
        }
        int[] v = new int[n.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new ConfigException(pathOf(key) + "[" + i + "]", "expected an integer, got " + kind(e));
            }
            v[i] = e.intValue();
        }
        putInts(key, v);
        return v;
    }

    /** A list of exactly {@code count} numbers, or {@code fallback} when absent. */
    double[] numbers(String key, int count, double[] fallback) {
        return attempt(() -> numbersOrThrow(key, count, fallback), fallback);
    }

    private double[] numbersOrThrow(String key, int count, double[] fallback) {
        double[] v = fallback;
        if (has(key)) {
            JsonNode n = source.get(key);
            if (!n.isArray() || n.size() != count) {
                throw error(key, "expected a list of " + count + " numbers, got " + kind(n));
            }
            v = new double[count];
            for (int i = 0; i < count; i++) {
                v[i] = asNumber(pathOf(key) + "[" + i + "]", n.get(i));
            }
        }
        ArrayNode a = normalized.putArray(key);
        for (double d : v) {
            a.add(d);
        }
        return v;
    }

    /**
     * Layer indices into a list of {@code count} layers, or an empty list when absent: an integer,
     * the word {@code last} (which means index {@code last}), or a list of them; a negative index
     * counts from the end (-1 is the last layer). Recorded as the ascending list of indices it
     * resolves to.
     */
    List<Integer> layerIndices(String key, int count, int last) {
        java.util.TreeSet<Integer> v = new java.util.TreeSet<>();
        if (has(key)) {
            JsonNode n = source.get(key);
            List<JsonNode> items = new ArrayList<>();
            if (n.isArray()) {
                n.forEach(items::add);
            } else {
                items.add(n);
            }
            for (int i = 0; i < items.size(); i++) {
                String at = n.isArray() ? pathOf(key) + "[" + i + "]" : pathOf(key);
                JsonNode e = items.get(i);
                int index;
                if (e.isString() && e.stringValue().equals("last")) {
                    index = last;
                } else if (e.isIntegralNumber() && e.canConvertToInt()) {
                    index = e.intValue() < 0 ? count + e.intValue() : e.intValue();
                    if (index < 0 || index >= count) {
                        throw new ConfigException(at, "layer " + e.intValue() + " is out of range: model.layers has "
                                + count + " layers (0 to " + (count - 1) + ", or -1 for the last)");
                    }
                } else {
                    throw new ConfigException(at, "expected a layer index or 'last', got " + kind(e));
                }
                v.add(index);
            }
        }
        ArrayNode a = normalized.putArray(key);
        v.forEach(a::add);
        return List.copyOf(v);
    }

    /** A list of strings, or an empty list when absent; a single string is a list of one. */
    List<String> strings(String key) {
        return attempt(() -> stringsOrThrow(key), new ArrayList<>());
    }

    private List<String> stringsOrThrow(String key) {
        List<String> v = new ArrayList<>();
        if (has(key)) {
            JsonNode n = source.get(key);
            if (n.isString()) {
                v.add(n.stringValue());
            } else if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    JsonNode e = n.get(i);
                    if (!e.isString()) {
                        throw new ConfigException(pathOf(key) + "[" + i + "]", "expected a string, got " + kind(e));
                    }
                    v.add(e.stringValue());
                }
            } else {
                throw error(key, "expected a list of strings, got " + kind(n));
            }
        }
        ArrayNode a = normalized.putArray(key);
        v.forEach(a::add);
        return v;
    }

    /** A required nested object. */
    ConfigNode object(String key) {
        require(key);
        return optionalObject(key);
    }

    /** A nested object, or null (recorded as null) when absent or null. */
    ConfigNode optionalObject(String key) {
        if (!has(key)) {
            normalized.putNull(key);
            return null;
        }
        JsonNode n = source.get(key);
        if (!n.isObject()) {
            throw error(key, "expected a mapping of keys to values, got " + kind(n));
        }
        return new ConfigNode(pathOf(key), n, normalized.putObject(key), problems);
    }

    /** A nested object, or an empty one when absent or null, so that its defaults apply and are recorded. */
    ConfigNode objectOrEmpty(String key) {
        ConfigNode n = optionalObject(key);
        return n != null ? n : new ConfigNode(pathOf(key), NODES.objectNode(), normalized.putObject(key), problems);
    }

    /** A list of objects, or an empty list when absent. */
    List<ConfigNode> objects(String key) {
        List<ConfigNode> v = new ArrayList<>();
        ArrayNode a = normalized.putArray(key);
        if (!has(key)) {
            return v;
        }
        JsonNode n = source.get(key);
        if (!n.isArray()) {
            throw error(key, "expected a list, got " + kind(n));
        }
        for (int i = 0; i < n.size(); i++) {
            String p = pathOf(key) + "[" + i + "]";
            JsonNode e = n.get(i);
            if (!e.isObject()) {
                throw new ConfigException(p, "expected a mapping of keys to values, got " + kind(e));
            }
            v.add(new ConfigNode(p, e, a.addObject(), problems));
        }
        return v;
    }

    private void require(String key) {
        if (!has(key)) {
            throw error(key, "missing");
        }
    }

    private void putInts(String key, int[] v) {
        if (v == null) {
            normalized.putNull(key);
            return;
        }
        ArrayNode a = normalized.putArray(key);
        for (int i : v) {
            a.add(i);
        }
    }

    private static double asNumber(String path, JsonNode n) {
        double v = doubleOf(n);
        if (!Double.isFinite(v)) {
            throw new ConfigException(path, "expected a number, got " + kind(n));
        }
        return v;
    }

    /**
     * A JSON number as a double: ±Infinity past a double's range when written with a fraction or
     * exponent, NaN for an integer past it (Jackson cannot convert one) and for a non-number.
     */
    static double doubleOf(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.doubleValueOpt().orElse(Double.NaN);
    }

    /** How a value reads in an error message: {@code "abc"}, {@code 3}, {@code a list}. */
    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "nothing";
        }
        if (n.isString()) {
            return "'" + n.stringValue() + "'";
        }
        if (n.isArray()) {
            return "a list of " + n.size();
        }
        if (n.isObject()) {
            return "a mapping";
        }
        return n.toString();
    }

    /** The allowed key closest to a misspelt one (at most 2 edits away), or null. */
    static String closest(String key, List<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
