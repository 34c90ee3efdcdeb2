package dev.gatun.device;

/**
 * A snapshot of a {@link CachingAllocator}. Byte counts are of rounded block sizes.
 *
 * @param bytesInUse bytes in blocks handed out and not freed
 * @param bytesCached bytes in freed blocks kept for reuse
 * @param peakBytesInUse the largest {@code bytesInUse} so far
 * @param blocksInUse blocks handed out and not freed
 * @param blocksCached freed blocks kept for reuse
 * @param deviceAllocations calls to the device's allocate that succeeded
 * @param deviceFrees calls to the device's free
 * @param cacheHits allocations served from the cache, without the device
 * @param cacheFlushes times the whole cache was freed to make room: after running out of memory, or to keep
 *     to the budget
 * @param bytesHeldByGraphs bytes in blocks that belong to open graphs' capture pools, in use or freed to the
 *     pool (counted in {@code bytesInUse} or {@code bytesCached} as well), which no one else gets
 */
public record AllocatorStats(long bytesInUse, long bytesCached, long peakBytesInUse, long blocksInUse,
                             long blocksCached, long deviceAllocations, long deviceFrees, long cacheHits,
                             long cacheFlushes, long bytesHeldByGraphs) {
    /**
     * A snapshot with no capture pools.
     *
     * @param bytesInUse bytes in blocks handed out and not freed
     * @param bytesCached bytes in freed blocks kept for reuse
     * @param peakBytesInUse the largest {@code bytesInUse} so far
     * @param blocksInUse blocks handed out and not freed
     * @param blocksCached freed blocks kept for reuse
     * @param deviceAllocations calls to the device's allocate that succeeded
     * @param deviceFrees calls to the device's free
     * @param cacheHits allocations served from the cache, without the device
     * @param cacheFlushes times the whole cache was freed to make room
     */
    public AllocatorStats(long bytesInUse, long bytesCached, long peakBytesInUse, long blocksInUse, long blocksCached,
                          long deviceAllocations, long deviceFrees, long cacheHits, long cacheFlushes) {
        this(bytesInUse, bytesCached, peakBytesInUse, blocksInUse, blocksCached, deviceAllocations, deviceFrees,
                cacheHits, cacheFlushes, 0);
    }
}
