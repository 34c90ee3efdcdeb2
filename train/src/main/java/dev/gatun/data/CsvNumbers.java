package dev.gatun.data;

import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Numbers in CSV fields, spelled as pandas' {@code read_csv} (and R's {@code read.csv}) read
 * them: an optional sign, decimal digits with an optional point, an optional exponent
 * ({@code 12}, {@code -0.5}, {@code .5}, {@code 5.}, {@code 1e-3}, {@code +2E+4}). Java's own
 * extras ({@code 0x1p-2}, {@code 1f}, {@code 2d}, digits of other scripts) are not numbers in a
 * data file. What pandas reads as infinite or missing ({@code inf}, {@code Infinity},
 * {@code nan}, {@code NA}, {@code null}, an empty field, ...) is refused with that said, since
 * every feature needs a finite value; so is a number beyond float32's range.
 */
final class CsvNumbers {
    // Possessive, with alternatives that differ in their first character: linear on any field.
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(?:[0-9]++(?:\\.[0-9]*+)?|\\.[0-9]++)(?:[eE][+-]?[0-9]++)?");
    private static final Pattern CLASS_ID = Pattern.compile("[+-]?[0-9]++");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);
    /** pandas' default {@code na_values} besides the NaN spellings. */
    private static final Set<String> MISSING = Set.of("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "1.#IND",
            "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "None", "n/a", "null");

    private CsvNumbers() {}

    /** True when {@code s} is a number as this reader spells them (finite or not). */
    static boolean isNumber(String s) {
        return DECIMAL.matcher(s).matches();
    }

    /**
     * The float32 value of the field {@code s} in 1-based {@code column} (named {@code name}) of
     * {@code line}.
     *
     * @throws CsvFormatException naming file, line, column and text when it is not a finite
     *     float32 number
     */
    static float parse(Path file, int line, int column, String name, String s) throws CsvFormatException {
        if (!DECIMAL.matcher(s).matches()) {
            String problem;
            if (s.isEmpty()) {
                problem = "the field is empty, expected a number";
            } else if (NON_FINITE.matcher(s).matches()) {
                problem = "'" + s + "' is not a finite number; every feature needs a finite value";
            } else if (MISSING.contains(s)) {
                problem = "'" + s + "' marks a missing value; every feature needs a number";
            } else {
                problem = "'" + s + "' is not a number";
            }
            throw new CsvFormatException(file, line, column, name, problem);
        }
        float v = Float.parseFloat(s);
        if (Float.isInfinite(v)) {
            throw new CsvFormatException(file, line, column, name, "'" + s + "' is beyond the float32 range (±"
                    + Float.MAX_VALUE + ")");
        }
        return v;
    }

    /**
     * The class id in field {@code s}: decimal digits, in [0, {@code classes}).
     *
     * @param classes the number of classes the ids must fall within, at most {@link Dataset#MAX_CLASSES}
     * @param range the allowed range in words, for the message (e.g. "expected 0..2 for the 3 classes")
     */
    static int classId(Path file, int line, int column, String name, String s, int classes, String range)
            throws CsvFormatException {
        if (!CLASS_ID.matcher(s).matches()) {
            throw new CsvFormatException(file, line, column, name, "'" + s + "' is not an integer class id"
                    + " (use Labels.CLASS_NAMES for named classes)");
        }
        String digits = s.replaceFirst("^[+-]?0*(?=[0-9])", "");
        if (s.startsWith("-") && !digits.equals("0")) {
            throw new CsvFormatException(file, line, column, name, "class id " + s + " is negative; ids count from 0");
        }
        if (digits.length() > 9 || Integer.parseInt(digits) >= classes) {
            throw new CsvFormatException(file, line, column, name, "class id " + s + " is out of range: " + range);
        }
        return Integer.parseInt(digits);
    }
}
