package dev.gatun.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A tensor's memory: a host segment, or an address on a device, with the device it is on. Views
 * share their base tensor's storage.
 *
 * @param device where the memory is
 * @param host the memory on the host; null on a device
 * @param address the address on a device; 0 on the host
 * @param bytes the size in bytes
 */
record Storage(Device device, MemorySegment host, long address, long bytes) {
    static Storage host(MemorySegment segment) {
        return new Storage(Device.CPU, segment, 0, segment.byteSize());
    }
}
