package dev.gatun.device;

import java.lang.foreign.MemorySegment;

/**
 * Raw memory of one device: allocation, copies and streams, with device addresses as plain longs.
 * Implementations check their arguments and turn every failure into a {@link
 * DeviceMemoryException} naming the operation and the byte count; running out of memory is an
 * {@link OutOfDeviceMemoryException}, which a {@link CachingAllocator} can recover from.
 *
 * <p>Copies are ordered on a stream and may return before they finish; {@link #synchronize}
 * waits for them. Stream {@link #DEFAULT_STREAM} always exists. Host segments passed to a copy
 * must stay alive until the stream is synchronized.
 */
public interface DeviceMemory extends AutoCloseable {
    /** The stream that exists without {@link #createStream()}: CUDA's legacy default stream. */
    long DEFAULT_STREAM = 0L;

    /**
     * {@return a short name for messages, e.g. {@code "FakeDevice(64 MiB)"} or {@code "cuda:0"}}
     */
    String name();

    /**
     * Allocates {@code bytes > 0} bytes and returns their device address.
     *
     * @param bytes the number of bytes
     * @return the device address of the allocation
     */
    long allocate(long bytes);

    /**
     * Frees an address returned by {@link #allocate}; freeing anything else is an error.
     *
     * @param address an address from {@link #allocate}
     */
    void free(long address);

    /**
     * Copies {@code bytes} from host {@code src} (from its start) to device address {@code dst}.
     *
     * @param src the source
     * @param dst the destination device address
     * @param bytes the number of bytes
     * @param stream the stream the copy is queued on
     */
    void copyHostToDevice(MemorySegment src, long dst, long bytes, long stream);

    /**
     * Copies {@code bytes} from device address {@code src} into host {@code dst} (from its start).
     *
     * @param src the source device address
     * @param dst the destination
     * @param bytes the number of bytes
     * @param stream the stream the copy is queued on
     */
    void copyDeviceToHost(long src, MemorySegment dst, long bytes, long stream);

    /**
     * Copies {@code bytes} between two device addresses; the ranges must not overlap.
     *
     * @param src the source device address
     * @param dst the destination device address
     * @param bytes the number of bytes
     * @param stream the stream the copy is queued on
     */
    void copyDeviceToDevice(long src, long dst, long bytes, long stream);

    /**
     * Creates a stream whose work may overlap other streams'.
     *
     * @return the new stream's handle
     */
    long createStream();

    /**
     * Destroys a stream from {@link #createStream()} after its work finishes.
     *
     * @param stream the stream to destroy
     */
    void destroyStream(long stream);

    /**
     * Waits until everything queued on {@code stream} has finished.
     *
     * @param stream the stream to wait for
     */
    void synchronize(long stream);

    /** Releases what the implementation itself holds (staging buffers, streams); not the allocations. */
    @Override
    void close();
}
