package dev.gatun.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The owner of tensor memory: an {@link Arena} the caller opens and closes.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor y = model.forward(x);   // y and every intermediate live in 'step'
 * }                                  // all freed here; using y afterwards throws
 * }</pre>
 *
 * <p>Ops allocate their results in the innermost scope opened on the current thread. The arena
 * is shared, not confined, because CPU kernels read and write tensors from worker threads.
 * There are no finalizers: memory lives exactly as long as its scope.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Deque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final Arena arena = Arena.ofShared();
    private final String name;
    private final Thread owner = Thread.currentThread();
    private long bytes;
    private boolean closed;

    private Scope(String name) {
        this.name = name;
    }

    /** Opens a scope and makes it the current one on this thread until it is closed. */
    public static Scope open() {
        return open("scope");
    }

    /** Opens a named scope (the name shows up in use-after-close errors). */
    public static Scope open(String name) {
        Scope s = new Scope(name);
        OPEN.get().push(s);
        return s;
    }

    /** The innermost open scope of this thread. */
    public static Scope current() {
        Scope s = OPEN.get().peek();
        if (s == null) {
            throw new IllegalStateException(
                    "no open Scope on this thread: create tensors inside try (Scope s = Scope.open()) { ... }");
        }
        return s;
    }

    /** Bytes held by all scopes that are still open, process-wide. Flat across training steps when nothing leaks. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** Allocates zeroed, 64-byte aligned memory owned by this scope. */
    public MemorySegment allocate(long byteSize) {
        if (closed) {
            throw new IllegalStateException("scope '" + name + "' is closed: cannot allocate in it");
        }
        if (byteSize < 0) {
            throw new IllegalArgumentException("negative allocation size " + byteSize);
        }
        MemorySegment seg = arena.allocate(Math.max(byteSize, 1), 64);
        synchronized (this) {
            bytes += byteSize;
        }
        LIVE_BYTES.addAndGet(byteSize);
        return seg;
    }

    /** The arena, for code that maps files or allocates raw memory owned by this scope. */
    public Arena arena() {
        return arena;
    }

    /** This scope's name. */
    public String name() {
        return name;
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !closed;
    }

    /** Frees every tensor of this scope. Closing twice is a no-op. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("scope '" + name + "' must be closed by the thread that opened it");
        }
        closed = true;
        OPEN.get().remove(this);
        arena.close();
        LIVE_BYTES.addAndGet(-bytes);
    }

    @Override
    public String toString() {
        return "Scope[" + name + (closed ? ", closed" : "") + ", " + bytes + " bytes]";
    }
}
