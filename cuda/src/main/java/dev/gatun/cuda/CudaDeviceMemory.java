package dev.gatun.cuda;

import dev.gatun.bindings.CudaException;
import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.CudaStatus;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.NoGpuException;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import dev.gatun.device.DeviceMemory;
import dev.gatun.device.DeviceMemoryException;
import dev.gatun.device.OutOfDeviceMemoryException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link DeviceMemory} on a CUDA device through the runtime API: cudaMalloc / cudaFree,
 * cudaMemcpyAsync, streams. Host copies go through pinned (cudaMallocHost) staging buffers of
 * {@link #STAGING_BYTES}, reused from a pool of at most {@link #STAGING_POOL}: DMA from pageable
 * memory makes the driver stage through its own buffer and block anyway, and pinning a fresh
 * buffer per copy costs more than the copy. Each chunk is synchronized before its buffer is
 * refilled, so host copies have finished when they return; device-to-device copies are
 * asynchronous. Every status is checked; failures are {@link DeviceMemoryException}s naming the
 * operation and bytes, with the runtime's text in the cause.
 */
public final class CudaDeviceMemory implements DeviceMemory {
    /** Size of one pinned staging buffer. */
    public static final long STAGING_BYTES = 4L << 20;
    /** Staging buffers kept for reuse; more are pinned when copies run concurrently, then freed. */
    public static final int STAGING_POOL = 4;

    private static final int H2D = 1;
    private static final int D2H = 2;
    private static final int D2D = 3;

    private final int device;
    private final ArrayDeque<MemorySegment> staging = new ArrayDeque<>();
    // Sizes of live allocations: for the numbers in out-of-memory messages, and so that freeing a
    // stranger address is our error, not a sticky CUDA one.
    private final Map<Long, Long> live = new ConcurrentHashMap<>();
    private final AtomicLong bytesInUse = new AtomicLong();
    private boolean closed;

    /**
     * Opens device {@code device}. Without a driver or a device this throws {@link NoGpuException}
     * with the runtime's reason; nothing is allocated before that check.
     *
     * @param device the CUDA device number, 0-based
     */
    public CudaDeviceMemory(int device) {
        CudaLibraries.get().require(CudaLibrary.CUDART);
        int count = Gpu.requireGpu();
        if (device < 0 || device >= count) {
            throw new IllegalArgumentException("device must be in [0, " + count + "), got " + device);
        }
        this.device = device;
        select("open", 0);
    }

    @Override
    public String name() {
        return "cuda:" + device;
    }

    @Override
    public long allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocate: bytes must be > 0, got " + bytes);
        }
        select("allocate", bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            int status = cudart_h.cudaMalloc(p, bytes);
            if (status == cudart_h.cudaErrorMemoryAllocation()) {
                cudart_h.cudaGetLastError(); // not sticky: clear it so later calls do not report it
                throw new OutOfDeviceMemoryException(name(), bytes, bytesInUse.get(), 0,
                        CudaStatus.runtimeErrorText(status) + "; " + memoryInfo(arena), null);
            }
            check(status, "cudaMalloc", "allocate", bytes);
            long address = p.get(ValueLayout.ADDRESS, 0).address();
            live.put(address, bytes);
            bytesInUse.addAndGet(bytes);
            return address;
        }
    }

    @Override
    public void free(long address) {
        Long bytes = live.remove(address);
        if (bytes == null) {
            throw new DeviceMemoryException("free: 0x" + Long.toHexString(address) + " is not a live allocation of "
                    + name() + " (freed twice, or never allocated)");
        }
        bytesInUse.addAndGet(-bytes);
        select("free", bytes);
        check(cudart_h.cudaFree(MemorySegment.ofAddress(address)), "cudaFree", "free", bytes);
    }

    /** {@return the device's memory in bytes (cudaMemGetInfo's total), from which its budget is derived} */
    public long totalBytes() {
        select("totalBytes", 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            check(cudart_h.cudaMemGetInfo(free, total), "cudaMemGetInfo", "totalBytes", 0);
            return total.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** {@return the bytes allocated through this object and not freed} */
    public long bytesInUse() {
        return bytesInUse.get();
    }

    @Override
    public void copyHostToDevice(MemorySegment src, long dst, long bytes, long stream) {
        checkHost("copyHostToDevice", src, bytes);
        select("copyHostToDevice", bytes);
        MemorySegment pinned = borrowStaging();
        try {
            for (long off = 0; off < bytes; off += STAGING_BYTES) {
                long n = Math.min(STAGING_BYTES, bytes - off);
                MemorySegment.copy(src, off, pinned, 0, n);
                check(cudart_h.cudaMemcpyAsync(MemorySegment.ofAddress(dst + off), pinned, n, H2D,
                        MemorySegment.ofAddress(stream)), "cudaMemcpyAsync", "copyHostToDevice", bytes);
                synchronize(stream); // before the staging buffer is refilled or given back
            }
        } finally {
            returnStaging(pinned);
        }
    }

    @Override
    public void copyDeviceToHost(long src, MemorySegment dst, long bytes, long stream) {
        checkHost("copyDeviceToHost", dst, bytes);
        select("copyDeviceToHost", bytes);
        MemorySegment pinned = borrowStaging();
        try {
            for (long off = 0; off < bytes; off += STAGING_BYTES) {
                long n = Math.min(STAGING_BYTES, bytes - off);
                check(cudart_h.cudaMemcpyAsync(pinned, MemorySegment.ofAddress(src + off), n, D2H,
                        MemorySegment.ofAddress(stream)), "cudaMemcpyAsync", "copyDeviceToHost", bytes);
                synchronize(stream);
                MemorySegment.copy(pinned, 0, dst, off, n);
            }
        } finally {
            returnStaging(pinned);
        }
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes, long stream) {
        if (bytes < 0) {
            throw new IllegalArgumentException("copyDeviceToDevice: bytes must be >= 0, got " + bytes);
        }
        select("copyDeviceToDevice", bytes);
        check(cudart_h.cudaMemcpyAsync(MemorySegment.ofAddress(dst), MemorySegment.ofAddress(src), bytes, D2D,
                MemorySegment.ofAddress(stream)), "cudaMemcpyAsync", "copyDeviceToDevice", bytes);
    }

    @Override
    public long createStream() {
        select("createStream", 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            check(cudart_h.cudaStreamCreateWithFlags(p, cudart_h.cudaStreamNonBlocking()), "cudaStreamCreateWithFlags",
                    "createStream", 0);
            return p.get(ValueLayout.ADDRESS, 0).address();
        }
    }

    @Override
    public void destroyStream(long stream) {
        if (stream == DEFAULT_STREAM) {
            throw new IllegalArgumentException("destroyStream: the default stream cannot be destroyed");
        }
        check(cudart_h.cudaStreamDestroy(MemorySegment.ofAddress(stream)), "cudaStreamDestroy", "destroyStream", 0);
    }

    @Override
    public void synchronize(long stream) {
        check(cudart_h.cudaStreamSynchronize(MemorySegment.ofAddress(stream)), "cudaStreamSynchronize",
                "synchronize", 0);
    }

    /** Frees the pinned staging buffers. */
    @Override
    public synchronized void close() {
        closed = true;
        while (!staging.isEmpty()) {
            check(cudart_h.cudaFreeHost(staging.pop()), "cudaFreeHost", "close", STAGING_BYTES);
        }
    }

    private synchronized MemorySegment borrowStaging() {
        if (closed) {
            throw new DeviceMemoryException("copy: " + name() + " is closed");
        }
        if (!staging.isEmpty()) {
            return staging.pop();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            check(cudart_h.cudaMallocHost(p, STAGING_BYTES), "cudaMallocHost", "pin a staging buffer", STAGING_BYTES);
            return p.get(ValueLayout.ADDRESS, 0).reinterpret(STAGING_BYTES);
        }
    }

    private synchronized void returnStaging(MemorySegment pinned) {
        if (!closed && staging.size() < STAGING_POOL) {
            staging.push(pinned);
        } else {
            check(cudart_h.cudaFreeHost(pinned), "cudaFreeHost", "free a staging buffer", STAGING_BYTES);
        }
    }

    // The current device is per host thread, so every call that depends on it selects it first.
    private void select(String op, long bytes) {
        check(cudart_h.cudaSetDevice(device), "cudaSetDevice", op, bytes);
    }

    private void check(int status, String function, String op, long bytes) {
        try {
            CudaStatus.checkRuntime(status, function);
        } catch (NoGpuException e) {
            throw e;
        } catch (CudaException e) {
            throw new DeviceMemoryException(op + " of " + bytes + " bytes on " + name() + " failed: " + e.getMessage(), e);
        }
    }

    private static String memoryInfo(Arena arena) {
        MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
        if (cudart_h.cudaMemGetInfo(free, total) != 0) {
            cudart_h.cudaGetLastError();
            return "cudaMemGetInfo failed";
        }
        return "the device has " + free.get(ValueLayout.JAVA_LONG, 0) + " of " + total.get(ValueLayout.JAVA_LONG, 0)
                + " bytes free";
    }

    private static void checkHost(String op, MemorySegment host, long bytes) {
        if (host == null) {
            throw new IllegalArgumentException(op + ": host segment is null");
        }
        if (bytes < 0 || bytes > host.byteSize()) {
            throw new IllegalArgumentException(op + " of " + bytes + " bytes: host segment holds " + host.byteSize()
                    + " bytes");
        }
    }
}
