package dev.gatun.device;

/** A device memory operation failed; the message names the operation and the bytes involved. */
public class DeviceMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what failed, naming the operation and the bytes involved
     */
    public DeviceMemoryException(String message) {
        super(message);
    }

    /**
     * An exception with the given message and cause.
     *
     * @param message what failed, naming the operation and the bytes involved
     * @param cause the underlying failure
     */
    public DeviceMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
