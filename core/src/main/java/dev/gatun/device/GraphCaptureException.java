package dev.gatun.device;

/**
 * A step could not be captured as a device graph: it synchronized with the host (read a device
 * value, waited for the device) or issued an operation that a graph cannot hold. Thrown at the
 * operation, during capture, instead of letting the capture hang or record something wrong.
 */
public final class GraphCaptureException extends RuntimeException {
    /** Why a capture was refused. */
    public enum Reason {
        /** The step read a device value on the host or waited for the device. */
        HOST_SYNC,
        /** The step issued an operation a graph cannot replay correctly. */
        NOT_CAPTURABLE
    }

    /** Why the capture was refused. */
    private final Reason reason;

    /**
     * A refusal for {@code reason}.
     *
     * @param reason the kind of refusal
     * @param message one line naming the operation
     */
    public GraphCaptureException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@return the kind of refusal} */
    public Reason reason() {
        return reason;
    }

    /**
     * The refusal of a copy from host memory inside a capture: the graph would read that memory
     * again at each replay, long after its owner may have freed it.
     *
     * @param device the device being captured, as text
     * @param bytes the bytes of the copy
     * @return the exception
     */
    public static GraphCaptureException hostCopy(Object device, long bytes) {
        return new GraphCaptureException(Reason.NOT_CAPTURABLE, "copyIn of " + bytes + " bytes from host memory on "
                + device + " during a graph capture: a graph cannot own host memory; copy inputs into the step's"
                + " device buffers before the capture or replay");
    }

    /**
     * The refusal of a host synchronization inside a capture.
     *
     * @param device the device being captured, as text
     * @param operation what synchronized, e.g. "copyOut of 4 bytes"
     * @return the exception
     */
    public static GraphCaptureException hostSync(Object device, String operation) {
        return new GraphCaptureException(Reason.HOST_SYNC, operation + " on " + device
                + " synchronizes with the host, which a graph capture cannot hold (a read of a device value such as item()"
                + " inside the step)");
    }
}
