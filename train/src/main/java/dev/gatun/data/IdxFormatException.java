package dev.gatun.data;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that is missing or malformed; the message names the file and what is wrong. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file in question, as given by the caller. */
    private final transient Path path;

    /**
     * An exception naming {@code path} and what is wrong with it.
     *
     * @param path the file
     * @param problem what is wrong
     */
    public IdxFormatException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /**
     * An exception naming {@code path} and what is wrong with it.
     *
     * @param path the file
     * @param problem what is wrong
     * @param cause the exception that revealed the problem
     */
    public IdxFormatException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** {@return the file that failed to read} */
    public Path path() {
        return path;
    }
}
