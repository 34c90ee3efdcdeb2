package dev.gatun.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The Markdown tables of a report: per benchmark family, one row per case and one column per
 * variant, with GFLOP/s and the fraction of the CPU's measured FMA peak where flops are counted,
 * and the speedups that matter: vector (or cpu) over scalar, and cuda over cpu.
 */
final class ReportTables {
    private ReportTables() {}

    /** Results grouped by family, then by case, then by variant, in first-seen order. */
    static Map<String, Map<String, Map<String, BenchResult>>> group(List<BenchResult> results) {
        Map<String, Map<String, Map<String, BenchResult>>> out = new LinkedHashMap<>();
        for (BenchResult r : results) {
            out.computeIfAbsent(r.family(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.caseLabel(), k -> new LinkedHashMap<>())
                    .put(r.variant(), r);
        }
        return out;
    }

    /**
     * The fp32 peak in GFLOP/s that every flop-counting figure is set against: FmaPeak's
     * all-threads result when the run measured it.
     */
    static OptionalDouble peak(List<BenchResult> results) {
        return results.stream().filter(r -> r.family().equals("FmaPeak") && r.method().equals("twoThreads"))
                .map(BenchResult::gflops).filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble)
                .findFirst();
    }

    /** One family's table. */
    static String table(String family, Map<String, Map<String, BenchResult>> cases, OptionalDouble peak) {
        Set<String> variants = new LinkedHashSet<>();
        boolean flops = false;
        for (Map<String, BenchResult> byVariant : cases.values()) {
            variants.addAll(byVariant.keySet());
            flops |= byVariant.values().stream().anyMatch(r -> r.gflops().isPresent());
        }
        List<String> vs = new ArrayList<>(variants);
        List<String[]> speedups = speedupPairs(vs);
        StringBuilder sb = new StringBuilder();
        String unit = cases.values().iterator().next().values().iterator().next().unit();
        sb.append("### ").append(family).append("\n\n");
        sb.append(flops ? "GFLOP/s (± JMH 99.9% error)" + (peak.isPresent() ? ", and % of the measured FMA peak" : "")
                : "score in " + unit + " (± JMH 99.9% error)").append("\n\n");
        sb.append("| case |");
        for (String v : vs) {
            sb.append(' ').append(v).append(" |");
        }
        for (String[] p : speedups) {
            sb.append(' ').append(p[0]).append(" / ").append(p[1]).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---:|".repeat(vs.size() + speedups.size()));
        sb.append('\n');
        for (Map.Entry<String, Map<String, BenchResult>> c : cases.entrySet()) {
            sb.append("| ").append(c.getKey()).append(" |");
            for (String v : vs) {
                BenchResult r = c.getValue().get(v);
                sb.append(' ').append(r == null ? "" : cell(r, flops, peak)).append(" |");
            }
            for (String[] p : speedups) {
                BenchResult a = c.getValue().get(p[0]);
                BenchResult b = c.getValue().get(p[1]);
                sb.append(' ').append(a == null || b == null ? "" : String.format(Locale.ROOT, "%.2f×", speedup(a, b)))
                        .append(" |");
            }
            sb.append('\n');
        }
        return sb.append('\n').toString();
    }

    /** How many times faster {@code a} is than {@code b}, whatever the mode. */
    static double speedup(BenchResult a, BenchResult b) {
        if (a.gflops().isPresent() && b.gflops().isPresent()) {
            return a.gflops().getAsDouble() / b.gflops().getAsDouble();
        }
        boolean timePerOp = a.mode().equals("avgt") || a.mode().equals("sample") || a.mode().equals("ss");
        return timePerOp ? b.score() / a.score() : a.score() / b.score();
    }

    private static String cell(BenchResult r, boolean flops, OptionalDouble peak) {
        if (flops && r.gflops().isPresent()) {
            double g = r.gflops().getAsDouble();
            // The counter's error scales like the score's.
            double err = Double.isNaN(r.error()) ? Double.NaN : g * r.error() / r.score();
            String s = format(g) + (Double.isNaN(err) ? "" : " ± " + format(err));
            return peak.isPresent() ? s + String.format(Locale.ROOT, " (%.0f%%)", 100 * g / peak.getAsDouble()) : s;
        }
        return format(r.score()) + (Double.isNaN(r.error()) ? "" : " ± " + format(r.error()));
    }

    /** The variant pairs a speedup is shown for, faster candidate first: Vector API over scalar, GPU over CPU. */
    static final List<String[]> SPEEDUP_PAIRS = List.of(
            new String[] {"vector", "scalar"}, new String[] {"cpu", "scalar"}, new String[] {"cuda", "cpu"});

    /** The pairs of {@link #SPEEDUP_PAIRS} whose both variants are present. */
    private static List<String[]> speedupPairs(List<String> vs) {
        return SPEEDUP_PAIRS.stream().filter(p -> vs.contains(p[0]) && vs.contains(p[1])).toList();
    }

    static String format(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
