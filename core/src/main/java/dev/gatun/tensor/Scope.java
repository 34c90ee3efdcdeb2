package dev.gatun.tensor;

import dev.gatun.device.DeviceBlock;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The owner of tensor memory: a lifetime the caller opens and closes.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor y = model.forward(x);   // y and every intermediate live in 'step'
 * }                                  // all freed here; using y afterwards throws
 * }</pre>
 *
 * <p>Ops allocate their results in the innermost scope opened on the current thread. Memory
 * comes from host blocks kept for reuse: small tensors are carved from 64 KiB slabs, larger ones
 * get a block of their own. Each block belongs to a shared arena (CPU kernels touch tensors from
 * worker threads) that stays open while the block is cached, so closing a scope frees nothing
 * with an arena of its own. Closing a shared arena stops every thread of the process for a
 * handshake: about 15 µs on these hosts, a third of a small network's training step, and more the
 * more threads the process runs. A tensor used after its scope closed throws
 * ({@link Tensor#checkAlive()}); its raw segment, if code kept one, points into a cached block
 * and never into freed memory, since a block is freed only by closing its arena. There are no
 * finalizers.
 *
 * <p>Every allocation is counted against the {@link MemoryBudget} before it is made: one beyond it
 * is a {@link MemoryBudgetException} naming the tensor, its size, what is held and the budget, and
 * nothing is allocated. The host blocks cached for reuse count as held too, since the process
 * holds them: they are freed first when a request needs their room, and are not kept when keeping
 * them would pass the budget.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Deque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    // Tests set this so that an op which promised to overwrite its output but left a gap reads
    // NaN (all bits set) there and fails loudly, instead of passing on leftover zeros.
    private static final boolean POISON = Boolean.getBoolean("gatun.poisonUninitialized");

    private final String name;
    private final Thread owner = Thread.currentThread();
    private final List<HostBlockCache.Block> blocks = new ArrayList<>();
    // Only code that asks for the arena (mapped files, raw memory) pays for one and its close.
    private Arena arena;
    // The slab small tensors are carved from now, how much of it is used, and whether it is fresh
    // (zeroed, never handed out) rather than reused with its last contents.
    private HostBlockCache.Block slab;
    private long slabUsed;
    private boolean slabFresh;
    // Device memory goes back to its allocator's cache on close; the device's single stream orders
    // any work still queued on it before the block's next use.
    private final List<DeviceBlock> deviceBlocks = new ArrayList<>();
    private long bytes;
    private boolean closed;
    private boolean detached;

    /**
     * The owner of a device tensor's host view ({@code Tensor.deviceHostView}): never closed, owns
     * no memory. A fake-device kernel holds its tensors' addresses as a CUDA kernel does, so that a
     * graph replays it after the scope of a temporary it used has closed; the memory itself stays
     * the allocator's (or a capture pool's), and the tensor was checked alive when the view was made.
     */
    static final Scope KERNEL_VIEWS = new Scope("device kernel views");

    private Scope(String name) {
        this.name = name;
    }

    /**
     * Opens a scope and makes it the current one on this thread until it is closed.
     *
     * @return the new current scope
     */
    public static Scope open() {
        return open("scope");
    }

    /**
     * Opens a named scope (the name shows up in use-after-close errors).
     *
     * @param name the scope's name
     * @return the new current scope
     */
    public static Scope open(String name) {
        Scope s = new Scope(name);
        OPEN.get().push(s);
        return s;
    }

    /** {@return the innermost open scope of this thread} */
    public static Scope current() {
        Scope s = OPEN.get().peek();
        if (s == null) {
            throw new IllegalStateException(
                    "no open Scope on this thread: create tensors inside try (Scope s = Scope.open()) { ... }");
        }
        return s;
    }

    /**
     * {@return the host bytes kept for reuse by later scopes (freed with {@link
     * #releaseCachedMemory()})}
     */
    public static long cachedBytes() {
        return HostBlockCache.cachedBytes();
    }

    /** Frees the host memory kept for reuse; tensors of open scopes are not affected. */
    public static void releaseCachedMemory() {
        HostBlockCache.clear();
    }

    /**
     * Bytes held by all scopes that are still open, process-wide; allocations of 64 KiB and more
     * count at their block's size class, up to 12.5% over the request. Flat across training steps
     * when nothing leaks.
     *
     * @return the bytes held, 0 or more
     */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /**
     * Allocates zeroed, 64-byte aligned memory owned by this scope.
     *
     * @param byteSize the number of bytes
     * @return the memory, valid until this scope closes
     * @throws MemoryBudgetException when the held bytes would pass the {@link MemoryBudget}; nothing is allocated
     */
    public MemorySegment allocate(long byteSize) {
        return allocate(byteSize, true, null, null);
    }

    /**
     * Allocates 64-byte aligned memory owned by this scope whose contents are unspecified (left
     * over from an earlier, closed scope), for outputs an op overwrites completely: it skips
     * zeroing, which costs as much as writing the result.
     *
     * @param byteSize the number of bytes
     * @return the memory
     */
    public MemorySegment allocateUninitialized(long byteSize) {
        return allocate(byteSize, false, null, null);
    }

    /** Host memory for a tensor of {@code dtype} and {@code shape} (both null when unknown, for messages). */
    MemorySegment allocate(long byteSize, boolean zero, DType dtype, int[] shape) {
        if (closed) {
            throw new IllegalStateException("scope '" + name + "' is closed: cannot allocate in it");
        }
        if (byteSize < 0) {
            throw new IllegalArgumentException("negative allocation size " + byteSize);
        }
        boolean large = byteSize >= HostBlockCache.MIN_BLOCK;
        // A large block is held at its size class, up to 12.5% more than asked for.
        long held = large ? HostBlockCache.sizeClass(byteSize) : byteSize;
        reserve(held, dtype, shape);
        MemorySegment seg;
        try {
            seg = large ? ownBlock(byteSize, held, zero) : carve(byteSize, zero);
        } catch (RuntimeException | Error e) {
            LIVE_BYTES.addAndGet(-held);
            throw e;
        }
        if (!zero && POISON) {
            seg.fill((byte) -1);
        }
        return seg;
    }

    /** A block of its own for a large tensor: fresh blocks come zeroed, reused ones hold their last contents. */
    private MemorySegment ownBlock(long byteSize, long held, boolean zero) {
        HostBlockCache.Block cached = HostBlockCache.takeCached(byteSize);
        HostBlockCache.Block block = cached != null ? cached : HostBlockCache.allocate(byteSize);
        synchronized (this) {
            blocks.add(block);
            bytes += held;
        }
        MemorySegment seg = block.memory().asSlice(0, byteSize);
        if (zero && cached != null) {
            seg.fill((byte) 0);
        }
        return seg;
    }

    /**
     * A small tensor's memory, 64-byte aligned, from this scope's current slab or a new one. The
     * slab's unused tail is not counted against the budget: at most 64 KiB per open scope.
     */
    private MemorySegment carve(long byteSize, boolean zero) {
        long size = (Math.max(byteSize, 1) + 63) & -64L;
        MemorySegment seg;
        boolean fresh;
        synchronized (this) {
            if (slab == null || slabUsed + size > slab.size()) {
                HostBlockCache.Block cached = HostBlockCache.takeCached(HostBlockCache.MIN_BLOCK);
                slab = cached != null ? cached : HostBlockCache.allocate(HostBlockCache.MIN_BLOCK);
                slabFresh = cached == null;
                slabUsed = 0;
                blocks.add(slab);
            }
            seg = slab.memory().asSlice(slabUsed, Math.max(byteSize, 1));
            slabUsed += size;
            bytes += byteSize;
            fresh = slabFresh;
        }
        if (zero && !fresh) {
            seg.fill((byte) 0);
        }
        return seg;
    }

    /**
     * Counts {@code held} bytes as live, or refuses them: the hot path is one atomic add and a
     * compare. Cached blocks count as held, and are freed when the live bytes alone fit.
     */
    private void reserve(long held, DType dtype, int[] shape) {
        long limit = MemoryBudget.limit();
        long live = held > limit ? -1 : LIVE_BYTES.addAndGet(held);
        if (live >= 0 && live <= limit - HostBlockCache.cachedBytes()) {
            return;
        }
        if (live >= 0 && live <= limit) {
            HostBlockCache.trimTo(limit - live);
            return;
        }
        if (live >= 0) {
            LIVE_BYTES.addAndGet(-held);
        }
        throw new MemoryBudgetException(describe(dtype, shape), held, live < 0 ? LIVE_BYTES.get() : live - held,
                limit, "the memory budget", "--max-memory or -D" + MemoryBudget.PROPERTY);
    }

    private String describe(DType dtype, int[] shape) {
        return "a " + (dtype == null ? "block of memory" : dtype.label() + Shape.str(shape) + " tensor")
                + " in scope '" + name + "'";
    }

    /**
     * Allocates {@code bytes} on {@code device}, owned by this scope: host memory, or a block from
     * the device's allocator, given back to its cache when the scope closes.
     */
    Storage allocateOn(Device device, long bytes, boolean zero, DType dtype, int[] shape) {
        if (device.isHost()) {
            return Storage.host(allocate(bytes, zero, dtype, shape));
        }
        if (closed) {
            throw new IllegalStateException("scope '" + name + "' is closed: cannot allocate in it");
        }
        DeviceRuntime rt = DeviceRuntimes.of(device);
        DeviceBlock block;
        try {
            block = rt.allocate(Math.max(bytes, 1));
        } catch (MemoryBudgetException e) {
            throw e.about("a " + dtype.label() + Shape.str(shape) + " tensor on " + device + " in scope '" + name + "'");
        }
        synchronized (this) {
            deviceBlocks.add(block);
        }
        if (zero) {
            rt.zero(block.address(), Math.max(bytes, 1));
        }
        return new Storage(device, null, block.address(), bytes);
    }

    /**
     * {@return the arena, for code that maps files or allocates raw memory owned by this scope}
     * It is made on the first call and closed with the scope; tensors do not use it.
     */
    public synchronized Arena arena() {
        if (closed) {
            throw new IllegalStateException("scope '" + name + "' is closed: it has no arena");
        }
        if (arena == null) {
            arena = Arena.ofShared();
        }
        return arena;
    }

    /** {@return this scope's name} */
    public String name() {
        return name;
    }

    /** {@return whether this scope is still open, until {@link #close()}} */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Takes this scope off its thread's stack of open scopes, for memory an object keeps beyond
     * the code that filled it (a predictor's model until the predictor closes): ops on this thread
     * allocate in the scope below it again, its tensors stay valid, and any one thread may close
     * it. Only the thread that opened it may detach it.
     *
     * @return this scope
     */
    public Scope detach() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("scope '" + name + "' can only be detached by the thread that opened it");
        }
        if (closed) {
            throw new IllegalStateException("scope '" + name + "' is closed: cannot detach it");
        }
        OPEN.get().remove(this);
        detached = true;
        return this;
    }

    /**
     * Frees every tensor of this scope. Closing twice is a no-op. Only the thread that opened it
     * may close it, unless it was {@link #detach() detached}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!detached && Thread.currentThread() != owner) {
            throw new IllegalStateException("scope '" + name + "' must be closed by the thread that opened it");
        }
        closed = true;
        if (!detached) {
            OPEN.get().remove(this);
        }
        synchronized (this) {
            if (arena != null) {
                arena.close();
            }
        }
        // Before the blocks go to the cache, which keeps them only within the budget.
        LIVE_BYTES.addAndGet(-bytes);
        // Tensors of this scope now throw when used, so another scope may reuse the blocks.
        for (HostBlockCache.Block b : blocks) {
            HostBlockCache.give(b);
        }
        blocks.clear();
        slab = null;
        for (DeviceBlock b : deviceBlocks) {
            b.free();
        }
        deviceBlocks.clear();
    }

    @Override
    public String toString() {
        return "Scope[" + name + (closed ? ", closed" : "") + ", " + bytes + " bytes]";
    }
}
