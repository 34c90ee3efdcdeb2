package dev.gatun.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data set file that is missing or malformed (a CIFAR batch, a list of class names, EMNIST's
 * mapping file); the message names the file and what is wrong.
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file in question, as given by the caller. */
    private final transient Path path;

    /**
     * An exception naming {@code path} and what is wrong with it.
     *
     * @param path the file
     * @param problem what is wrong
     */
    public DatasetFormatException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /** {@return the file that failed to read} */
    public Path path() {
        return path;
    }
}
