package dev.gatun.device;

import dev.gatun.tensor.Device;
import java.lang.foreign.MemorySegment;

/**
 * One device as tensors see it: an allocator of blocks plus copies in, out and within, ordered on
 * the device's one stream. Tensor code reaches every device other than the host through this
 * interface alone; a device kind plugs in through a {@link DeviceProvider}.
 *
 * <p>Copies may be queued; {@link #copyOut} waits for its data, {@link #synchronize} for
 * everything. Addresses are the device's, as plain longs; a block stays valid until freed.
 */
public interface DeviceRuntime {
    /** {@return the device this runtime serves} */
    Device device();

    /**
     * A block of at least {@code bytes > 0} bytes; {@link DeviceBlock#free()} gives it back. Beyond
     * {@link #memoryLimit()} this is a {@link dev.gatun.tensor.MemoryBudgetException}, before the device is asked.
     *
     * @param bytes the number of bytes, positive
     * @return the block, owned by the caller until freed
     */
    DeviceBlock allocate(long bytes);

    /**
     * The most bytes this device's tensors may hold, cached blocks included (see {@link
     * dev.gatun.tensor.MemoryBudget#deviceLimit}); unbounded for a runtime without a budget.
     *
     * @return the limit in bytes, or {@link Long#MAX_VALUE} without a budget
     */
    default long memoryLimit() {
        return Long.MAX_VALUE;
    }

    /**
     * Sets {@code bytes} bytes at {@code address} to zero.
     *
     * @param address the device address of the first byte
     * @param bytes the number of bytes
     */
    void zero(long address, long bytes);

    /**
     * Copies host {@code src} (all of it) to device address {@code dst}.
     *
     * @param src the source
     * @param dst the destination device address
     */
    void copyIn(MemorySegment src, long dst);

    /**
     * Copies {@code dst.byteSize()} bytes from device address {@code src} into host {@code dst}; returns when done.
     *
     * @param src the source device address
     * @param dst the destination
     */
    void copyOut(long src, MemorySegment dst);

    /**
     * Copies {@code bytes} bytes between two non-overlapping ranges of this device.
     *
     * @param src the source device address
     * @param dst the destination device address
     * @param bytes the number of bytes
     */
    void copyWithin(long src, long dst, long bytes);

    /** Waits until every queued copy and kernel of this device has finished. */
    void synchronize();

    /**
     * A host view of {@code bytes} bytes at device address {@code address}, for devices whose
     * memory the host can map (the fake device); others throw.
     *
     * @param address the device address
     * @param bytes the number of bytes
     * @return the host view of that memory
     */
    default MemorySegment hostView(long address, long bytes) {
        throw new UnsupportedOperationException(device() + ": host code cannot map this device's memory");
    }

    /**
     * Why this runtime cannot capture its stream's work as a {@link DeviceGraph}, or null when it
     * can. Capture is optional: by default a runtime cannot.
     *
     * @return the reason, one line, or null
     */
    default String captureRefusal() {
        return device() + " cannot capture device graphs: CUDA graphs need a CUDA device";
    }

    /**
     * Starts capturing: from now until {@link #endCapture()} the work queued on this runtime's
     * stream is recorded, not run, and blocks allocated belong to the graph. A host
     * synchronization meanwhile ({@link #copyOut}, {@link #synchronize}) is a {@link
     * GraphCaptureException}.
     *
     * @throws UnsupportedOperationException when {@link #captureRefusal()} is not null
     * @throws IllegalStateException when a capture is already under way
     */
    default void beginCapture() {
        throw new UnsupportedOperationException(captureRefusal());
    }

    /**
     * Ends the capture begun by {@link #beginCapture()} and returns what it recorded, owned by the
     * caller. Nothing has run yet: {@link DeviceGraph#launch()} runs it.
     *
     * @return the graph
     * @throws IllegalStateException when no capture is under way
     */
    default DeviceGraph endCapture() {
        throw new IllegalStateException(device() + ": no capture under way");
    }

    /** Ends a capture that failed, discarding what it recorded and releasing its memory; does nothing without one. */
    default void abortCapture() {}

    /** {@return whether a capture is under way on this runtime's stream} */
    default boolean isCapturing() {
        return false;
    }
}
