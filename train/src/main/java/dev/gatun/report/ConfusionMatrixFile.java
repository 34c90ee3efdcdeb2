package dev.gatun.report;

import dev.gatun.io.JsonStrings;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code confusion.json} in a run folder: {@code {"classes": [...], "matrix": [[...], ...]}},
 * rows the true class and columns the predicted one, as {@link ConfusionMatrix} counts them.
 *
 * @param classes the class names, one per row and column
 * @param matrix the counts, {@code matrix[true][predicted]}
 */
public record ConfusionMatrixFile(List<String> classes, long[][] matrix) {
    public static final String FILE = "confusion.json";

    /**
     * Copies the class names and the counts, checking that the matrix is square with one row per
     * class.
     */
    public ConfusionMatrixFile {
        classes = List.copyOf(classes);
        long[][] copy = new long[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
            if (matrix[r].length != classes.size()) {
                throw new IllegalArgumentException("confusion matrix row " + r + " has " + matrix[r].length
                        + " columns for " + classes.size() + " classes");
            }
            for (int c = 0; c < matrix[r].length; c++) {
                if (matrix[r][c] < 0) {
                    throw new IllegalArgumentException("confusion matrix count [" + r + "][" + c + "] is negative: "
                            + matrix[r][c]);
                }
            }
            copy[r] = matrix[r].clone();
        }
        if (matrix.length != classes.size()) {
            throw new IllegalArgumentException("confusion matrix has " + matrix.length + " rows for " + classes.size()
                    + " classes");
        }
        matrix = copy;
    }

    /**
     * Writes {@code confusion.json} atomically; one class name per class of the matrix.
     *
     * @param folder the run folder
     * @param counts the confusion matrix
     * @param classNames one name per class
     * @return the file written
     * @throws IOException when the file cannot be written
     */
    public static Path write(RunFolder folder, ConfusionMatrix counts, List<String> classNames) throws IOException {
        if (classNames.size() != counts.classes()) {
            throw new IllegalArgumentException("the confusion matrix has " + counts.classes() + " classes but "
                    + classNames.size() + " class names were given");
        }
        return folder.writeAtomically(FILE,
                new ConfusionMatrixFile(classNames, counts.counts()).json().getBytes(StandardCharsets.UTF_8));
    }

    /** The file's content. */
    String json() {
        StringBuilder sb = new StringBuilder("{\n  \"classes\": [");
        for (int i = 0; i < classes.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(JsonStrings.quote(classes.get(i), true));
        }
        sb.append("],\n  \"matrix\": [");
        for (int r = 0; r < matrix.length; r++) {
            sb.append(r == 0 ? "\n    [" : ",\n    [");
            for (int c = 0; c < matrix[r].length; c++) {
                sb.append(c == 0 ? "" : ", ").append(matrix[r][c]);
            }
            sb.append(']');
        }
        return sb.append(matrix.length == 0 ? "" : "\n  ").append("]\n}\n").toString();
    }

    /**
     * Reads {@code folder/confusion.json}.
     *
     * @param folder the run folder
     * @return the file's contents
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ConfusionMatrixFile read(Path folder) {
        Path file = folder.resolve(FILE);
        JsonNode root = JsonFile.read(folder, FILE);
        if (root == null || !root.path("classes").isArray() || !root.path("matrix").isArray()) {
            throw new IllegalArgumentException(file + ": expected {\"classes\": [...], \"matrix\": [[...], ...]}");
        }
        List<String> classes = new ArrayList<>();
        for (JsonNode c : root.get("classes").values()) {
            if (!c.isString()) {
                throw new IllegalArgumentException(file + ": class names must be strings, got " + c);
            }
            classes.add(c.asString());
        }
        JsonNode rows = root.get("matrix");
        long[][] matrix = new long[rows.size()][];
        for (int r = 0; r < matrix.length; r++) {
            JsonNode row = rows.get(r);
            if (!row.isArray()) {
                throw new IllegalArgumentException(file + ": matrix[" + r + "] must be an array");
            }
            matrix[r] = new long[row.size()];
            for (int c = 0; c < matrix[r].length; c++) {
                if (!row.get(c).isIntegralNumber() || !row.get(c).canConvertToLong()) {
                    throw new IllegalArgumentException(file + ": matrix[" + r + "][" + c + "] must be an integer, got "
                            + row.get(c));
                }
                matrix[r][c] = row.get(c).longValue();
            }
        }
        try {
            return new ConfusionMatrixFile(classes, matrix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@return the counts as a {@link ConfusionMatrix}, for its per-class precision, recall and F1}
     */
    public ConfusionMatrix toConfusionMatrix() {
        return ConfusionMatrix.ofCounts(matrix);
    }

    /** {@return the counts, {@code matrix[true][predicted]} (a copy)} */
    @Override
    public long[][] matrix() {
        long[][] out = new long[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
            out[r] = matrix[r].clone();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrixFile f && classes.equals(f.classes) && java.util.Arrays.deepEquals(matrix, f.matrix);
    }

    @Override
    public int hashCode() {
        return 31 * classes.hashCode() + java.util.Arrays.deepHashCode(matrix);
    }
}
