package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        ArrayRows rows = new ArrayRows(file, labels == Labels.REGRESSION);
        CsvRows.Table table = CsvRows.read(file, labelColumn, labels, givenClasses, givenClassCount, rows);
        int[] featureShape = {table.featureNames().size()};
        float[] x = Arrays.copyOf(rows.features, table.rows() * featureShape[0]);
        ArrayDataset data = labels == Labels.REGRESSION
                ? ArrayDataset.regression(x, featureShape, Arrays.copyOf(rows.values, table.rows()), new int[] {1})
                : ArrayDataset.classification(x, featureShape, Arrays.copyOf(rows.classIds, table.rows()),
                        table.classNames().size());
        return new CsvDataset(file, table.featureNames(), table.classNames(), data);
    }

    /** The rows of a file gathered in growing arrays, at most 2^31 values. */
    private static final class ArrayRows implements CsvRows.Sink {
        private final Path file;
        private final boolean regression;
        private int featureCount;
        private float[] features = new float[1024];
        private int[] classIds = new int[64];
        private float[] values = new float[0];
        private int rows;

        ArrayRows(Path file, boolean regression) {
            this.file = file;
            this.regression = regression;
            if (regression) {
                values = new float[64];
            }
        }

        @Override
        public void start(int featureCount) {
            this.featureCount = featureCount;
        }

        @Override
        public void row(float[] x, int classId, float value) {
            if ((long) (rows + 1) * featureCount > Integer.MAX_VALUE - 8) {
                return; // rowCount refuses the file once every row is counted
            }
            int at = rows * featureCount;
            if (at + featureCount > features.length) {
                features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 8,
                        Math.max((long) features.length * 2, at + featureCount)));
            }
            System.arraycopy(x, 0, features, at, featureCount);
            if (regression) {
                if (rows == values.length) {
                    values = Arrays.copyOf(values, grown(rows));
                }
                values[rows] = value;
            } else {
                if (rows == classIds.length) {
                    classIds = Arrays.copyOf(classIds, grown(rows));
                }
                classIds[rows] = classId;
            }
            rows++;
        }

        private static int grown(int length) {
            return (int) Math.min(Integer.MAX_VALUE - 8, 2L * length);
        }

        @Override
        public void rowCount(long n) throws CsvFormatException {
            if (n * featureCount > Integer.MAX_VALUE - 8) {
                throw new CsvFormatException(file, 0, n + " rows of " + featureCount + " features are more values than"
                        + " one array holds (2^31)");
            }
        }

        @Override
        public void finish(int n, int[] classRemapOrNull) {
            if (classRemapOrNull != null) {
                for (int r = 0; r < n; r++) {
                    classIds[r] = classRemapOrNull[classIds[r]];
                }
            }
        }
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
}
