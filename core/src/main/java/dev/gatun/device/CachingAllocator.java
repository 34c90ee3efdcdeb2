package dev.gatun.device;

import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Caches freed device blocks for reuse, as PyTorch's CUDA caching allocator does: cudaMalloc and
 * cudaFree synchronize the device and cost tens of microseconds, while a training step frees and
 * allocates the same sizes over and over.
 *
 * <p>Sizes are rounded up to size classes: to a multiple of 512 bytes up to 1 MiB, and to a
 * multiple of 2 MiB above. Rounding lets a freed block serve the next request of about the same
 * size (batch tails, varying sequence lengths) instead of only the exact same size; 512 bytes
 * keeps the waste of small tensors (biases, scalars) low and keeps blocks aligned for vector
 * loads, and 2 MiB for large ones bounds the number of classes, and so the number of distinct
 * cached sizes that can strand memory, the way PyTorch rounds large segments to 2 MiB. A block is
 * reused only for its own class: blocks are never split, so a larger block would waste more than
 * a class's rounding.
 *
 * <p>When the device runs out of memory, every cached block is freed and the allocation retried
 * once; if that fails too, an {@link OutOfDeviceMemoryException} gives the bytes requested, in use
 * and cached.
 *
 * <p>An allocator made with the device's size keeps to the device budget ({@link
 * MemoryBudget#deviceLimit}): a request that would take the bytes in use and cached past it frees
 * the cache first, and is a {@link MemoryBudgetException} when the bytes in use alone would pass
 * it, before the device is asked. Thread-safe: one lock, held also across the device calls, which is what keeps the
 * counters exact. While a graph is captured, allocations go to its {@link CapturePool}, which keeps them at
 * fixed addresses for replay. Blocks are not tied to streams: a block freed while a stream still uses it must
 * be synchronized first by the caller.
 */
public final class CachingAllocator implements AutoCloseable {
    /** Rounding granule up to {@link #SMALL_LIMIT}. */
    public static final long SMALL_GRANULE = 512;
    /** Largest size rounded to {@link #SMALL_GRANULE}. */
    public static final long SMALL_LIMIT = 1L << 20;
    /** Rounding granule above {@link #SMALL_LIMIT}. */
    public static final long LARGE_GRANULE = 2L << 20;

    private final DeviceMemory device;
    // The device's memory, from which the budget is derived; 0 for an allocator without a budget.
    private final long deviceBytes;
    private final Map<Long, ArrayDeque<Long>> cache = new HashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long peakBytesInUse;
    private long blocksInUse;
    private long blocksCached;
    private long deviceAllocations;
    private long deviceFrees;
    private long cacheHits;
    private long cacheFlushes;
    // The pool of the capture under way, if any: every block allocated meanwhile joins it.
    private CapturePool capturing;
    private long bytesHeldByGraphs;

    /**
     * An allocator over {@code device}, which it uses but does not close, bounded only by the device itself.
     *
     * @param device the device memory to allocate from
     */
    public CachingAllocator(DeviceMemory device) {
        this(device, 0);
    }

    /**
     * An allocator over {@code device} of {@code deviceBytes} bytes that keeps to the device budget
     * ({@link MemoryBudget#deviceLimit(long)} of {@code deviceBytes}); 0 for none.
     *
     * @param device the device memory to allocate from, which it uses but does not close
     * @param deviceBytes the device's total memory in bytes, or 0 for no budget
     * @throws IllegalArgumentException when {@code device} is null or {@code deviceBytes} is negative
     */
    public CachingAllocator(DeviceMemory device, long deviceBytes) {
        if (device == null) {
            throw new IllegalArgumentException("device is null");
        }
        if (deviceBytes < 0) {
            throw new IllegalArgumentException("deviceBytes must be >= 0, got " + deviceBytes);
        }
        this.device = device;
        this.deviceBytes = deviceBytes;
    }

    /**
     * {@return the most bytes in use and cached together: the device budget, or {@link Long#MAX_VALUE} without
     * one}
     */
    public long limit() {
        return deviceBytes == 0 ? Long.MAX_VALUE : MemoryBudget.deviceLimit(deviceBytes);
    }

