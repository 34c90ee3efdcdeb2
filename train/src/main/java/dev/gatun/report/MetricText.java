package dev.gatun.report;

import java.util.Locale;

/** Metric values as text for reports: 6 significant digits, locale-independent. */
final class MetricText {
    private MetricText() {}

    /** {@code v} for a table cell; an em dash for a value that was not measured (NaN). */
    static String cell(double v) {
        return Double.isFinite(v) ? plain(v) : "—";
    }

    /** {@code v} for a CSV cell, spelling non-finite values as Java does ({@code NaN}), like metrics.csv. */
    static String csv(double v) {
        return Double.isFinite(v) ? plain(v) : Double.toString(v);
    }

    private static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return s;
        }
        // %.6g pads with zeros (0.500000); drop them so 0.5 reads as 0.5.
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
