package dev.gatun.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A parallel-coordinates plot, as W&amp;B draws a sweep: one vertical axis per differing
 * hyperparameter and a last one for the ranking metric, one line per run through its values,
 * coloured from the worst run (light) to the best (dark) and the best drawn thickest. Numeric axes
 * are linear, or logarithmic when their positive values span more than a factor of 20 (learning
 * rates); text axes space their values evenly. Drawn with Java2D.
 */
final class ParallelCoordinates {
    static final int WIDTH = 1000;
    static final int HEIGHT = 520;
    private static final int TOP = 70;
    private static final int BOTTOM = 50;
    private static final int SIDE = 90;

    private ParallelCoordinates() {}

    /** One axis: its label and each run's position on it, 0 (bottom) to 1 (top), NaN for none. */
    record Axis(String label, double[] positions, List<String> ticks, List<Double> tickPositions) {}

    /**
     * The axes of {@code values} (one row per run, one column per axis), the last numeric.
     *
     * @param labels the axes' labels
     * @param values each run's value on each axis, as text
     * @return the axes
     */
    static List<Axis> axes(List<String> labels, List<List<String>> values) {
        List<Axis> axes = new ArrayList<>();
        for (int a = 0; a < labels.size(); a++) {
            int col = a;
            List<String> column = values.stream().map(r -> r.get(col)).toList();
            axes.add(axis(labels.get(a), column));
        }
        return axes;
    }

    private static Axis axis(String label, List<String> column) {
        double[] numbers = new double[column.size()];
        boolean numeric = true;
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = parse(column.get(i));
            numeric &= !column.get(i).isEmpty() ? !Double.isNaN(numbers[i]) : true;
        }
        double[] pos = new double[numbers.length];
        if (numeric) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : numbers) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            boolean log = min > 0 && max / min > 20;
            double lo = log ? Math.log10(min) : min;
            double hi = log ? Math.log10(max) : max;
            for (int i = 0; i < pos.length; i++) {
                double v = log ? Math.log10(numbers[i]) : numbers[i];
                pos[i] = !Double.isFinite(v) ? Double.NaN : hi == lo ? 0.5 : (v - lo) / (hi - lo);
            }
            if (min > max) {
                return new Axis(label, pos, List.of(), List.of());
            }
            List<String> ticks = min == max ? List.of(text(min)) : List.of(text(min), text(max));
            List<Double> at = min == max ? List.of(0.5) : List.of(0.0, 1.0);
            return new Axis(label + (log ? " (log)" : ""), pos, ticks, at);
        }
        List<String> categories = new ArrayList<>(new LinkedHashSet<>(column.stream().sorted().toList()));
        List<Double> at = new ArrayList<>();
        for (int c = 0; c < categories.size(); c++) {
            at.add(categories.size() == 1 ? 0.5 : (double) c / (categories.size() - 1));
        }
        for (int i = 0; i < pos.length; i++) {
            pos[i] = at.get(categories.indexOf(column.get(i)));
        }
        return new Axis(label, pos, categories.stream().map(s -> s.isEmpty() ? "(none)" : s).toList(), at);
    }

    private static double parse(String s) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String text(double v) {
        return MetricText.cell(v);
    }

    /**
     * Draws the plot.
     *
     * @param title the plot's title
     * @param axes the axes, the ranking metric's last
     * @param rank each run's rank, 0 for the best
     * @param names each run's name, for the best run's label
     * @return the image
     */
    static BufferedImage draw(String title, List<Axis> axes, int[] rank, List<String> names) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, SIDE, 26);
            int n = axes.size();
            double span = n == 1 ? 0 : (WIDTH - 2.0 * SIDE) / (n - 1);
            int plotHeight = HEIGHT - TOP - BOTTOM;
            // Worst first, so the best lines are drawn on top.
            Integer[] order = new Integer[rank.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Integer.compare(rank[b], rank[a]));
            for (int run : order) {
                double t = rank.length == 1 ? 1 : 1 - (double) rank[run] / (rank.length - 1);
                g.setColor(shade(t));
                g.setStroke(new BasicStroke(rank[run] == 0 ? 3.5f : 1.6f));
                double px = Double.NaN;
                double py = Double.NaN;
                for (int a = 0; a < n; a++) {
                    double p = axes.get(a).positions()[run];
                    double x = SIDE + a * span;
                    double y = TOP + (1 - p) * plotHeight;
                    if (!Double.isNaN(p) && !Double.isNaN(py)) {
                        g.drawLine((int) Math.round(px), (int) Math.round(py), (int) Math.round(x), (int) Math.round(y));
                    }
                    px = x;
                    py = Double.isNaN(p) ? Double.NaN : y;
                }
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            for (int a = 0; a < n; a++) {
                Axis axis = axes.get(a);
                int x = (int) Math.round(SIDE + a * span);
                g.setColor(new Color(0x333333));
                g.setStroke(new BasicStroke(1.2f));
                g.drawLine(x, TOP, x, TOP + plotHeight);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                FontMetrics bold = g.getFontMetrics();
                String label = fit(axis.label(), bold, (int) Math.max(span - 8, 120));
                g.drawString(label, x - bold.stringWidth(label) / 2, TOP - (a % 2 == 0 ? 28 : 12));
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                for (int k = 0; k < axis.ticks().size(); k++) {
                    int y = (int) Math.round(TOP + (1 - axis.tickPositions().get(k)) * plotHeight);
                    g.drawLine(x - 4, y, x + 4, y);
                    String tick = fit(axis.ticks().get(k), fm, SIDE - 14);
                    g.setColor(new Color(255, 255, 255, 200));
                    g.fillRect(x + 6, y - fm.getAscent() + 2, fm.stringWidth(tick) + 2, fm.getAscent());
                    g.setColor(new Color(0x333333));
                    g.drawString(tick, x + 7, y + 4);
                }
            }
            g.setColor(new Color(0x555555));
            String best = "";
            for (int i = 0; i < rank.length; i++) {
                best = rank[i] == 0 ? names.get(i) : best;
            }
            g.drawString(String.format(Locale.ROOT, "%d runs; darker is better; thickest: the best, %s", rank.length,
                    best), SIDE, HEIGHT - 16);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** From light orange (t = 0, worst) to dark blue (t = 1, best). */
    static Color shade(double t) {
        int r = (int) Math.round(250 + (20 - 250) * t);
        int gr = (int) Math.round(180 + (60 - 180) * t);
        int b = (int) Math.round(90 + (140 - 90) * t);
        return new Color(r, gr, b);
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 3 && fm.stringWidth("…" + t) > width) {
            t = t.substring(1);
        }
        return "…" + t;
    }
}