    /** {@return the device underneath} */
    public DeviceMemory device() {
        return device;
    }

    /**
     * The size class of a request of {@code bytes > 0} bytes: the size of the block it gets.
     *
     * @param bytes the number of bytes
     * @return the size of the block such a request gets
     */
    public static long sizeClass(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be > 0, got " + bytes);
        }
        long granule = bytes <= SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        if (bytes > Long.MAX_VALUE - granule) {
            throw new IllegalArgumentException("bytes " + bytes + " is too large to round to a size class");
        }
        return (bytes + granule - 1) / granule * granule;
    }

    /**
     * A block of at least {@code bytes} bytes, from the cache when one of its size class is there.
     *
     * @param bytes the number of bytes
     * @return the block
     */
    public synchronized DeviceBlock allocate(long bytes) {
        long size = sizeClass(bytes);
        Long own = capturing == null ? null : capturing.takeCached(size);
        ArrayDeque<Long> cached = cache.get(size);
        long address;
        if (own != null) {
            address = own;
            bytesCached -= size;
            blocksCached--;
            cacheHits++;
        } else if (cached != null && !cached.isEmpty()) {
            address = cached.pop();
            bytesCached -= size;
            blocksCached--;
            cacheHits++;
        } else {
            checkBudget(bytes, size);
            address = allocateOnDevice(bytes, size);
        }
        bytesInUse += size;
        blocksInUse++;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
        DeviceBlock block = new DeviceBlock(this, address, size, bytes);
        if (capturing != null) {
            capturing.adopt(block, own == null);
            if (own == null) {
                bytesHeldByGraphs += size;
            }
        }
        return block;
    }

    /**
     * Starts a capture pool: until {@link #endCapturePool}, every block allocated belongs to it
     * (see {@link CapturePool}), and it is served first from the pool's own freed blocks.
     *
     * @return the pool, which the graph captured with it owns and closes
     * @throws IllegalStateException when a capture pool is already active
     */
    public synchronized CapturePool beginCapturePool() {
        if (capturing != null) {
            throw new IllegalStateException(device.name() + ": a capture is already under way");
        }
        capturing = new CapturePool(this);
        return capturing;
    }

    /**
     * Stops adding allocations to {@code pool}; it keeps its blocks until it is closed.
     *
     * @param pool the active pool
     */
    public synchronized void endCapturePool(CapturePool pool) {
        if (capturing != pool) {
            throw new IllegalStateException(device.name() + ": " + pool + " is not the active capture pool");
        }
        capturing = null;
    }

    // CapturePool.close: the pool's freed blocks join the shared cache; its blocks in use will when freed.
    synchronized void release(CapturePool pool) {
        if (pool.closedUnderLock()) {
            return;
        }
        if (capturing == pool) {
            capturing = null;
        }
        bytesHeldByGraphs -= pool.bytes();
        pool.drain().forEach((size, blocks) -> cache.computeIfAbsent(size, s -> new ArrayDeque<>()).addAll(blocks));
    }

    /**
     * Returns {@code block} to the cache; freeing it twice is a {@link DeviceMemoryException}.
     *
     * @param block a block from {@link #allocate}
     */
    public synchronized void free(DeviceBlock block) {
        checkOwned("free", block);
        if (!block.markFreed()) {
            block.checkLive("free");
        }
        if (block.pool() != null) {
            block.pool().takeBack(block);
        } else if (capturing != null) {
            // The graph may still read it where the capture used it: it must not go to anyone else.
            capturing.takeBackFromOutside(block);
            bytesHeldByGraphs += block.size();
        } else {
            cache.computeIfAbsent(block.size(), s -> new ArrayDeque<>()).push(block.rawAddress());
        }
        bytesInUse -= block.size();
        blocksInUse--;
        bytesCached += block.size();
        blocksCached++;
    }

    /** Frees every cached block on the device; blocks in use, and those capture pools hold, are untouched. */
    public synchronized void emptyCache() {
        for (Map.Entry<Long, ArrayDeque<Long>> e : cache.entrySet()) {
            ArrayDeque<Long> blocks = e.getValue();
            while (!blocks.isEmpty()) {
                device.free(blocks.pop());
                deviceFrees++;
                bytesCached -= e.getKey();
                blocksCached--;
            }
        }
        cache.clear();
    }

    /** {@return a snapshot of the counters} */
    public synchronized AllocatorStats stats() {
        return new AllocatorStats(bytesInUse, bytesCached, peakBytesInUse, blocksInUse, blocksCached,
                deviceAllocations, deviceFrees, cacheHits, cacheFlushes, bytesHeldByGraphs);
    }

    /**
     * Copies all of {@code src} into the start of {@code dst}, on {@code stream}.
     *
     * @param src the source
     * @param dst the destination
     * @param stream the stream the copy is queued on
     */
    public void copyHostToDevice(MemorySegment src, DeviceBlock dst, long stream) {
        long bytes = src.byteSize();
        checkRange("copyHostToDevice", dst, bytes);
        device.copyHostToDevice(src, dst.address(), bytes, stream);
    }

    /**
     * Fills all of {@code dst} from the start of {@code src}, on {@code stream}.
     *
     * @param src the source
     * @param dst the destination
     * @param stream the stream the copy is queued on
     */
    public void copyDeviceToHost(DeviceBlock src, MemorySegment dst, long stream) {
        long bytes = dst.byteSize();
        checkRange("copyDeviceToHost", src, bytes);
        device.copyDeviceToHost(src.address(), dst, bytes, stream);
    }

    /**
     * Copies the first {@code bytes} bytes of {@code src} to {@code dst}, on {@code stream}.
     *
     * @param src the source
     * @param dst the destination
     * @param bytes the number of bytes
     * @param stream the stream the copy is queued on
     */
    public void copyDeviceToDevice(DeviceBlock src, DeviceBlock dst, long bytes, long stream) {
        checkRange("copyDeviceToDevice", src, bytes);
        checkRange("copyDeviceToDevice", dst, bytes);
        device.copyDeviceToDevice(src.address(), dst.address(), bytes, stream);
    }

    /** Frees the cache; blocks still in use stay allocated on the device. */
    @Override
    public void close() {
        emptyCache();
    }

    /** Keeps in use plus cached within the budget: frees the cache if that is enough, else refuses. */
    private void checkBudget(long bytes, long size) {
        long limit = limit();
        if (size <= limit - bytesInUse - bytesCached) {
            return;
        }
        if (size > limit - bytesInUse) {
            throw new MemoryBudgetException("allocating " + bytes + " bytes on " + device.name(), size, bytesInUse, limit,
                    "the device memory budget", "-D" + MemoryBudget.DEVICE_PROPERTY);
        }
        emptyCache();
        cacheFlushes++;
    }

    private long allocateOnDevice(long bytes, long size) {
        try {
            long a = device.allocate(size);
            deviceAllocations++;
            return a;
        } catch (OutOfDeviceMemoryException first) {
            long freed = bytesCached;
            emptyCache();
            cacheFlushes++;
            try {
                long a = device.allocate(size);
                deviceAllocations++;
                return a;
            } catch (OutOfDeviceMemoryException second) {
                second.addSuppressed(first);
                throw new OutOfDeviceMemoryException(device.name(), bytes, bytesInUse, bytesCached,
                        "rounded to " + size + " bytes; freed " + freed + " cached bytes and retried once", second);
            }
        }
    }

    private void checkOwned(String op, DeviceBlock block) {
        if (block == null) {
            throw new IllegalArgumentException(op + ": block is null");
        }
        if (block.owner() != this) {
            throw new IllegalArgumentException(op + ": " + block + " belongs to another allocator");
        }
    }

    private void checkRange(String op, DeviceBlock block, long bytes) {
        checkOwned(op, block);
        block.checkLive(op);
        if (bytes < 0 || bytes > block.requested()) {
            throw new IllegalArgumentException(op + " of " + bytes + " bytes: " + block + " holds "
                    + block.requested() + " bytes");
        }
    }
}
