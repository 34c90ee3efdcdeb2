package dev.gatun.train.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint directory that is incomplete, corrupted, of an unknown version, or malformed. */
public final class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    public CheckpointFormatException(Path directory, String problem) {
        super("checkpoint " + directory + ": " + problem);
        this.directory = directory;
    }

    /** The offending checkpoint directory. */
    public Path directory() {
        return directory;
    }
}
