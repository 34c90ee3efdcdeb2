package dev.gatun.train.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cells of the CSV files Gatun writes ({@code metrics.csv}, {@code gatun predict}'s output,
 * {@code comparison.csv}), one way for all of them.
 *
 * <p>Text follows RFC 4180 and OWASP's advice on CSV injection: a cell that a spreadsheet would
 * run as a formula (it starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage
 * return) gets a leading {@code '}, which spreadsheets show as text; a cell holding a comma, a
 * double quote or a line break is quoted, its quotes doubled. A text cell that is a plain number
 * ({@code -0.5}, {@code 1e-3}, {@code NaN}, {@code -Infinity}) is no formula and stays as it is,
 * so numbers kept as text still read back as numbers.
 *
 * <p>Numbers have 6 significant digits ({@link MetricsLog#number}); NaN and the infinities are
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, which pandas and R read as floats.
 */
public final class CsvCell {
    private static final Pattern NUMBER =
            Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|[-+]?Infinity|NaN");

    private CsvCell() {}

    /**
     * {@code s} as a CSV cell: defused if a spreadsheet would read it as a formula, quoted if needed.
     *
     * @param s the cell's text, not null
     * @return the cell as it goes in the line
     */
    public static String text(String s) {
        Objects.requireNonNull(s, "cell");
        String cell = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !NUMBER.matcher(s).matches()
                ? "'" + s : s;
        boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0;
        return quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }

    /**
     * {@code v} as a CSV cell; see the class comment.
     *
     * @param v the value
     * @return the cell, as {@link MetricsLog#number} writes it
     */
    public static String number(double v) {
        return MetricsLog.number(v);
    }

    /**
     * A CSV line: {@link #text} of each cell, joined by commas, ending in {@code \n}.
     *
     * @param cells the cells' texts, in column order
     * @return the line
     */
    public static String line(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(text(cells.get(i)));
        }
        return sb.append('\n').toString();
    }
}
