package dev.gatun.studio.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one event stream of Studio ({@code GET /api/events}, Server-Sent Events): every event gets
 * the next id of one global sequence from 1 and goes to every connected client; the latest are
 * kept in a ring buffer, which a new client gets whole and a reconnecting one gets after its
 * {@code Last-Event-ID}. Publishing never waits on a client: each has a bounded queue and its own
 * writer thread, and one that falls too far behind is dropped (the browser reconnects).
 */
public final class EventChannel implements AutoCloseable {
    /** The events the ring buffer keeps. */
    public static final int BUFFER_EVENTS = 50_000;
    /** The unsent events past which a client is dropped. */
    public static final int CLIENT_QUEUE_EVENTS = 10_000;
    /** The unsent bytes past which a client is dropped: 8 MiB. */
    public static final long CLIENT_QUEUE_BYTES = 8L << 20;
    /** How often an idle stream gets a {@code : ping} comment. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(15);

    /** Sent first: the browser reconnects after 1 s when the stream breaks. */
    private static final byte[] RETRY = "retry: 1000\n\n".getBytes(StandardCharsets.US_ASCII);
    /** A comment that keeps an idle connection (and any proxy) open. */
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    /** The most bytes the ring buffer keeps. */
    public static final long BUFFER_BYTES = 64L << 20;
    /** The ring buffer: event {@code id} is at {@code (id - 1) % length}; null once dropped. */
    private final EncodedEvent[] ring;
    /** The most events a client's queue may hold. */
    private final int maxQueuedEvents;
    /** The most bytes a client's queue may hold. */
    private final long maxQueuedBytes;
    /** How long a stream stays silent before a ping. */
    private final Duration pingInterval;
    /** Guards the ring, the sequence, the clients and the closed flag; never held while writing. */
    private final Object lock = new Object();
    /** The clients connected now. */
    private final List<EventStreamClient> clients = new ArrayList<>();
    /** The id of the latest event, 0 before the first. */
    private long lastId;
    /** The bytes of the events in the ring buffer. */
    private long bufferedBytes;
    /** Below this id every event has left the buffer by the byte bound. */
    private long oldestKept = 1;
    /** Per key, the id of the latest event published with it. */
    private final java.util.Map<String, Long> latest = new java.util.HashMap<>();
    private final long maxBufferedBytes;
    /** Whether the channel has been closed. */
    private boolean closed;
    /** The writer threads still streaming, a dropped client's included until its connection is closed. */
    private final AtomicInteger writers = new AtomicInteger();

    /** A channel with the protocol's bounds. */
    public EventChannel() {
        this(BUFFER_EVENTS, BUFFER_BYTES, CLIENT_QUEUE_EVENTS, CLIENT_QUEUE_BYTES, PING_INTERVAL);
    }

    /**
     * A channel with other bounds, for tests.
     *
     * @param bufferEvents the events the ring buffer keeps
     * @param bufferBytes the bytes the ring buffer keeps
     * @param maxQueuedEvents the unsent events past which a client is dropped
     * @param maxQueuedBytes the unsent bytes past which a client is dropped
     * @param pingInterval how long a stream stays silent before a ping
     */
    EventChannel(int bufferEvents, long bufferBytes, int maxQueuedEvents, long maxQueuedBytes, Duration pingInterval) {
        this.ring = new EncodedEvent[bufferEvents];
        this.maxBufferedBytes = bufferBytes;
        this.maxQueuedEvents = maxQueuedEvents;
        this.maxQueuedBytes = maxQueuedBytes;
        this.pingInterval = pingInterval;
    }

    /**
     * Publishes an event to every client and the buffer. Thread-safe; never waits on a client.
     *
     * @param type the event's type, e.g. {@code batch}
     * @param json its data: one JSON object, already written on one line
     * @return the event's id
     * @throws IllegalArgumentException when the type is empty or either argument has a line break
     *     (which would split the event on the wire)
     */
    public long publish(String type, String json) {
        return publish(type, json, null);
    }

