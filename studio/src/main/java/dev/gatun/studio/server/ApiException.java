package dev.gatun.studio.server;

import java.io.Serial;

/**
 * An error of the API that the client caused, answered as JSON:
 * {@code {"error": message, "path": path, "layer": layer}} ({@code path} and {@code layer} only
 * where they apply).
 */
public final class ApiException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    private final int status;
    /** Where in the request's input the problem is, or null. */
    private final String path;
    /** The index of the layer the problem is in, or null. */
    private final Integer layer;

    /**
     * An error with only a message.
     *
     * @param status the HTTP status, 400..599
     * @param message one line saying what is wrong
     * @throws IllegalArgumentException when the status is not an error status
     */
    public ApiException(int status, String message) {
        this(status, message, null, null);
    }

    /**
     * An error that names where in the input it is.
     *
     * @param status the HTTP status, 400..599
     * @param message one line saying what is wrong
     * @param path where in the request's input, e.g. {@code model.layers[2].units}, or null
     * @param layer the index of the layer concerned, or null
     * @throws IllegalArgumentException when the status is not an error status
     */
    public ApiException(int status, String message, String path, Integer layer) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an API error needs a status in 400..599, got " + status);
        }
        this.status = status;
        this.path = path;
        this.layer = layer;
    }

    /** {@return the HTTP status} */
    public int status() {
        return status;
    }

    /** {@return where in the request's input the problem is, or null} */
    public String path() {
        return path;
    }

    /** {@return the index of the layer the problem is in, or null} */
    public Integer layer() {
        return layer;
    }
}
