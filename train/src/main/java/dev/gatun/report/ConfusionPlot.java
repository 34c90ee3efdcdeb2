package dev.gatun.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The confusion matrix as a heat map: predicted class across, true class down, counts in the
 * cells, each in a colour that reads on its cell ({@link CellText}).
 */
final class ConfusionPlot {
    private ConfusionPlot() {}

    /** Dark and light text for the cells: near-black and white. */
    static final Color DARK_TEXT = new Color(0x1A1A1A);
    static final Color LIGHT_TEXT = Color.WHITE;

    /** The heat map as PNG bytes, each count in the text colour its cell's brightness calls for. */
    static byte[] png(ConfusionMatrixFile confusion) throws IOException {
        HeatMapChart chart = chart(confusion);
        chart.getStyler().setShowValue(false);
        BufferedImage cells = draw(chart);
        chart.getStyler().setShowValue(true).setValueFontColor(DARK_TEXT);
        BufferedImage dark = draw(chart);
        chart.getStyler().setValueFontColor(LIGHT_TEXT);
        BufferedImage light = draw(chart);
        return ChartPng.encode(CellText.compose(cells, dark, light));
    }

    private static BufferedImage draw(HeatMapChart chart) {
        BufferedImage image = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            chart.paint(g, chart.getWidth(), chart.getHeight());
        } finally {
            g.dispose();
        }
        return image;
    }

    static HeatMapChart chart(ConfusionMatrixFile confusion) {
        int n = confusion.classes().size();
        // Grow with the class count so names and counts stay legible.
        int side = Math.max(500, Math.min(1400, 140 + 60 * n));
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 120).height(side).title("Confusion matrix")
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("#0")
                .setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)})
                .setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(n > 6 ? 45 : 0);
        // XChart thins out labels closer than the hint; every class needs its name.
        chart.getStyler().setXAxisTickMarkSpacingHint(10).setYAxisTickMarkSpacingHint(10);
        chart.getStyler().setValueFontColor(DARK_TEXT);
        // The y axis counts upward; list classes in reverse so the first one sits on top, as in a table.
        List<String> x = confusion.classes();
        List<String> y = new ArrayList<>(x).reversed();
        long[][] m = confusion.matrix();
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                cells.add(new Number[] {p, n - 1 - t, m[t][p]});
            }
        }
        chart.addSeries("samples", x, y, cells);
        return chart;
    }
}
