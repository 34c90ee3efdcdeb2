package dev.gatun.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is malformed, unsupported, or does not match the model it is loaded into. */
public final class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * An exception naming {@code file} and what is wrong with it.
     *
     * @param file the file at fault
     * @param problem what is wrong, in words
     */
    public SafetensorsFormatException(Path file, String problem) {
        // Tensor names and header text come from the file: one line whatever they hold.
        super(file + ": " + OneLine.of(problem));
        this.file = file;
    }

    /** {@return the offending file} */
    public Path file() {
        return file;
    }
}
