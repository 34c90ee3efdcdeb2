package dev.gatun.device;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The blocks a {@link CachingAllocator} handed out while a graph was being captured. A captured
 * graph replays at the addresses it was captured with, so these blocks belong to the graph: one
 * freed during or after the capture returns to this pool (as does any block freed during the capture, since the
 * graph may read it where the capture used it), not to the allocator's shared cache,
 * and only later allocations of the same capture reuse it (in stream order, as the replay runs
 * them). {@link #close()} hands every block back: cached ones to the shared cache, those still in
 * use to the shared cache when they are freed.
 */
public final class CapturePool implements AutoCloseable {
    private final CachingAllocator owner;
    private final Map<Long, ArrayDeque<Long>> cached = new HashMap<>();
    private final Set<DeviceBlock> inUse = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private long bytes;
    private boolean closed;

    CapturePool(CachingAllocator owner) {
        this.owner = owner;
    }

    /** {@return the bytes this pool holds, in use and cached; 0 once closed} */
    public long bytes() {
        synchronized (owner) {
            return bytes;
        }
    }

    /** {@return the blocks of this pool still in use} */
    public int blocksInUse() {
        synchronized (owner) {
            return inUse.size();
        }
    }

    /** {@return whether {@link #close()} was called} */
    public boolean isClosed() {
        synchronized (owner) {
            return closed;
        }
    }

    /** Gives the pool's blocks back to the allocator; a second close does nothing. */
    @Override
    public void close() {
        owner.release(this);
    }

    // The methods below are called by the owner, under its lock.

    Long takeCached(long size) {
        ArrayDeque<Long> blocks = cached.get(size);
        return blocks == null || blocks.isEmpty() ? null : blocks.pop();
    }

    void adopt(DeviceBlock block, boolean newToPool) {
        block.pool(this);
        inUse.add(block);
        if (newToPool) {
            bytes += block.size();
        }
    }

    void takeBack(DeviceBlock block) {
        inUse.remove(block);
        cached.computeIfAbsent(block.size(), s -> new ArrayDeque<>()).push(block.rawAddress());
    }

    void takeBackFromOutside(DeviceBlock block) {
        bytes += block.size();
        cached.computeIfAbsent(block.size(), s -> new ArrayDeque<>()).push(block.rawAddress());
    }

    /** Marks the pool closed, detaches its blocks in use and returns its cached blocks, by size. */
    Map<Long, ArrayDeque<Long>> drain() {
        closed = true;
        for (DeviceBlock b : inUse) {
            b.pool(null);
        }
        inUse.clear();
        bytes = 0;
        Map<Long, ArrayDeque<Long>> out = new HashMap<>(cached);
        cached.clear();
        return out;
    }

    boolean closedUnderLock() {
        return closed;
    }
}
