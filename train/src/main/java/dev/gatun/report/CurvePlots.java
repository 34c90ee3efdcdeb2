package dev.gatun.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts of metrics over epochs. Points that were not measured (NaN) are left out rather
 * than drawn as zeros, and a chart with nothing measured is not made at all.
 */
final class CurvePlots {
    /** One labelled line; only its finite points are drawn. */
    record Curve(String label, double[] x, double[] y) {}

    private CurvePlots() {}

    /** Train and validation loss on one chart. */
    static Optional<XYChart> loss(RunMetrics m) {
        return chart("Loss", "loss", false, List.of(curve("train", m, "train_loss"), curve("validation", m, "val_loss")));
    }

    /** Train and validation accuracy on one chart; empty for regression, which has none. */
    static Optional<XYChart> accuracy(RunMetrics m) {
        return chart("Accuracy", "accuracy", false,
                List.of(curve("train", m, "train_accuracy"), curve("validation", m, "val_accuracy")));
    }

    /** The learning rate each epoch ran with, on a log axis when it spans more than a decade. */
    static Optional<XYChart> learningRate(RunMetrics m) {
        Curve lr = curve("learning rate", m, "lr");
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double v : lr.y()) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return chart("Learning rate", "learning rate", lo > 0 && hi / lo > 10, List.of(lr));
    }

    /** One metric of several runs overlaid, labelled by run name. */
    static Optional<XYChart> overlay(String metric, List<RunMetrics> runs) {
        List<Curve> curves = new ArrayList<>();
        for (RunMetrics r : runs) {
            curves.add(curve(r.name(), r, metric));
        }
        return chart(metric + " by run", metric, false, curves);
    }

    static Curve curve(String label, RunMetrics m, String metric) {
        return new Curve(label, m.epochNumbers(), m.series(metric));
    }

    /** A chart of the curves that have finite points; empty when none has. */
    static Optional<XYChart> chart(String title, String yTitle, boolean logY, List<Curve> curves) {
        XYChart chart = new XYChartBuilder().width(ChartPng.WIDTH).height(ChartPng.HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setChartBackgroundColor(Color.WHITE)
                .setAntiAlias(true).setMarkerSize(6);
        chart.getStyler().setXAxisDecimalPattern("#0").setYAxisLogarithmic(logY);
        int drawn = 0;
        for (Curve c : curves) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < c.y().length; i++) {
                if (Double.isFinite(c.y()[i]) && (!logY || c.y()[i] > 0)) {
                    xs.add(c.x()[i]);
                    ys.add(c.y()[i]);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(c.label(), xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(2f));
            drawn++;
        }
        chart.getStyler().setLegendVisible(drawn > 1);
        return drawn == 0 ? Optional.empty() : Optional.of(chart);
    }
}
