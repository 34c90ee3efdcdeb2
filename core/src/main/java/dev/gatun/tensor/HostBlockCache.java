package dev.gatun.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Large host blocks kept for reuse after their scope closes, so that a training loop, which
 * opens a scope per step and allocates the same sizes each time, does not map, fault in and
 * zero fresh memory on every step (measured: 6% of a CNN training step went to zeroing new
 * arena memory alone, plus the page faults of first touch).
 *
 * <p>Blocks of at least {@link #MIN_BLOCK} bytes are rounded up to a size class (8 classes per
 * power of two, so at most 12.5% is wasted) and each owns its own arena, which is closed when
 * the cache is over {@link #MAX_CACHED} bytes, or when live and cached bytes together would pass
 * the {@link MemoryBudget}. Scopes carve small tensors from blocks of {@link #MIN_BLOCK} bytes
 * (slabs). A tensor used after its scope closed throws ({@link Tensor#checkAlive()}), and a raw
 * segment kept past it still points into a block here: memory is freed only with its arena, which
 * makes any segment into it throw.
 */
final class HostBlockCache {
    /** Smaller allocations are carved from a slab of this size; larger ones get a block each. */
    static final long MIN_BLOCK = 64 * 1024;
    /** Free bytes kept at most; beyond it returned blocks are freed. */
    static final long MAX_CACHED = Long.getLong("gatun.hostCacheBytes", 1L << 30);

    /** A block of raw memory and the arena that owns it. */
    record Block(MemorySegment memory, Arena arena) {
        long size() {
            return memory.byteSize();
        }
    }

    private static final Map<Long, ArrayDeque<Block>> FREE = new HashMap<>();
    // Written under the class lock; volatile so that Scope's budget check reads it without the lock.
    private static volatile long cachedBytes;

    private HostBlockCache() {}

    /** The size class of a request: 8 steps per power of two, at least MIN_BLOCK. */
    static long sizeClass(long bytes) {
        long b = Math.max(bytes, MIN_BLOCK);
        int shift = 63 - Long.numberOfLeadingZeros(b - 1) - 3; // step = 1/8 of the power of two below
        long step = 1L << Math.max(shift, 12);
        return (b + step - 1) & -step;
    }

    /** A cached block of {@code bytes}' size class (contents left over from its last use), or null. */
    static synchronized Block takeCached(long bytes) {
        long size = sizeClass(bytes);
        ArrayDeque<Block> list = FREE.get(size);
        if (list == null || list.isEmpty()) {
            return null;
        }
        cachedBytes -= size;
        return list.pop();
    }

    /** A fresh, zeroed block of {@code bytes}' size class, in an arena of its own. */
    static Block allocate(long bytes) {
        Arena arena = Arena.ofShared();
        return new Block(arena.allocate(sizeClass(bytes), 64), arena);
    }

    /** Returns a block whose views are all dead (their scope is closed, its bytes no longer live). */
    static synchronized void give(Block b) {
        if (cachedBytes + b.size() > MAX_CACHED
                || cachedBytes + b.size() > MemoryBudget.limit() - Scope.liveBytes()) {
            b.arena().close();
            return;
        }
        FREE.computeIfAbsent(b.size(), k -> new ArrayDeque<>()).push(b);
        cachedBytes += b.size();
    }

    /** Bytes held for reuse. */
    static long cachedBytes() {
        return cachedBytes;
    }

    /** Frees cached blocks, largest first, until at most {@code maxBytes} stay cached. */
    static synchronized void trimTo(long maxBytes) {
        List<Long> sizes = new ArrayList<>(FREE.keySet());
        sizes.sort(Comparator.reverseOrder());
        for (long size : sizes) {
            ArrayDeque<Block> list = FREE.get(size);
            while (cachedBytes > maxBytes && !list.isEmpty()) {
                list.pop().arena().close();
                cachedBytes -= size;
            }
        }
    }

    /** Frees every cached block. */
    static synchronized void clear() {
        for (ArrayDeque<Block> list : FREE.values()) {
            for (Block b : list) {
                b.arena().close();
            }
        }
        FREE.clear();
        cachedBytes = 0;
    }
}
