package dev.gatun.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file larger than what may be read whole into memory, refused before any of it is read. */
public final class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The most bytes the file may have. */
    private final long limit;

    /**
     * A refusal of {@code file}.
     *
     * @param file the file
     * @param size its size in bytes
     * @param limit the most bytes it may have
     * @param what what the file is, for the message
     */
    public FileTooLargeException(Path file, long size, long limit, String what) {
        super(file + ": " + size + " bytes, more than the " + limit + " that " + what + " may have");
        this.limit = limit;
    }

    /** {@return the most bytes the file may have} */
    public long limit() {
        return limit;
    }
}
