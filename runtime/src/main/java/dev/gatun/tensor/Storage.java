package dev.gatun.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A tensor's memory: a host segment (the host and the fake device) or a device address (CUDA),
 * with the device it is on. Views share their base tensor's storage.
 *
 * @param device where the memory is
 * @param host the memory for the host and the fake device; null on CUDA
 * @param address the device address on CUDA; 0 otherwise
 * @param bytes the size in bytes
 */
record Storage(Device device, MemorySegment host, long address, long bytes) {
    static Storage host(MemorySegment segment) {
        return new Storage(Device.CPU, segment, 0, segment.byteSize());
    }
}
