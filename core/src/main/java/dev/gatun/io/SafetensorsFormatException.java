package dev.gatun.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is malformed, unsupported, or does not match the model it is loaded into. */
public final class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
