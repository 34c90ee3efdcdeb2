package dev.gatun.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hyperparameter search over a config: its {@code search} section names config paths and the
 * values to try,
 * <pre>
 * search: {method: grid, params: {"optimizer.lr": [0.01, 0.001], "model.layers[0].units": [64, 128]}}
 * search: {method: random, trials: 8, seed: 1, params: {"optimizer.lr": {log_uniform: [1e-4, 1e-1]}}}
 * </pre>
 * Grid takes every combination (the first parameter varying slowest); random draws {@code trials}
 * combinations, seeded, from lists (uniformly) or from {@code {uniform: [a, b]}},
 * {@code {log_uniform: [a, b]}} and {@code {int: [a, b]}} (both ends included), or the
 * {@code {type: uniform|loguniform|int|categorical, ...}} ranges of {@link dev.gatun.sweep.SearchParams}. Each trial is the
 * config without {@code search}, the values set, and its name suffixed with them
 * ({@code spirals-lr0.01-units64}).
 */
public final class SearchSpace {
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
    private static final MathContext DRAWN_DIGITS = new MathContext(4);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SearchSpace() {}

    /** One searched parameter: its config path and either the values to try or a distribution. */
    private record Param(String path, String where, List<JsonNode> values, String distribution, double lo, double hi) {}

    /**
     * The trials of a config tree with a {@code search} section, each validated; {@code defaultName}
     * names the config when it has no {@code name}.
     *
     * @param tree the config tree with a {@code search} section
     * @param defaultName the name to use when the tree has none
     * @return one validated config per trial
     * @throws ConfigException for a bad search section (path {@code search...}), a path that is not in
     *     the config, or a trial that is not a valid config (its path, and the trial's values)
     */
    public static List<ExperimentConfig> expand(JsonNode tree, String defaultName) {
        List<ExperimentConfig> out = new ArrayList<>();
        for (ObjectNode trial : trees(tree, defaultName)) {
            try {
                out.add(ExperimentConfig.from(trial, defaultName));
            } catch (ConfigException e) {
                String in = " (in search trial " + trial.get("name").stringValue() + ")";
                // Every problem of the trial, each naming it.
                throw ConfigException.of(e.problems().stream()
                        .map(p -> new ConfigException(p.path(), p.problem() + in, p)).toList());
            }
        }
        return out;
    }

