package dev.gatun.device;

/**
 * A block of device memory handed out by a {@link CachingAllocator}. After {@link #free()} every
 * use of it ({@link #address()}, copies, a second free) is a {@link DeviceMemoryException}: the
 * address may already belong to someone else's block.
 */
public final class DeviceBlock {
    private final CachingAllocator owner;
    private final long address;
    private final long size;
    private final long requested;
    private volatile boolean freed;
    // The capture pool that owns this block, if any; guarded by the owner's lock.
    private CapturePool pool;

    DeviceBlock(CachingAllocator owner, long address, long size, long requested) {
        this.owner = owner;
        this.address = address;
        this.size = size;
        this.requested = requested;
    }

    /** {@return the device address; throws once the block is freed} */
    public long address() {
        checkLive("address");
        return address;
    }

    /** {@return the bytes asked for; the block may be larger ({@link #size()})} */
    public long requested() {
        return requested;
    }

    /**
     * {@return the bytes the block really has: {@link #requested()} rounded up to its size class}
     */
    public long size() {
        return size;
    }

    /** {@return whether {@link #free()} was called} */
    public boolean isFreed() {
        return freed;
    }

    /** Returns the block to its allocator's cache. */
    public void free() {
        owner.free(this);
    }

    CachingAllocator owner() {
        return owner;
    }

    CapturePool pool() {
        return pool;
    }

    void pool(CapturePool pool) {
        this.pool = pool;
    }

    long rawAddress() {
        return address;
    }

    // Called by the owner under its lock: true the first time only.
    boolean markFreed() {
        if (freed) {
            return false;
        }
        freed = true;
        return true;
    }

    void checkLive(String op) {
        if (freed) {
            throw new DeviceMemoryException(op + ": block of " + requested + " bytes at 0x"
                    + Long.toHexString(address) + " was already freed (use after free)");
        }
    }

    @Override
    public String toString() {
        return "DeviceBlock[" + requested + " of " + size + " bytes at 0x" + Long.toHexString(address)
                + (freed ? ", freed]" : "]");
    }
}
