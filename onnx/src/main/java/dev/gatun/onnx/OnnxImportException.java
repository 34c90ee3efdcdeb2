package dev.gatun.onnx;

import dev.gatun.io.OneLine;
import java.io.IOException;
import java.nio.file.Path;

/** An ONNX file that cannot be imported: one line naming the file and the problem. */
public final class OnnxImportException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * The refusal of a file.
     *
     * @param file the ONNX file
     * @param problem what is wrong, naming the node or tensor
     */
    public OnnxImportException(Path file, String problem) {
        super(OneLine.of(file + ": " + problem));
    }

    /**
     * The refusal of a file, with its cause.
     *
     * @param file the ONNX file
     * @param problem what is wrong, naming the node or tensor
     * @param cause the underlying error
     */
    public OnnxImportException(Path file, String problem, Throwable cause) {
        super(OneLine.of(file + ": " + problem), cause);
    }
}
