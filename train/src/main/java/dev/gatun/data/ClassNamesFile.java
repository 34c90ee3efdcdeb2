package dev.gatun.data;

import dev.gatun.io.Utf8Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text file of class names, one per line in label order, as CIFAR ships them
 * ({@code batches.meta.txt}, {@code fine_label_names.txt}): blank lines at the end are ignored.
 */
public final class ClassNamesFile {
    /** The largest names file read: far beyond 65,536 names of 16 bytes. */
    public static final long MAX_BYTES = 1 << 20;

    private ClassNamesFile() {}

    /**
     * The lines of {@code file}, trimmed, without the blank ones at its end; a file larger than
     * {@link #MAX_BYTES} is refused before it is read.
     *
     * @param file the text file
     * @return its lines
     * @throws DatasetFormatException when the file is missing
     * @throws IOException when it is too large or not UTF-8 (the message names it)
     */
    public static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, Files.exists(file) ? "not a regular file" : "file not found");
        }
        List<String> lines = new ArrayList<>(Utf8Text.read(file, MAX_BYTES, "a list of class names").lines()
                .map(String::strip).toList());
        while (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }

    /**
     * The {@code classes} names in {@code file}, one per line.
     *
     * @param file the text file
     * @param classes how many names it must hold
     * @return the names, in label order
     * @throws DatasetFormatException when it holds another number of names, a blank one or the
     *     same name twice
     * @throws IOException when it cannot be read (the message names it)
     */
    public static List<String> read(Path file, int classes) throws IOException {
        List<String> names = lines(file);
        if (names.size() != classes) {
            throw new DatasetFormatException(file, "holds " + names.size() + " class names, expected " + classes);
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isEmpty()) {
                throw new DatasetFormatException(file, "line " + (i + 1) + " is blank, expected the name of class " + i);
            }
            if (names.indexOf(names.get(i)) != i) {
                throw new DatasetFormatException(file, "line " + (i + 1) + " repeats the class name '" + names.get(i)
                        + "' of line " + (names.indexOf(names.get(i)) + 1));
            }
        }
        return List.copyOf(names);
    }
}
