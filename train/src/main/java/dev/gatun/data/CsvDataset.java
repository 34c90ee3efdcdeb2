package dev.gatun.data;

import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.io.Utf8Text;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A table from a CSV file with a header row: one named label column, every other column a
 * numeric float32 feature (features [F] in header order, the label column left out).
 *
 * <p>The file is UTF-8 (a byte that is not ends in an error naming its line). Fields are
 * separated by commas; a field in double quotes may hold commas, and {@code ""} inside quotes is
 * one quote. Whitespace around a field is ignored; blank lines are skipped. A quoted field may
 * not span lines. Numbers are spelled as pandas' {@code read_csv} reads them ({@code 12},
 * {@code -0.5}, {@code .5}, {@code 1e-3}; not Java's {@code 0x1p-2}, {@code 1f} or {@code 2d}), and
 * every feature needs a finite float32 value: {@code inf}, {@code nan}, {@code NA} and empty
 * fields are refused, each with its line and column.
 */
public final class CsvDataset implements Dataset {
    /** How the label column is read. */
    public enum Labels {
        /**
         * Integer class ids 0..C-1; C is the largest id + 1, at most {@link Dataset#MAX_CLASSES}
         * (or the count given to {@link CsvDataset#load(Path, String, int)}).
         */
        CLASS_IDS,
        /**
         * Class names, numbered in sorted (String.compareTo) order, so a training file and a test
         * file with the same classes get the same numbering whatever their row order.
         */
        CLASS_NAMES,
        /** A float regression target, served as float32 [1]. */
        REGRESSION,
        /**
         * No label column (inputs to predict): every column is a feature, and every row gets
         * label 0 of the one class {@value CsvDataset#UNLABELLED}. The label column name is ignored.
         */
        NONE
    }

    /** The one class name of a {@link Labels#NONE} file. */
    public static final String UNLABELLED = "unlabelled";

    private final Path file;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final ArrayDataset data;

    private CsvDataset(Path file, List<String> featureNames, List<String> classNames, ArrayDataset data) {
        this.file = file;
        this.featureNames = List.copyOf(featureNames);
        this.classNames = List.copyOf(classNames);
        this.data = data;
    }

    /**
     * Reads {@code file} (UTF-8).
     *
     * @param file the CSV file
     * @param labelColumn the name of the label column
     * @param labels how to read the label column
     * @return the table
     * @throws CsvFormatException naming file, line and column: a byte that is not UTF-8, an empty
     *     file, a missing header, an unknown label column, a row with the wrong number of fields, a
     *     value that is not a finite number, a class id out of range or more class names than
     *     {@link Dataset#MAX_CLASSES}
     */
    public static CsvDataset load(Path file, String labelColumn, Labels labels) throws IOException {
        return load(file, labelColumn, labels, null, 0);
    }

