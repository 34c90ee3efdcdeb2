package dev.gatun.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler;

/**
 * The report's PNG plots: for a family with a size axis, throughput against size per variant and
 * the speedup against size (where a crossover shows); for the others, bars per case and variant.
 */
final class ReportPlots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private ReportPlots() {}

    /** Writes the family's plots into {@code folder}; returns their file names. */
    static List<String> write(String family, Map<String, Map<String, BenchResult>> cases, Path folder) throws IOException {
        List<String> files = new ArrayList<>();
        Map<String, TreeMap<Double, BenchResult>> bySize = new LinkedHashMap<>();
        boolean flops = false;
        for (Map<String, BenchResult> byVariant : cases.values()) {
            for (BenchResult r : byVariant.values()) {
                if (r.size().isPresent()) {
                    bySize.computeIfAbsent(r.variant(), k -> new TreeMap<>()).put(r.size().getAsDouble(), r);
                }
                flops |= r.gflops().isPresent();
            }
        }
        String metric = flops ? "GFLOP/s" : cases.values().iterator().next().values().iterator().next().unit();
        if (bySize.values().stream().anyMatch(m -> m.size() >= 2)) {
            XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(family + ": " + metric + " by size")
                    .xAxisTitle("size").yAxisTitle(metric).build();
            chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW);
            for (Map.Entry<String, TreeMap<Double, BenchResult>> e : bySize.entrySet()) {
                List<Double> xs = new ArrayList<>(e.getValue().keySet());
                List<Double> ys = new ArrayList<>();
                for (BenchResult r : e.getValue().values()) {
                    ys.add(flops && r.gflops().isPresent() ? r.gflops().getAsDouble() : r.score());
                }
                chart.addSeries(e.getKey(), xs, ys);
            }
            files.add(save(chart, folder, family + "-by-size.png"));
            for (String[] p : ReportTables.SPEEDUP_PAIRS) {
                TreeMap<Double, BenchResult> fast = bySize.get(p[0]);
                TreeMap<Double, BenchResult> slow = bySize.get(p[1]);
                if (fast == null || slow == null) {
                    continue;
                }
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (Map.Entry<Double, BenchResult> f : fast.entrySet()) {
                    BenchResult s = slow.get(f.getKey());
                    if (s != null) {
                        xs.add(f.getKey());
                        ys.add(ReportTables.speedup(f.getValue(), s));
                    }
                }
                if (xs.size() >= 2) {
                    XYChart sp = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                            .title(family + ": " + p[0] + " / " + p[1] + " speedup by size (1 = break-even)")
                            .xAxisTitle("size").yAxisTitle("speedup ×").build();
                    sp.getStyler().setXAxisLogarithmic(true).setLegendVisible(false);
                    sp.addSeries(p[0] + "/" + p[1], xs, ys);
                    List<Double> one = new ArrayList<>();
                    xs.forEach(x -> one.add(1.0));
                    sp.addSeries("break-even", xs, one);
                    files.add(save(sp, folder, family + "-speedup-" + p[0] + "-" + p[1] + ".png"));
                }
            }
            return files;
        }
        Set<String> variants = new LinkedHashSet<>();
        cases.values().forEach(m -> variants.addAll(m.keySet()));
        if (cases.size() * variants.size() < 2) {
            return files;
        }
        CategoryChart bars = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(family + ": " + metric)
                .yAxisTitle(metric).build();
        bars.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        bars.getStyler().setXAxisLabelRotation(20);
        List<String> labels = new ArrayList<>(cases.keySet());
        for (String v : variants) {
            List<Double> ys = new ArrayList<>();
            for (String c : labels) {
                BenchResult r = cases.get(c).get(v);
                ys.add(r == null ? 0.0 : flops && r.gflops().isPresent() ? r.gflops().getAsDouble() : r.score());
            }
            bars.addSeries(v, labels, ys);
        }
        files.add(save(bars, folder, family + ".png"));
        return files;
    }

    private static String save(IChart chart, Path folder, String name) throws IOException {
        Report.writeAtomically(folder.resolve(name), ChartEncoder.getBytes(chart, "png"));
        return name;
    }
}