    /**
     * Publishes an event that makes the buffered one with the same {@code key} obsolete, such as the
     * latest picture of a run's weights: a client that connects later gets only the newest.
     * Clients already connected get every event.
     *
     * @param type the event's type, e.g. {@code weights}
     * @param json its data: one JSON object, already written on one line
     * @param key what it supersedes, e.g. {@code p1/weights}; null for an event kept in full
     * @return the event's id
     * @throws IllegalArgumentException when the type is empty or either argument has a line break
     */
    public long publish(String type, String json, String key) {
        if (type == null || type.isEmpty() || type.indexOf('\n') >= 0 || type.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an event's type is one non-empty line, got '" + type + "'");
        }
        if (json == null || json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the data of event '" + type + "' must be JSON on one line");
        }
        byte[] rest = ("event: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        List<EventStreamClient> dropped = new ArrayList<>(0);
        long id;
        synchronized (lock) {
            id = ++lastId;
            EncodedEvent event = new EncodedEvent(id, ("id: " + id + "\n").getBytes(StandardCharsets.US_ASCII), rest);
            if (key != null) {
                Long previous = latest.put(key, id);
                if (previous != null) {
                    forget(previous);
                }
            }
            forget(id - ring.length);
            ring[(int) ((id - 1) % ring.length)] = event;
            bufferedBytes += event.size();
            // Past the byte bound the oldest events go first, as they would past the event bound.
            while (bufferedBytes > maxBufferedBytes && oldestKept < id) {
                forget(oldestKept++);
            }
            for (EventStreamClient client : clients) {
                if (!client.offer(event)) {
                    dropped.add(client);
                }
            }
            clients.removeAll(dropped);
        }
        dropped.forEach(EventStreamClient::end);
        return id;
    }

    /** Drops event {@code id} from the buffer, if it is still there. */
    private void forget(long id) {
        if (id < 1) {
            return;
        }
        int slot = (int) ((id - 1) % ring.length);
        EncodedEvent e = ring[slot];
        if (e != null && e.id() == id) {
            bufferedBytes -= e.size();
            ring[slot] = null;
        }
    }

    /** {@return the id of the latest event, 0 before the first} */
    public long lastId() {
        synchronized (lock) {
            return lastId;
        }
    }

    /** {@return how many clients are connected} */
    public int clients() {
        synchronized (lock) {
            return clients.size();
        }
    }

    /** {@return the writer threads still streaming, a dropped client's until its connection is closed} */
    int writers() {
        return writers.get();
    }

    /** Ends every stream; later connections are refused. Idempotent. */
    @Override
    public void close() {
        List<EventStreamClient> ending;
        synchronized (lock) {
            closed = true;
            ending = List.copyOf(clients);
            clients.clear();
        }
        ending.forEach(EventStreamClient::end);
    }

    /**
     * Streams to one connection until it breaks, is dropped or the channel closes; the calling
     * thread is the client's writer.
     *
     * @param exchange the request, already past the access checks
     * @throws IOException when the answer cannot be started
     */
    void serve(HttpExchange exchange) throws IOException {
        Long after = lastEventId(exchange);
        EventStreamClient client = subscribe(after);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        if (client == null) {
            exchange.sendResponseHeaders(503, -1);
            return;
        }
        writers.incrementAndGet();
        try {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(RETRY);
            write(out, client.takeReplay());
            out.flush();
            while (true) {
                List<EncodedEvent> batch = client.next(pingInterval);
                if (batch.isEmpty()) {
                    out.write(PING);
                } else {
                    write(out, batch);
                }
                out.flush();
            }
        } catch (InterruptedException dropped) {
            // Closing the exchange with the flag set closes the connection at once, rather than
            // writing the stream's last chunk to a peer that may never read it.
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // The client went away, or its connection was closed by an interrupt.
        } finally {
            unsubscribe(client);
            exchange.close();
            client.writerDone();
            Thread.interrupted();
            writers.decrementAndGet();
        }
    }

    private static void write(OutputStream out, List<EncodedEvent> events) throws IOException {
        for (EncodedEvent event : events) {
            out.write(event.idLine());
            out.write(event.rest());
        }
    }

    /**
     * Registers the calling thread's client with the events it missed.
     *
     * @param after the last id the client has, or null for a new client
     * @return the client, or null when the channel is closed
     */
    private EventStreamClient subscribe(Long after) {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            long oldest = Math.max(1, lastId - ring.length + 1);
            // An id past the latest comes from before a restart of Studio: the client has none of these.
            long from = after == null || after > lastId ? oldest : Math.max(after + 1, oldest);
            List<EncodedEvent> replay = new ArrayList<>((int) Math.max(0, lastId - from + 1));
            for (long id = from; id <= lastId; id++) {
                EncodedEvent e = ring[(int) ((id - 1) % ring.length)];
                if (e != null && e.id() == id) {
                    replay.add(e);
                }
            }
            EventStreamClient client = new EventStreamClient(Thread.currentThread(), replay,
                    maxQueuedEvents, maxQueuedBytes);
            clients.add(client);
            return client;
        }
    }

    private void unsubscribe(EventStreamClient client) {
        synchronized (lock) {
            clients.remove(client);
        }
    }

    /** The {@code Last-Event-ID} header, or {@code ?lastEventId=}; null when absent or not a number. */
    private static Long lastEventId(HttpExchange exchange) {
        String text = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        if (text == null) {
            try {
                text = QueryString.parse(exchange.getRequestURI().getRawQuery()).get("lastEventId");
            } catch (ApiException malformed) {
                text = null;
            }
        }
        if (text == null) {
            return null;
        }
        try {
            long id = Long.parseLong(text.strip());
            return id < 0 ? null : id;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
