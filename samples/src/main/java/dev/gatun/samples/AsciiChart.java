package dev.gatun.samples;

import java.util.Arrays;
import java.util.Locale;

/**
 * Line charts in plain text, for terminals and logs: each series is drawn with its own mark on a
 * shared y scale; where marks collide the later series wins. Column j shows sample
 * j·length/width of every series.
 */
public final class AsciiChart {
    private AsciiChart() {}

    /**
     * Renders {@code series} (equal lengths) on a grid of {@code height} rows and {@code width}
     * columns, with a legend line naming each mark.
     */
    public static String render(String[] names, char[] marks, double[][] series, int width, int height) {
        if (names.length != series.length || marks.length != series.length || series.length == 0) {
            throw new IllegalArgumentException("chart: need one name and one mark per series");
        }
        int n = series[0].length;
        for (double[] s : series) {
            if (s.length != n || n == 0) {
                throw new IllegalArgumentException("chart: series must be non-empty and of equal length");
            }
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] s : series) {
            for (double v : s) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        int cols = Math.min(width, n);
        char[][] grid = new char[height][cols];
        for (char[] row : grid) {
            Arrays.fill(row, ' ');
        }
        for (int k = 0; k < series.length; k++) {
            for (int j = 0; j < cols; j++) {
                double v = series[k][(int) ((long) j * n / cols)];
                if (Double.isFinite(v)) {
                    int r = (int) Math.round((hi - v) / (hi - lo) * (height - 1));
                    grid[r][j] = marks[k];
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < height; r++) {
            double y = hi - (hi - lo) * r / (height - 1);
            String label = (r == 0 || r == height - 1 || r == height / 2) ? String.format(Locale.ROOT, "%7.2f", y) : "       ";
            sb.append(label).append(" |").append(grid[r]).append('\n');
        }
        sb.append("        +").append("-".repeat(cols)).append('\n');
        sb.append("         ");
        for (int k = 0; k < series.length; k++) {
            sb.append(marks[k]).append(' ').append(names[k]).append(k + 1 < series.length ? "   " : "\n");
        }
        return sb.toString();
    }
}
