package dev.gatun.data;

import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.io.Utf8Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One streaming pass over a CSV file as {@link CsvDataset} reads it: each valid row goes to a
 * {@link Sink} as it is read, so neither the text nor its fields are held.
 *
 * <p>A file with several problems is refused with the one a whole-file reader meets first, in
 * this order: an unreadable line (not UTF-8, an unclosed quote), the header, the row count, the
 * sink's own limit, a row (its field count, then its features, column by column), the number of
 * class names, a label. So a problem found on line 5 waits while the rest of the file is read for
 * an earlier kind of problem, and nothing more is sent to the sink after it.
 */
final class CsvRows {
    /** Receives the rows of a file that is valid so far. */
    interface Sink {
        /**
         * Called once, after a valid header, before any row.
         *
         * @param features the values per row
         */
        void start(int features) throws IOException;

        /**
         * One row: its features (a buffer reused for the next row), its class id (0 for regression;
         * for {@link CsvDataset.Labels#CLASS_NAMES} without given names, the id in order of first
         * appearance, see {@link #finish}) and its regression value (0 for classes).
         */
        void row(float[] features, int classId, float value) throws IOException;

        /** Called with the row count before any problem in the rows is reported: a sink refuses more here. */
        default void rowCount(long rows) throws IOException {}

        /**
         * Called once, after every row was valid.
         *
         * @param rows the number of rows
         * @param classRemapOrNull for names numbered in order of first appearance, the final
         *     (sorted) id of each; null when the ids already are final
         */
        void finish(int rows, int[] classRemapOrNull) throws IOException;
    }

    /**
     * What the file holds besides its rows.
     *
     * @param featureNames the feature columns' names, in feature order
     * @param classNames the class names, class c's at index c; empty for regression
     * @param rows the number of data rows
     */
    record Table(List<String> featureNames, List<String> classNames, int rows) {}

    /** The kinds of problem, in the order a whole-file reader reports them. */
    private enum Stage {
        HEADER, ROWS, LABELS
    }

    private final Path file;
    private final String labelColumn;
    private final CsvDataset.Labels labels;
    private final List<String> givenClasses;
    private final int givenClassCount;
    private final Sink sink;
    private final Map<Stage, CsvFormatException> deferred = new EnumMap<>(Stage.class);

    private String[] header;
    private int labelAt;
    private int features;
    private float[] row;
    private long rows;
    // CLASS_IDS: the largest id; CLASS_NAMES: the ids of given names, or every distinct name in order of first appearance.
    private int maxClassId;
    private final Map<String, Integer> classIds = new HashMap<>();
    private final Map<String, Integer> seenNames = new LinkedHashMap<>();

    private CsvRows(Path file, String labelColumn, CsvDataset.Labels labels, List<String> givenClasses,
            int givenClassCount, Sink sink) {
        this.file = file;
        this.labelColumn = labelColumn;
        this.labels = labels;
        this.givenClasses = givenClasses;
        this.givenClassCount = givenClassCount;
        this.sink = sink;
        if (givenClasses != null) {
            for (int c = 0; c < givenClasses.size(); c++) {
                classIds.put(givenClasses.get(c), c);
            }
        }
    }

    /**
     * Reads {@code file}, sending its rows to {@code sink}.
     *
     * @param givenClasses the class names to number labels by, or null
     * @param givenClassCount the class count of integer ids, or 0
     * @return the header's facts and the row count
     * @throws CsvFormatException as {@link CsvDataset#load(Path, String, CsvDataset.Labels)}
     */
    static Table read(Path file, String labelColumn, CsvDataset.Labels labels, List<String> givenClasses,
            int givenClassCount, Sink sink) throws IOException {
        return new CsvRows(file, labelColumn, labels, givenClasses, givenClassCount, sink).read();
    }

