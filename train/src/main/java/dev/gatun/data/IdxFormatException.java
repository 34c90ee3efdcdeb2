package dev.gatun.data;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that is missing or malformed; the message names the file and what is wrong. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file in question, as given by the caller. */
    private final transient Path path;

    public IdxFormatException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public IdxFormatException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** The file that failed to read. */
    public Path path() {
        return path;
    }
}
