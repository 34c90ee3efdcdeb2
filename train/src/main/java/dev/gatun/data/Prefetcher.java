package dev.gatun.data;

import dev.gatun.tensor.Scope;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The batches of one epoch, in order, gathered (and augmented) up to {@code depth} batches ahead
 * on a background thread while the caller computes on the current one; with depth 0, on the
 * caller's thread when asked for. Either way batch b is {@link DataLoader#batch(int, int[], int)}
 * for (epoch, order, b), bit for bit: augmentation draws from (seed, epoch, example) alone, not
 * from the thread or the time a batch is made.
 *
 * <p>Each batch lives in a scope of its own, detached from any thread, which the {@link Loaded}
 * handed out owns: close it when the step is done. Closing the prefetcher stops its thread, waits
 * for it and frees the batches it made that were not handed out. A failure while preparing a
 * batch is thrown, with its own type and message, by the {@link #next} that would have returned
 * that batch.
 */
public final class Prefetcher implements AutoCloseable {
    private static final long POLL_MILLIS = 50;

    private final DataLoader loader;
    private final int epoch;
    private final int[] order;
    private final int batches;
    private final BlockingQueue<Object> ready;
    // One permit per batch that may be prepared and not yet handed out: the one in the making counts too.
    private final Semaphore room;
    private final Thread thread;
    private volatile boolean stopped;
    private int handedOut;

    /** A failure of the background thread, queued in place of the batch it was preparing. */
    private record Failure(Throwable error, int batch) {}

    /**
     * A prepared batch and the scope that owns its tensors; closing it frees them.
     *
     * @param batch the batch
     * @param scope the scope of the batch's tensors, detached from any thread
     */
    public record Loaded(DataLoader.Batch batch, Scope scope) implements AutoCloseable {
        /** Frees the batch's tensors. */
        @Override
        public void close() {
            scope.close();
        }
    }

    private Prefetcher(DataLoader loader, int epoch, int[] order, int depth) {
        this.loader = loader;
        this.epoch = epoch;
        this.order = order;
        this.batches = (int) Math.min(loader.batchCount(), (order.length + (long) loader.batchSize() - 1)
                / loader.batchSize());
        this.ready = depth > 0 ? new LinkedBlockingQueue<>() : null;
        this.room = new Semaphore(depth);
        this.thread = depth > 0 ? Thread.ofPlatform().daemon().name("gatun-prefetch-epoch-" + epoch)
                .unstarted(this::prepareAll) : null;
    }

    /**
     * Starts serving the batches of {@code order} as {@code loader} makes them for {@code epoch}.
     *
     * @param loader the loader whose batches to serve
     * @param epoch the epoch, which seeds the augmentation
     * @param order the epoch's example order
     * @param depth how many batches to prepare ahead on a background thread; 0 for none
     * @return the prefetcher; close it when the epoch ends or fails
     */
    public static Prefetcher start(DataLoader loader, int epoch, int[] order, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("prefetch depth must be >= 0, got " + depth);
        }
        Prefetcher p = new Prefetcher(loader, epoch, order, depth);
        if (p.thread != null) {
            p.thread.start();
        }
        return p;
    }

    /** {@return the number of batches this prefetcher serves} */
    public int batchCount() {
        return batches;
    }

    /**
     * The next batch, in order; the caller owns it and closes it.
     *
     * @return the batch and its scope
     * @throws NoSuchElementException after the last batch
     */
    public Loaded next() {
        if (handedOut >= batches) {
            throw new NoSuchElementException("all " + batches + " batches of epoch " + epoch + " were served");
        }
        if (stopped) {
            throw new IllegalStateException("the prefetcher of epoch " + epoch + " is closed");
        }
        int b = handedOut++;
        if (ready == null) {
            return prepare(b);
        }
        Object item;
        try {
            while ((item = ready.poll(POLL_MILLIS, TimeUnit.MILLISECONDS)) == null) {
                if (!thread.isAlive() && ready.isEmpty()) {
                    throw new IllegalStateException("the prefetch thread of epoch " + epoch + " ended before batch " + b);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + b + " of epoch " + epoch, e);
        }
        room.release();
        if (item instanceof Failure f) {
            f.error().addSuppressed(new IllegalStateException("thrown on the prefetch thread while preparing batch "
                    + f.batch() + " of epoch " + epoch));
            switch (f.error()) {
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException(f.error().getMessage(), f.error());
            }
        }
        return (Loaded) item;
    }

    private Loaded prepare(int b) {
        Scope scope = Scope.open("batch " + b + " of epoch " + epoch);
        try {
            DataLoader.Batch batch = loader.batch(epoch, order, b);
            return new Loaded(batch, scope.detach());
        } catch (RuntimeException | Error e) {
            scope.close();
            throw e;
        }
    }

    private void prepareAll() {
        for (int b = 0; b < batches && awaitRoom(); b++) {
            Object item;
            try {
                item = prepare(b);
            } catch (Throwable t) {
                item = new Failure(t, b);
            }
            ready.add(item);
            if (item instanceof Failure) {
                return;
            }
        }
    }

    /** Waits until one more batch may be prepared; false when the prefetcher was closed first. */
    private boolean awaitRoom() {
        try {
            while (!room.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (stopped) {
                    return false;
                }
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the background thread, waits for it, and frees the batches it prepared that were not handed out. */
    @Override
    public void close() {
        stopped = true;
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            freeQueued();
            try {
                thread.join(POLL_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        freeQueued();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void freeQueued() {
        Object item;
        while ((item = ready.poll()) != null) {
            if (item instanceof Loaded l) {
                l.close();
            }
        }
    }
}
