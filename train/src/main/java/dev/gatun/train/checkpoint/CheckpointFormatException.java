package dev.gatun.train.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint directory that is incomplete, corrupted, of an unknown version, or malformed. */
public final class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    /**
     * An exception naming the checkpoint directory and what is wrong with it.
     *
     * @param directory the checkpoint directory
     * @param problem what is wrong
     */
    public CheckpointFormatException(Path directory, String problem) {
        super("checkpoint " + directory + ": " + problem);
        this.directory = directory;
    }

    /** {@return the offending checkpoint directory} */
    public Path directory() {
        return directory;
    }
}
