package dev.gatun.device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link DeviceMemory} backed by off-heap host memory, with a fixed capacity so that it can
 * run out, and counters: how allocators and dispatch code are tested on machines without a GPU.
 *
 * <p>Addresses are the host addresses of the backing segments, aligned to 256 bytes like
 * cudaMalloc's. Every copy checks that its whole range lies inside one live allocation, so a
 * stale or freed address is a {@link DeviceMemoryException}, never a crash. Copies run at once
 * on the calling thread; streams exist only to be checked. Thread-safe.
 */
public final class FakeDevice implements DeviceMemory {
    /** cudaMalloc aligns to at least 256 bytes; kernels may rely on it. */
    public static final long ALIGNMENT = 256;

    /**
     * What the device has done so far.
     *
     * @param allocations the allocations made
     * @param frees the allocations freed
     * @param bytesInUse the bytes allocated and not freed
     * @param peakBytesInUse the largest bytesInUse so far
     * @param copies the copies made, in any direction
     */
    public record Counters(long allocations, long frees, long bytesInUse, long peakBytesInUse, long copies) {}

    private record Allocation(Arena arena, MemorySegment segment) {}

    private final long capacity;
    private final TreeMap<Long, Allocation> live = new TreeMap<>();
    private final Set<Long> streams = new HashSet<>();
    private long nextStream = 1;
    private long allocations;
    private long frees;
    private long bytesInUse;
    private long peakBytesInUse;
    private long copies;
    private boolean closed;

    /**
     * A fake device that can hold {@code capacityBytes} bytes at once.
     *
     * @param capacityBytes the most bytes allocated at once
     */
    public FakeDevice(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be > 0, got " + capacityBytes);
        }
        this.capacity = capacityBytes;
        streams.add(DEFAULT_STREAM);
    }

    /** {@return the capacity given to the constructor, in bytes} */
    public long capacity() {
        return capacity;
    }

    @Override
    public String name() {
        return "FakeDevice(" + capacity + " bytes)";
    }

    @Override
    public synchronized long allocate(long bytes) {
        ensureOpen("allocate", bytes);
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocate: bytes must be > 0, got " + bytes);
        }
        if (bytes > capacity - bytesInUse) {
            throw new OutOfDeviceMemoryException(name(), bytes, bytesInUse, 0,
                    "capacity " + capacity + " bytes", null);
        }
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(bytes, ALIGNMENT);
        live.put(segment.address(), new Allocation(arena, segment));
        allocations++;
        bytesInUse += bytes;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
        return segment.address();
    }

    @Override
    public synchronized void free(long address) {
        Allocation a = live.get(address);
        if (a == null) {
            throw new DeviceMemoryException("free: 0x" + Long.toHexString(address) + " is not a live allocation of "
                    + name() + " (freed twice, or never allocated)");
        }
        live.remove(address);
        bytesInUse -= a.segment().byteSize();
        frees++;
        a.arena().close();
    }

    @Override
    public synchronized void copyHostToDevice(MemorySegment src, long dst, long bytes, long stream) {
        String op = "copyHostToDevice";
        checkHost(op, "src", src, bytes);
        MemorySegment d = resolve(op, "dst", dst, bytes, stream);
        MemorySegment.copy(src, 0, d, 0, bytes);
        copies++;
    }

    @Override
    public synchronized void copyDeviceToHost(long src, MemorySegment dst, long bytes, long stream) {
        String op = "copyDeviceToHost";
        checkHost(op, "dst", dst, bytes);
        MemorySegment s = resolve(op, "src", src, bytes, stream);
        MemorySegment.copy(s, 0, dst, 0, bytes);
        copies++;
    }

    @Override
    public synchronized void copyDeviceToDevice(long src, long dst, long bytes, long stream) {
        String op = "copyDeviceToDevice";
        MemorySegment s = resolve(op, "src", src, bytes, stream);
        MemorySegment d = resolve(op, "dst", dst, bytes, stream);
        if (src < dst + bytes && dst < src + bytes && bytes > 0) {
            throw new DeviceMemoryException(op + " of " + bytes + " bytes: src 0x" + Long.toHexString(src)
                    + " and dst 0x" + Long.toHexString(dst) + " overlap");
        }
        MemorySegment.copy(s, 0, d, 0, bytes);
        copies++;
    }

    @Override
    public synchronized long createStream() {
        ensureOpen("createStream", 0);
        long s = nextStream++;
        streams.add(s);
        return s;
    }

    @Override
    public synchronized void destroyStream(long stream) {
        if (stream == DEFAULT_STREAM || !streams.remove(stream)) {
            throw new DeviceMemoryException("destroyStream: " + stream + " is not a stream created on " + name());
        }
    }

    @Override
    public synchronized void synchronize(long stream) {
        checkStream("synchronize", stream, 0);
    }

    /** {@return a snapshot of the counters} */
    public synchronized Counters counters() {
        return new Counters(allocations, frees, bytesInUse, peakBytesInUse, copies);
    }

    /**
     * Whether {@code address} starts a live allocation.
     *
     * @param address a device address
     * @return whether address starts a live allocation
     */
    public synchronized boolean isLive(long address) {
        return live.containsKey(address);
    }

    /**
     * The host memory behind {@code bytes} bytes at device address {@code address}, for tests that
     * look at device contents; valid until that allocation is freed.
     *
     * @param address a device address
     * @param bytes the number of bytes
     * @return the host memory behind that range
     */
    public synchronized MemorySegment view(long address, long bytes) {
        return resolve("view", "address", address, bytes, DEFAULT_STREAM);
    }

    /** Frees every live allocation: the end of the fake device's life. */
    @Override
    public synchronized void close() {
        for (Allocation a : live.values()) {
            a.arena().close();
        }
        frees += live.size();
        live.clear();
        bytesInUse = 0;
        closed = true;
    }

    private MemorySegment resolve(String op, String which, long address, long bytes, long stream) {
        checkStream(op, stream, bytes);
        if (bytes < 0) {
            throw new IllegalArgumentException(op + ": bytes must be >= 0, got " + bytes);
        }
        Map.Entry<Long, Allocation> e = live.floorEntry(address);
        if (e == null || address + bytes > e.getKey() + e.getValue().segment().byteSize()) {
            throw new DeviceMemoryException(op + " of " + bytes + " bytes: " + which + " 0x"
                    + Long.toHexString(address) + " is not inside a live allocation of " + name()
                    + " (freed, never allocated, or the range runs past its end)");
        }
        return e.getValue().segment().asSlice(address - e.getKey(), bytes);
    }

    private void checkStream(String op, long stream, long bytes) {
        ensureOpen(op, bytes);
        if (!streams.contains(stream)) {
            throw new DeviceMemoryException(op + " of " + bytes + " bytes: stream " + stream
                    + " does not exist on " + name());
        }
    }

    private static void checkHost(String op, String which, MemorySegment host, long bytes) {
        if (host == null) {
            throw new IllegalArgumentException(op + ": " + which + " is null");
        }
        if (bytes < 0 || bytes > host.byteSize()) {
            throw new IllegalArgumentException(op + " of " + bytes + " bytes: host " + which + " holds "
                    + host.byteSize() + " bytes");
        }
    }

    private void ensureOpen(String op, long bytes) {
        if (closed) {
            throw new DeviceMemoryException(op + " of " + bytes + " bytes: " + name() + " is closed");
        }
    }
}
