package dev.gatun.studio.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection of the event stream: the events it still has to send, bounded, and the thread
 * that writes them. Publishing only queues; when the queue passes its bounds the client is ended,
 * which interrupts its writer: an interrupted write to a socket channel closes the connection at
 * once, even when the peer has stopped reading and the write is stuck.
 */
final class EventStreamClient {
    /** At most this many events leave the queue at once, so its bounds stay close to the truth. */
    private static final int BATCH = 1000;

    /** The thread that writes to this client's connection. */
    private final Thread writer;
    /** The buffered events it gets before live ones. */
    private List<EncodedEvent> replay;
    /** The most events the queue may hold. */
    private final int maxEvents;
    /** The most bytes the queue may hold. */
    private final long maxBytes;
    /** Guards the queue and the flags below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an event is queued or the client ends. */
    private final Condition changed = lock.newCondition();
    /** The events not yet taken by the writer. */
    private final ArrayDeque<EncodedEvent> queue = new ArrayDeque<>();
    /** The bytes of the queued events. */
    private long queuedBytes;
    /** Whether the client takes no more events. */
    private boolean ended;
    /** Whether the writer has stopped, after which it must not be interrupted. */
    private boolean writerDone;

    /**
     * A client.
     *
     * @param writer the thread that writes to its connection
     * @param replay the buffered events it gets first
     * @param maxEvents the most events its queue may hold
     * @param maxBytes the most bytes its queue may hold
     */
    EventStreamClient(Thread writer, List<EncodedEvent> replay, int maxEvents, long maxBytes) {
        this.writer = writer;
        this.replay = replay;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** {@return the buffered events to send first; only the first call has them} */
    List<EncodedEvent> takeReplay() {
        List<EncodedEvent> events = replay;
        replay = List.of();
        return events;
    }

    /**
     * Queues an event without waiting.
     *
     * @param event the event
     * @return false when the client has ended or the event would pass the queue's bounds, and
     *     then the caller must {@link #end()} it
     */
    boolean offer(EncodedEvent event) {
        lock.lock();
        try {
            if (ended || queue.size() >= maxEvents || queuedBytes + event.size() > maxBytes) {
                return false;
            }
            queue.add(event);
            queuedBytes += event.size();
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for events.
     *
     * @param wait the longest wait
     * @return the queued events, oldest first (at most a batch), or none when the wait passed
     * @throws InterruptedException when the client was ended
     */
    List<EncodedEvent> next(Duration wait) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long nanos = wait.toNanos();
            while (queue.isEmpty() && !ended && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            if (ended) {
                throw new InterruptedException("the event stream's client was ended");
            }
            List<EncodedEvent> batch = new ArrayList<>(Math.min(queue.size(), BATCH));
            while (!queue.isEmpty() && batch.size() < BATCH) {
                EncodedEvent event = queue.poll();
                queuedBytes -= event.size();
                batch.add(event);
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the client: it takes no more events and its writer is interrupted, unless it stopped. */
    void end() {
        lock.lock();
        try {
            ended = true;
            queue.clear();
            queuedBytes = 0;
            if (!writerDone) {
                writer.interrupt();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the writer stopped, so a late {@link #end()} does not interrupt its thread's next task. */
    void writerDone() {
        lock.lock();
        try {
            ended = true;
            writerDone = true;
            queue.clear();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the events waiting to be written} */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