    /**
     * Reads {@code file} with integer class ids in [0, {@code classes}) (a model's classes, say):
     * the data set has {@code classes} classes whichever ids it holds, and an id beyond them is an
     * error naming its line.
     *
     * @param file the CSV file
     * @param labelColumn the name of the label column, holding integer class ids
     * @param classes the number of classes, in [1, {@link Dataset#MAX_CLASSES}]
     * @return the table
     * @throws CsvFormatException as {@link #load(Path, String, Labels)}
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException when {@code classes} is out of range
     */
    public static CsvDataset load(Path file, String labelColumn, int classes) throws IOException {
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("csv: the class count must be in [1, " + MAX_CLASSES + "], got "
                    + classes);
        }
        return load(file, labelColumn, Labels.CLASS_IDS, null, classes);
    }

    /**
     * Reads {@code file} with named classes numbered as in {@code classNames} (class c is
     * {@code classNames.get(c)}), typically {@link #classNames()} of the training file, so a test
     * file lacking some class still gets the training numbering.
     *
     * @param file the CSV file
     * @param labelColumn the name of the label column
     * @param classNames the class names, class c being {@code classNames.get(c)}
     * @return the table
     * @throws CsvFormatException as {@link #load(Path, String, Labels)}, and for a class name not in the list
     */
    public static CsvDataset load(Path file, String labelColumn, List<String> classNames) throws IOException {
        if (classNames.isEmpty() || new java.util.HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("csv: class names must be a non-empty list without repeats, got "
                    + classNames);
        }
        return load(file, labelColumn, Labels.CLASS_NAMES, List.copyOf(classNames), 0);
    }

    private static CsvDataset load(Path file, String labelColumn, Labels labels, List<String> givenClasses,
            int givenClassCount) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try (BufferedReader in = Utf8Text.newBufferedReader(file)) {
            String text;
            int line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                rows.add(splitFields(file, line, text));
                lineNumbers.add(line);
            }
        } catch (MalformedUtf8Exception e) {
            throw new CsvFormatException(file, Math.toIntExact(e.line()), e.problem() + "; save the file as UTF-8");
        }
        if (rows.isEmpty()) {
            throw new CsvFormatException(file, 0, "the file is empty, expected a header row and data rows");
        }
        String[] header = rows.getFirst();
        int headerLine = lineNumbers.getFirst();
        if (allNumeric(header)) {
            throw new CsvFormatException(file, headerLine, "missing header: the first row "
                    + String.join(",", header) + " holds only numbers, expected column names");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < header.length; c++) {
            if (header[c].isEmpty()) {
                throw new CsvFormatException(file, headerLine, "column " + (c + 1) + " of the header has no name");
            }
            Integer before = seen.putIfAbsent(header[c], c);
            if (before != null) {
                throw new CsvFormatException(file, headerLine, "column '" + header[c] + "' appears twice, as columns "
                        + (before + 1) + " and " + (c + 1));
            }
        }
        Integer labelAt = labels == Labels.NONE ? Integer.valueOf(-1) : seen.get(labelColumn);
        if (labelAt == null) {
            throw new CsvFormatException(file, headerLine, "unknown label column '" + labelColumn
                    + "', the header has " + String.join(", ", header));
        }
        int columns = header.length;
        int features = labelAt < 0 ? columns : columns - 1;
        if (features == 0) {
            throw new CsvFormatException(file, headerLine, "no feature columns besides the label column '"
                    + labelColumn + "'");
        }
        int n = rows.size() - 1;
        if (n == 0) {
            throw new CsvFormatException(file, 0, "the header has no data rows after it");
        }
        List<String> featureNames = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            if (c != labelAt) {
                featureNames.add(header[c]);
            }
        }
        if ((long) n * features > Integer.MAX_VALUE - 8) {
            throw new CsvFormatException(file, 0, n + " rows of " + features + " features are more values than one"
                    + " array holds (2^31)");
        }
        float[] x = new float[n * features];
        String[] rawLabels = new String[n];
        for (int r = 0; r < n; r++) {
            String[] row = rows.get(r + 1);
            int line = lineNumbers.get(r + 1);
            if (row.length != columns) {
                throw new CsvFormatException(file, line, "expected " + columns + " fields as in the header, found "
                        + row.length);
            }
            int j = 0;
            for (int c = 0; c < columns; c++) {
                if (c == labelAt) {
                    rawLabels[r] = row[c];
                } else {
                    x[r * features + j++] = CsvNumbers.parse(file, line, c + 1, header[c], row[c]);
                }
            }
        }
        int[] featureShape = {features};
        return switch (labels) {
            case NONE -> new CsvDataset(file, featureNames, List.of(UNLABELLED),
                    ArrayDataset.classification(x, featureShape, new int[n], 1));
            case REGRESSION -> {
                float[] y = new float[n];
                for (int r = 0; r < n; r++) {
                    y[r] = CsvNumbers.parse(file, lineNumbers.get(r + 1), labelAt + 1, labelColumn, rawLabels[r]);
                }
                yield new CsvDataset(file, featureNames, List.of(),
                        ArrayDataset.regression(x, featureShape, y, new int[] {1}));
            }
            case CLASS_IDS -> {
                int[] y = new int[n];
                int bound = givenClassCount > 0 ? givenClassCount : MAX_CLASSES;
                String range = givenClassCount > 0 ? "expected 0.." + (bound - 1) + " for the " + bound + " classes"
                        : "a data set may have at most " + MAX_CLASSES + " classes, ids 0.." + (MAX_CLASSES - 1);
                int max = 0;
                for (int r = 0; r < n; r++) {
                    y[r] = CsvNumbers.classId(file, lineNumbers.get(r + 1), labelAt + 1, labelColumn, rawLabels[r],
                            bound, range);
                    max = Math.max(max, y[r]);
                }
                int classes = givenClassCount > 0 ? givenClassCount : max + 1;
                List<String> names = new ArrayList<>();
                for (int c = 0; c < classes; c++) {
                    names.add(Integer.toString(c));
                }
                yield new CsvDataset(file, featureNames, names, ArrayDataset.classification(x, featureShape, y, classes));
            }
            case CLASS_NAMES -> {
                List<String> names = givenClasses != null ? givenClasses
                        : new ArrayList<>(new TreeSet<>(List.of(rawLabels)));
                if (names.size() > MAX_CLASSES) {
                    throw new CsvFormatException(file, 0, "column '" + labelColumn + "' holds " + names.size()
                            + " distinct class names, more than the " + MAX_CLASSES + " classes a data set may have");
                }
                Map<String, Integer> id = new HashMap<>();
                for (int c = 0; c < names.size(); c++) {
                    id.put(names.get(c), c);
                }
                int[] y = new int[n];
                for (int r = 0; r < n; r++) {
                    if (rawLabels[r].isEmpty()) {
                        throw new CsvFormatException(file, lineNumbers.get(r + 1), labelAt + 1, labelColumn,
                                "the field is empty, expected a class name");
                    }
                    Integer c = id.get(rawLabels[r]);
                    if (c == null) {
                        throw new CsvFormatException(file, lineNumbers.get(r + 1), labelAt + 1, labelColumn,
                                "class '" + rawLabels[r] + "' is not one of " + names);
                    }
                    y[r] = c;
                }
                yield new CsvDataset(file, featureNames, names,
                        ArrayDataset.classification(x, featureShape, y, names.size()));
            }
        };
    }

    /** {@return the file read} */
    public Path file() {
        return file;
    }

    /** {@return the names of the feature columns, in feature order} */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * {@return the class names, class c's at index c (its id as text for {@link Labels#CLASS_IDS}); empty for
     * regression}
     */
    public List<String> classNames() {
        return classNames;
    }

    /** {@return the table as arrays} */
    public ArrayDataset data() {
        return data;
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public int[] featureShape() {
        return data.featureShape();
    }

    @Override
    public int classes() {
        return data.classes();
    }

    @Override
    public DType targetDType() {
        return data.targetDType();
    }

    @Override
    public int[] targetShape() {
        return data.targetShape();
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
        data.fill(indices, from, count, features, labels);
    }

    /** One line's fields, unquoted and trimmed. */
    static String[] splitFields(Path file, int line, String text) throws CsvFormatException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int len = text.length();
        while (true) {
            while (i < len && isBlank(text.charAt(i))) {
                i++;
            }
            if (i < len && text.charAt(i) == '"') {
                int open = i;
                i++;
                while (true) {
                    if (i >= len) {
                        throw new CsvFormatException(file, line, "field " + (fields.size() + 1)
                                + ": the quote at character " + (open + 1) + " is never closed");
                    }
                    char ch = text.charAt(i++);
                    if (ch == '"') {
                        if (i < len && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(ch);
                    }
                }
                while (i < len && isBlank(text.charAt(i))) {
                    i++;
                }
                if (i < len && text.charAt(i) != ',') {
                    throw new CsvFormatException(file, line, "field " + (fields.size() + 1)
                            + ": unexpected text after the closing quote at character " + i);
                }
                fields.add(field.toString());
            } else {
                int start = i;
                while (i < len && text.charAt(i) != ',') {
                    i++;
                }
                fields.add(text.substring(start, i).strip());
            }
            field.setLength(0);
            if (i >= len) {
                return fields.toArray(String[]::new);
            }
            i++; // the comma
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean allNumeric(String[] row) {
        for (String f : row) {
            if (!isNumber(f)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String s) {
        return s.isEmpty() || CsvNumbers.isNumber(s);
    }
}