    private Table read() throws IOException {
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
                String[] fields = CsvDataset.splitFields(file, line, text);
                if (header == null) {
                    header = fields;
                    checkHeader(line);
                } else {
                    rows++;
                    if (!deferred.containsKey(Stage.HEADER) && !deferred.containsKey(Stage.ROWS)) {
                        accept(line, fields);
                    }
                }
            }
        } catch (MalformedUtf8Exception e) {
            throw new CsvFormatException(file, Math.toIntExact(e.line()), e.problem() + "; save the file as UTF-8");
        }
        if (header == null) {
            throw new CsvFormatException(file, 0, "the file is empty, expected a header row and data rows");
        }
        throwDeferred(Stage.HEADER);
        if (rows == 0) {
            throw new CsvFormatException(file, 0, "the header has no data rows after it");
        }
        sink.rowCount(rows);
        if (rows > Integer.MAX_VALUE - 8) {
            throw new CsvFormatException(file, 0, rows + " rows are more examples than a data set holds (2^31)");
        }
        throwDeferred(Stage.ROWS);
        List<String> classNames = classNames();
        throwDeferred(Stage.LABELS);
        int[] remap = null;
        if (labels == CsvDataset.Labels.CLASS_NAMES && givenClasses == null) {
            remap = new int[seenNames.size()];
            for (Map.Entry<String, Integer> e : seenNames.entrySet()) {
                remap[e.getValue()] = classNames.indexOf(e.getKey());
            }
        }
        sink.finish((int) rows, remap);
        List<String> featureNames = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (c != labelAt) {
                featureNames.add(header[c]);
            }
        }
        return new Table(featureNames, classNames, (int) rows);
    }

    private void checkHeader(int line) throws IOException {
        if (allNumeric(header)) {
            defer(Stage.HEADER, new CsvFormatException(file, line, "missing header: the first row "
                    + String.join(",", header) + " holds only numbers, expected column names"));
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < header.length; c++) {
            if (header[c].isEmpty()) {
                defer(Stage.HEADER, new CsvFormatException(file, line, "column " + (c + 1) + " of the header has no name"));
                return;
            }
            Integer before = seen.putIfAbsent(header[c], c);
            if (before != null) {
                defer(Stage.HEADER, new CsvFormatException(file, line, "column '" + header[c]
                        + "' appears twice, as columns " + (before + 1) + " and " + (c + 1)));
                return;
            }
        }
        Integer at = labels == CsvDataset.Labels.NONE ? Integer.valueOf(-1) : seen.get(labelColumn);
        if (at == null) {
            defer(Stage.HEADER, new CsvFormatException(file, line, "unknown label column '" + labelColumn
                    + "', the header has " + String.join(", ", header)));
            return;
        }
        labelAt = at;
        features = labelAt < 0 ? header.length : header.length - 1;
        if (features == 0) {
            defer(Stage.HEADER, new CsvFormatException(file, line, "no feature columns besides the label column '"
                    + labelColumn + "'"));
            return;
        }
        row = new float[features];
        sink.start(features);
    }

    private void accept(int line, String[] fields) throws IOException {
        if (fields.length != header.length) {
            defer(Stage.ROWS, new CsvFormatException(file, line, "expected " + header.length
                    + " fields as in the header, found " + fields.length));
            return;
        }
        int j = 0;
        for (int c = 0; c < fields.length; c++) {
            if (c != labelAt) {
                try {
                    row[j++] = CsvNumbers.parse(file, line, c + 1, header[c], fields[c]);
                } catch (CsvFormatException e) {
                    defer(Stage.ROWS, e);
                    return;
                }
            }
        }
        String raw = labelAt < 0 ? "" : fields[labelAt];
        if (labels == CsvDataset.Labels.CLASS_NAMES) {
            // Every name counts towards the class count, refused ones too, as a whole-file reader counts them.
            seenNames.putIfAbsent(raw, seenNames.size());
        }
        if (deferred.containsKey(Stage.LABELS)) {
            return; // a label was refused: only an earlier kind of problem can still change the outcome
        }
        try {
            switch (labels) {
                case NONE -> sink.row(row, 0, 0);
                case REGRESSION -> sink.row(row, 0, CsvNumbers.parse(file, line, labelAt + 1, labelColumn, raw));
                case CLASS_IDS -> {
                    int id = CsvNumbers.classId(file, line, labelAt + 1, labelColumn, raw, classIdBound(),
                            classIdRange());
                    maxClassId = Math.max(maxClassId, id);
                    sink.row(row, id, 0);
                }
                case CLASS_NAMES -> sink.row(row, className(line, raw), 0);
            }
        } catch (CsvFormatException e) {
            defer(Stage.LABELS, e);
        }
    }

    /** The id of class name {@code raw}: its given one, or its place in order of first appearance. */
    private int className(int line, String raw) throws CsvFormatException {
        if (raw.isEmpty()) {
            throw new CsvFormatException(file, line, labelAt + 1, labelColumn, "the field is empty, expected a class name");
        }
        if (givenClasses == null) {
            return seenNames.get(raw);
        }
        Integer c = classIds.get(raw);
        if (c == null) {
            throw new CsvFormatException(file, line, labelAt + 1, labelColumn,
                    "class '" + raw + "' is not one of " + givenClasses);
        }
        return c;
    }

    private List<String> classNames() throws CsvFormatException {
        return switch (labels) {
            case NONE -> List.of(CsvDataset.UNLABELLED);
            case REGRESSION -> List.of();
            case CLASS_IDS -> {
                int classes = givenClassCount > 0 ? givenClassCount : maxClassId + 1;
                List<String> names = new ArrayList<>();
                for (int c = 0; c < classes; c++) {
                    names.add(Integer.toString(c));
                }
                yield names;
            }
            case CLASS_NAMES -> {
                List<String> names = givenClasses != null ? givenClasses
                        : new ArrayList<>(new TreeMap<>(seenNames).keySet());
                if (names.size() > Dataset.MAX_CLASSES) {
                    throw new CsvFormatException(file, 0, "column '" + labelColumn + "' holds " + names.size()
                            + " distinct class names, more than the " + Dataset.MAX_CLASSES
                            + " classes a data set may have");
                }
                yield names;
            }
        };
    }

    private int classIdBound() {
        return givenClassCount > 0 ? givenClassCount : Dataset.MAX_CLASSES;
    }

    private String classIdRange() {
        int bound = classIdBound();
        return givenClassCount > 0 ? "expected 0.." + (bound - 1) + " for the " + bound + " classes"
                : "a data set may have at most " + Dataset.MAX_CLASSES + " classes, ids 0.." + (Dataset.MAX_CLASSES - 1);
    }

    private void defer(Stage stage, CsvFormatException e) {
        deferred.putIfAbsent(stage, e);
    }

    private void throwDeferred(Stage stage) throws CsvFormatException {
        CsvFormatException e = deferred.get(stage);
        if (e != null) {
            throw e;
        }
    }

    private static boolean allNumeric(String[] row) {
        for (String f : row) {
            if (!f.isEmpty() && !CsvNumbers.isNumber(f)) {
                return false;
            }
        }
        return true;
    }
}
