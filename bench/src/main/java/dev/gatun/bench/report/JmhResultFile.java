package dev.gatun.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Reads the JSON that JMH writes with {@code -rf json}. */
public final class JmhResultFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhResultFile() {}

    /** Every result in {@code file}; a malformed file gets an error naming the file and the problem. */
    public static List<BenchResult> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IOException(file + ": expected a JSON array of JMH results");
        }
        List<BenchResult> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            out.add(parse(file, i, root.get(i)));
        }
        return out;
    }

    private static BenchResult parse(Path file, int index, JsonNode n) throws IOException {
        String where = file + ": result " + index;
        String benchmark = text(n, "benchmark", where);
        int dot = benchmark.lastIndexOf('.');
        if (dot <= 0) {
            throw new IOException(where + ": benchmark name '" + benchmark + "' is not Class.method");
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = n.get("params");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                params.put(e.getKey(), e.getValue().asString());
            }
        }
        JsonNode primary = n.get("primaryMetric");
        if (primary == null || !primary.isObject()) {
            throw new IOException(where + ": no primaryMetric");
        }
        Map<String, Double> secondary = new LinkedHashMap<>();
        JsonNode s = n.get("secondaryMetrics");
        if (s != null && s.isObject()) {
            for (Map.Entry<String, JsonNode> e : s.properties()) {
                JsonNode score = e.getValue().get("score");
                if (score != null && score.isNumber()) {
                    secondary.put(e.getKey(), score.asDouble());
                }
            }
        }
        return new BenchResult(benchmark.substring(0, dot), benchmark.substring(dot + 1), params,
                text(n, "mode", where), number(primary, "score", where), errorOf(primary),
                text(primary, "scoreUnit", where), secondary);
    }

    private static String text(JsonNode n, String field, String where) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IOException(where + ": missing text field '" + field + "'");
        }
        return v.asString();
    }

    private static double number(JsonNode n, String field, String where) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IOException(where + ": missing number field '" + field + "'");
        }
        return v.asDouble();
    }

    // JMH writes "NaN" (a string) when a single iteration leaves no error estimate.
    private static double errorOf(JsonNode primary) {
        JsonNode v = primary.get("scoreError");
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
