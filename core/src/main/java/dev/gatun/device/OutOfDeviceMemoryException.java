package dev.gatun.device;

/**
 * An allocation did not fit in device memory. From a {@link CachingAllocator} this comes only
 * after its cache was freed and the allocation retried, and {@link #bytesCached()} is what was
 * still cached then (normally 0).
 */
public final class OutOfDeviceMemoryException extends DeviceMemoryException {
    private static final long serialVersionUID = 1L;

    /** The size asked for, in bytes. */
    private final long bytesRequested;
    /** The bytes allocated and not freed at the time. */
    private final long bytesInUse;
    /** The bytes freed by their users but kept by an allocator at the time. */
    private final long bytesCached;

    /**
     * An exception whose message names the device and the three byte counts.
     *
     * @param device the device's name
     * @param bytesRequested the size asked for (after rounding, when it differs, both are in {@code detail})
     * @param bytesInUse bytes allocated and not freed
     * @param bytesCached bytes freed by their users but kept by an allocator
     * @param detail extra words for the message, may be empty
     * @param cause the underlying failure, or null
     */
    public OutOfDeviceMemoryException(String device, long bytesRequested, long bytesInUse, long bytesCached,
                                      String detail, Throwable cause) {
        super("out of memory on " + device + ": requested " + bytesRequested + " bytes, " + bytesInUse
                + " bytes in use, " + bytesCached + " bytes cached" + (detail.isEmpty() ? "" : " (" + detail + ")"),
                cause);
        this.bytesRequested = bytesRequested;
        this.bytesInUse = bytesInUse;
        this.bytesCached = bytesCached;
    }

    /** {@return the size asked for, in bytes} */
    public long bytesRequested() {
        return bytesRequested;
    }

    /** {@return the bytes allocated and not freed when the allocation failed} */
    public long bytesInUse() {
        return bytesInUse;
    }

    /** {@return the bytes freed by their users but kept by an allocator when the allocation failed} */
    public long bytesCached() {
        return bytesCached;
    }
}
