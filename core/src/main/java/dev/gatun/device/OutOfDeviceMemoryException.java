package dev.gatun.device;

/**
 * An allocation did not fit in device memory. From a {@link CachingAllocator} this comes only
 * after its cache was freed and the allocation retried, and {@link #bytesCached()} is what was
 * still cached then (normally 0).
 */
public final class OutOfDeviceMemoryException extends DeviceMemoryException {
    private static final long serialVersionUID = 1L;

    private final long bytesRequested;
    private final long bytesInUse;
    private final long bytesCached;

    /**
     * @param device the device's name
     * @param bytesRequested the size asked for (after rounding, when it differs, both are in {@code detail})
     * @param bytesInUse bytes allocated and not freed
     * @param bytesCached bytes freed by their users but kept by an allocator
     * @param detail extra words for the message, may be empty
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

    public long bytesRequested() {
        return bytesRequested;
    }

    public long bytesInUse() {
        return bytesInUse;
    }

    public long bytesCached() {
        return bytesCached;
    }
}