    /**
     * The concrete config trees of the trials, unvalidated beyond the search section and the paths.
     *
     * @param tree the config tree with a {@code search} section
     * @param defaultName the name to use when the tree has none
     * @return one config tree per trial
     */
    public static List<ObjectNode> trees(JsonNode tree, String defaultName) {
        ConfigNode root = ConfigNode.root(tree, defaultName);
        ConfigNode search = root.object("search");
        if (dev.gatun.sweep.SweepSettings.isSweep(tree)) {
            throw search.error("method", "a sweep (method: tpe, or a pruner) proposes its trials as it runs and cannot"
                    + " be expanded up front; run it with gatun train (dev.gatun.sweep.Sweep)");
        }
        search.allowKeys("method", "trials", "seed", "params");
        String method = search.choice("method", "grid", List.of("grid", "random"));
        int trials = method.equals("random") ? search.positiveInt("trials") : 1;
        if (method.equals("grid") && search.has("trials")) {
            throw search.error("trials", "grid search tries every combination; trials is for random");
        }
        long seed = search.longValue("seed", tree.path("seed").canConvertToLong() && tree.path("seed").isIntegralNumber()
                ? tree.get("seed").longValue() : 42);
        JsonNode paramsNode = tree.get("search").get("params");
        if (paramsNode == null || !paramsNode.isObject() || paramsNode.isEmpty()) {
            throw search.error("params", "must map at least one config path to the values to try");
        }
        ObjectNode base = ((ObjectNode) tree).deepCopy();
        base.remove("search");
        List<Param> params = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : paramsNode.properties()) {
            Param p = param(e.getKey(), e.getValue(), method);
            set(base.deepCopy(), p.path(), p.values().isEmpty() ? NODES.numberNode(p.lo()) : p.values().getFirst(), p.where());
            params.add(p);
        }
        String name = tree.path("name").isString() ? tree.get("name").stringValue() : defaultName;
        List<List<JsonNode>> combinations = method.equals("grid") ? grid(params) : random(params, trials, seed);
        List<ObjectNode> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (List<JsonNode> values : combinations) {
            ObjectNode trial = base.deepCopy();
            StringBuilder trialName = new StringBuilder(name);
            for (int i = 0; i < params.size(); i++) {
                set(trial, params.get(i).path(), values.get(i), params.get(i).where());
                trialName.append('-').append(lastKey(params.get(i).path())).append(text(values.get(i)));
            }
            String unique = trialName.toString().replaceAll("[^A-Za-z0-9._=+-]", "_");
            int n = seen.merge(unique, 1, Integer::sum);
            trial.put("name", n == 1 ? unique : unique + "-" + n);
            out.add(trial);
        }
        return out;
    }

    private static Param param(String path, JsonNode spec, String method) {
        String where = "search.params." + path;
        if (spec.isArray()) {
            if (spec.isEmpty()) {
                throw new ConfigException(where, "must list at least one value");
            }
            List<JsonNode> values = new ArrayList<>();
            spec.forEach(values::add);
            return new Param(path, where, values, null, 0, 0);
        }
        if (method.equals("random") && spec.isObject() && spec.has("type")) {
            return switch (dev.gatun.sweep.SearchParams.dimension(spec, where)) {
                case dev.gatun.sweep.Dimension.Categorical c -> new Param(path, where, c.values(), null, 0, 0);
                case dev.gatun.sweep.Dimension.Real r -> new Param(path, where, List.of(), r.log() ? "log_uniform"
                        : "uniform", r.low(), r.high());
                case dev.gatun.sweep.Dimension.Int i -> new Param(path, where, List.of(), i.log() ? "int_log" : "int",
                        i.low(), i.high());
            };
        }
        String usage = "expected a list of values" + (method.equals("random")
                ? " or one of {uniform: [a, b]}, {log_uniform: [a, b]}, {int: [a, b]}" : "") + ", got "
                + ConfigNode.kind(spec);
        if (method.equals("grid") || !spec.isObject() || spec.size() != 1) {
            throw new ConfigException(where, usage);
        }
        String kind = spec.propertyNames().iterator().next();
        if (!List.of("uniform", "log_uniform", "int").contains(kind)) {
            throw new ConfigException(where + "." + kind, "unknown distribution (known: uniform, log_uniform, int)");
        }
        JsonNode range = spec.get(kind);
        boolean integral = kind.equals("int");
        if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()
                || integral && !(range.get(0).isIntegralNumber() && range.get(1).isIntegralNumber())) {
            throw new ConfigException(where + "." + kind, "expected [a, b] with two " + (integral ? "integers" : "numbers")
                    + ", got " + ConfigNode.kind(range));
        }
        double lo = ConfigNode.doubleOf(range.get(0));
        double hi = ConfigNode.doubleOf(range.get(1));
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new ConfigException(where + "." + kind, "expected [a, b] with two finite numbers, got "
                    + ConfigNode.kind(range));
        }
        if (!(lo < hi) && !(integral && lo == hi) || kind.equals("log_uniform") && !(lo > 0)) {
            throw new ConfigException(where + "." + kind, "needs " + (kind.equals("log_uniform") ? "0 < a < b" : "a < b")
                    + ", got [" + range.get(0) + ", " + range.get(1) + "]");
        }
        return new Param(path, where, List.of(), kind, lo, hi);
    }

    private static List<List<JsonNode>> grid(List<Param> params) {
        List<List<JsonNode>> out = new ArrayList<>();
        out.add(List.of());
        for (Param p : params) {
            List<List<JsonNode>> next = new ArrayList<>();
            for (List<JsonNode> prefix : out) {
                for (JsonNode v : p.values()) {
                    List<JsonNode> row = new ArrayList<>(prefix);
                    row.add(v);
                    next.add(row);
                }
            }
            out = next;
        }
        return out;
    }

    private static List<List<JsonNode>> random(List<Param> params, int trials, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<JsonNode>> out = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            List<JsonNode> row = new ArrayList<>();
            for (Param p : params) {
                if (p.distribution() == null) {
                    row.add(p.values().get(rng.nextInt(p.values().size())));
                    continue;
                }
                row.add(switch (p.distribution()) {
                    case "int" -> NODES.numberNode(rng.nextLong((long) p.lo(), (long) p.hi() + 1));
                    case "int_log" -> new dev.gatun.sweep.Dimension.Int((long) p.lo(), (long) p.hi(), true).draw(rng);
                    case "log_uniform" -> rounded(Math.exp(rng.nextDouble(Math.log(p.lo()), Math.log(p.hi()))));
                    default -> rounded(rng.nextDouble(p.lo(), p.hi()));
                });
            }
            out.add(row);
        }
        return out;
    }

    /** A drawn number to 4 significant digits, so the trial's name shows exactly the value it used. */
    private static JsonNode rounded(double v) {
        return NODES.numberNode(new BigDecimal(v).round(DRAWN_DIGITS).doubleValue());
    }

    /**
     * Sets the value at a config path; every step but a final key must already exist.
     *
     * @param root the config tree, changed in place
     * @param path the config path, e.g. {@code optimizer.lr} or {@code model.layers[0].units}
     * @param value the value to put there (copied)
     * @param where what sets it, for messages (e.g. {@code search.params.optimizer.lr})
     * @throws ConfigException naming {@code where} when the path is malformed or not in the config
     */
    public static void set(ObjectNode root, String path, JsonNode value, String where) {
        String[] segments = path.split("\\.", -1);
        JsonNode node = root;
        String at = "";
        for (int s = 0; s < segments.length; s++) {
            Matcher m = SEGMENT.matcher(segments[s]);
            if (!m.matches()) {
                throw new ConfigException(where, "not a config path: '" + segments[s]
                        + "' is not a key optionally followed by [index]");
            }
            String key = m.group(1);
            List<Integer> indices = new ArrayList<>();
            Matcher im = INDEX.matcher(m.group(2));
            while (im.find()) {
                if (im.group(1).length() > 9) {
                    throw new ConfigException(where, "index [" + im.group(1) + "] of '" + key + "' is beyond any list");
                }
                indices.add(Integer.parseInt(im.group(1)));
            }
            if (!node.isObject()) {
                throw new ConfigException(where, (at.isEmpty() ? "the config" : at) + " is not a mapping");
            }
            String keyPath = at.isEmpty() ? key : at + "." + key;
            boolean last = s == segments.length - 1;
            if (last && indices.isEmpty()) {
                ((ObjectNode) node).set(key, value.deepCopy());
                return;
            }
            JsonNode next = node.get(key);
            if (next == null || next.isNull()) {
                List<String> keys = new ArrayList<>(node.propertyNames());
                String close = ConfigNode.closest(key, keys);
                throw new ConfigException(where, "no '" + keyPath + "' in the config"
                        + (close == null ? "" : " (did you mean '" + (at.isEmpty() ? close : at + "." + close) + "'?)"));
            }
            at = keyPath;
            for (int k = 0; k < indices.size(); k++) {
                int index = indices.get(k);
                if (!next.isArray()) {
                    throw new ConfigException(where, at + " is not a list");
                }
                if (index >= next.size()) {
                    throw new ConfigException(where, at + " has " + next.size() + " entries, no [" + index + "]");
                }
                if (last && k == indices.size() - 1) {
                    ((ArrayNode) next).set(index, value.deepCopy());
                    return;
                }
                next = next.get(index);
                at = at + "[" + index + "]";
            }
            node = next;
        }
    }

    private static String lastKey(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }

    private static String text(JsonNode v) {
        return v.isString() ? v.stringValue() : v.toString();
    }
}
