package dev.gatun.device;

/**
 * A captured sequence of device work, replayed by {@link #launch()} on the stream it was captured
 * on, reading and writing the same addresses each time. It owns the memory allocated during its
 * capture (a {@link CapturePool}), which no one else gets until {@link #close()}.
 * Using it after close is an {@link IllegalStateException}.
 */
public abstract class DeviceGraph implements AutoCloseable {
    private final CapturePool pool;
    private boolean closed;

    /**
     * A graph owning {@code pool}.
     *
     * @param pool the memory allocated during the capture, released on close
     */
    protected DeviceGraph(CapturePool pool) {
        this.pool = pool;
    }

    /** Queues one replay of the captured work on the device's stream; does not wait for it. */
    public final synchronized void launch() {
        if (closed) {
            throw new IllegalStateException("launch: " + this + " is closed");
        }
        replay();
    }

    /** {@return the number of operations captured, for logs and tests} */
    public abstract int operations();

    /** {@return whether {@link #close()} was called} */
    public final synchronized boolean isClosed() {
        return closed;
    }

    /** Releases the graph and gives its memory back to the allocator; a second close does nothing. */
    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            release();
        } finally {
            pool.close();
        }
    }

    /** Queues the captured work once. */
    protected abstract void replay();

    /** Frees the device's graph objects (not the pool). */
    protected abstract void release();
}
