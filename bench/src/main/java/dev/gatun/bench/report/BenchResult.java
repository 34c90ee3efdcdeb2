package dev.gatun.bench.report;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One benchmark result from a JMH JSON file: which benchmark, with which parameters, and the
 * primary score with its 99.9% error, plus the secondary (aux counter) rates.
 *
 * <p>How the report reads a result: the <em>family</em> is the benchmark class without
 * "Benchmark"; the <em>variant</em> (the thing being compared: a backend, or scalar against
 * vector) is the {@code backend} parameter when the benchmark has one, else the method name;
 * the <em>case</em> is everything else (the method when the backend is a parameter, and the
 * other parameters). A {@code gflop} aux counter is GFLOP/s, since JMH reports counters per second.
 */
public record BenchResult(String benchmarkClass, String method, Map<String, String> params, String mode,
                          double score, double error, String unit, Map<String, Double> secondary) {
    public BenchResult {
        params = Map.copyOf(params);
        secondary = Map.copyOf(secondary);
    }

    /** The benchmark class's simple name without the "Benchmark" suffix, e.g. {@code Sgemm}. */
    public String family() {
        String simple = benchmarkClass.substring(benchmarkClass.lastIndexOf('.') + 1);
        return simple.endsWith("Benchmark") ? simple.substring(0, simple.length() - "Benchmark".length()) : simple;
    }

    /** The backend parameter, or the method name when there is none. */
    public String variant() {
        return params.getOrDefault("backend", method);
    }

    /** What is measured, apart from the variant: e.g. {@code shape=1024} or {@code cnn}. */
    public String caseLabel() {
        StringJoiner j = new StringJoiner(" ");
        if (params.containsKey("backend")) {
            j.add(method);
        }
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("backend")) {
                j.add(k + "=" + v);
            }
        });
        String s = j.toString();
        return s.isEmpty() ? "-" : s;
    }

    /** GFLOP/s from the {@code gflop} aux counter, when the benchmark counts flops. */
    public OptionalDouble gflops() {
        Double g = secondary.get("gflop");
        return g == null ? OptionalDouble.empty() : OptionalDouble.of(g);
    }

    /** A numeric size for plotting: the {@code shape}/{@code size} parameter when it is a plain number. */
    public OptionalDouble size() {
        for (String key : new String[] {"size", "shape", "n"}) {
            String v = params.get(key);
            if (v != null && v.matches("\\d+")) {
                return OptionalDouble.of(Double.parseDouble(v));
            }
        }
        return OptionalDouble.empty();
    }
}
