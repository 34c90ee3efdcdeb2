package dev.gatun.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One parameter's weight or gradient histogram at the latest epoch, with the first epoch's
 * outline over it so drift (weights spreading, gradients vanishing) shows at a glance.
 */
final class HistogramPlot {
    private HistogramPlot() {}

    /** Fewer values than this make no histogram worth a chart (a bias of 2, a scale of 3). */
    static final int MIN_VALUES = 16;

    /** The charts for every parameter and kind found in the latest epoch, in file order. */
    static List<Titled> charts(List<HistogramsFile.EpochHistograms> epochs) {
        return charts(epochs, List.of());
    }

    /**
     * The charts for every parameter of at least {@value #MIN_VALUES} values and kind found in the
     * latest epoch, in file order, titled with the layer's index and type ({@code layerTypes}, the
     * config's {@code model.layers[i].type}; a parameter named {@code 3.weight} is layer 3's).
     */
    static List<Titled> charts(List<HistogramsFile.EpochHistograms> epochs, List<String> layerTypes) {
        List<Titled> out = new ArrayList<>();
        if (epochs.isEmpty()) {
            return out;
        }
        HistogramsFile.EpochHistograms first = epochs.getFirst();
        HistogramsFile.EpochHistograms last = epochs.getLast();
        for (Histogram h : last.layers()) {
            if (java.util.Arrays.stream(h.counts()).sum() < MIN_VALUES) {
                continue;
            }
            Histogram before = first == last ? null : first.layers().stream()
                    .filter(b -> b.name().equals(h.name()) && b.kind().equals(h.kind())).findFirst().orElse(null);
            String title = title(h, layerTypes);
            XYChart chart = new XYChartBuilder().width(ChartPng.WIDTH / 2 + 100).height(ChartPng.HEIGHT * 3 / 4)
                    .title(title).xAxisTitle(Histogram.GRAD.equals(h.kind()) ? "gradient" : "value")
                    .yAxisTitle("count").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setChartBackgroundColor(Color.WHITE)
                    .setAntiAlias(true);
            chart.getStyler().setSeriesColors(new Color[] {new Color(31, 119, 180, 170), new Color(60, 60, 60)});
            // The latest epoch filled, the first as an outline on top, so neither hides the other.
            add(chart, "epoch " + last.epoch(), h, XYSeries.XYSeriesRenderStyle.StepArea);
            if (before != null) {
                add(chart, "epoch " + first.epoch(), before, XYSeries.XYSeriesRenderStyle.Step);
            }
            out.add(new Titled(fileName(h), title, chart));
        }
        return out;
    }

    /**
     * "Layer 0 (dense) weight", "Layer 2 (batchnorm) bias gradient": the layer's index and type and
     * the parameter's own name; the internal name as it is when it names no layer of the config.
     */
    static String title(Histogram h, List<String> layerTypes) {
        String kind = Histogram.GRAD.equals(h.kind()) ? " gradient" : "";
        int dot = h.name().indexOf('.');
        if (dot > 0 && h.name().substring(0, dot).matches("\\d{1,9}")) {
            int layer = Integer.parseInt(h.name().substring(0, dot));
            String type = layer < layerTypes.size() ? " (" + layerTypes.get(layer) + ")" : "";
            return "Layer " + layer + type + " " + h.name().substring(dot + 1) + kind;
        }
        return h.name() + (kind.isEmpty() ? " weight" : kind);
    }

    /** A chart with the PNG name it is saved under. */
    record Titled(String fileName, String title, XYChart chart) {}

    private static void add(XYChart chart, String label, Histogram h, XYSeries.XYSeriesRenderStyle style) {
        long[] counts = h.counts();
        double[] y = new double[counts.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = counts[i];
        }
        XYSeries s = chart.addSeries(label, h.binCentres(), y);
        s.setXYSeriesRenderStyle(style);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** {@code hist-<kind>-<name>.png}, with characters unsafe in file names replaced by '_'. */
    static String fileName(Histogram h) {
        return "hist-" + h.kind() + "-" + h.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
    }
}
