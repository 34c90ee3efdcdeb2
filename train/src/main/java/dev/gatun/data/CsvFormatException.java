package dev.gatun.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A CSV file that cannot be read as a data set; the message names the file, line and column:
 * {@code data.csv: line 3, column 2 ('b'): 'x7' is not a number}.
 */
public final class CsvFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    /** The 1-based line of the problem, or 0 for the whole file. */
    private final int line;
    /** The 1-based column of the problem, or 0 when it concerns a whole line or the file. */
    private final int column;

    /**
     * {@code line} is 1-based, or 0 when the problem concerns the whole file.
     *
     * @param path the file
     * @param line the 1-based line, or 0 for the whole file
     * @param problem what is wrong
     */
    public CsvFormatException(Path path, int line, String problem) {
        super(path + (line > 0 ? ": line " + line : "") + ": " + problem);
        this.path = path;
        this.line = line;
        this.column = 0;
    }

    /**
     * A problem with the field in 1-based {@code column}, named {@code columnName} in the header.
     *
     * @param path the file
     * @param line the 1-based line
     * @param column the 1-based column
     * @param columnName the column's name in the header
     * @param problem what is wrong
     */
    public CsvFormatException(Path path, int line, int column, String columnName, String problem) {
        super(path + ": line " + line + ", column " + column + " ('" + columnName + "'): " + problem);
        this.path = path;
        this.line = line;
        this.column = column;
    }

    /** {@return the file that failed to read} */
    public Path path() {
        return path;
    }

    /** {@return the 1-based line of the problem, or 0 for the whole file} */
    public int line() {
        return line;
    }

    /** {@return the 1-based column of the problem, or 0 when it concerns a whole line or the file} */
    public int column() {
        return column;
    }
}
