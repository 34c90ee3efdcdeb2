package dev.gatun.studio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventChannelTest {
    private StudioServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(EventChannel events) throws IOException {
        server = StudioServer.start(ServerOptions.defaults(), events);
    }

    /** Opens the stream; its close ends the connection. */
    private TestHttp.EventStream connect(String query, String lastEventIdHeader) throws IOException {
        Map<String, String> headers = new HashMap<>(TestHttp.token(server));
        if (lastEventIdHeader != null) {
            headers.put("Last-Event-ID", lastEventIdHeader);
        }
        TestHttp.EventStream stream = new TestHttp(server.port()).events(query, headers);
        assertEquals(200, stream.status());
        assertEquals("text/event-stream; charset=utf-8", stream.contentType());
        assertEquals("nosniff", stream.connection().getHeaderField("X-Content-Type-Options"));
        return stream;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static String data(int i) {
        return "{\"run\":\"p1\",\"i\":" + i + "}";
    }

    @Test
    void eventsArriveInOrderWithTheirIdsAfterTheRetryLine() throws Exception {
        start(new EventChannel());
        try (TestHttp.EventStream stream = connect("", null)) {
            SseReader reader = new SseReader(stream.lines());
            assertEquals("retry: 1000", stream.lines().next());
            await(() -> server.events().clients() == 1, "the client is registered");
            for (int i = 1; i <= 100; i++) {
                assertEquals(i, server.events().publish(i % 2 == 0 ? "batch" : "status", data(i)));
            }
            for (int i = 1; i <= 100; i++) {
                SseReader.Frame frame = reader.nextEvent();
                assertEquals(i, frame.id());
                assertEquals(i % 2 == 0 ? "batch" : "status", frame.type());
                assertEquals(data(i), frame.data());
            }
        }
        assertEquals(100, server.events().lastId());
    }

    @Test
    void aReconnectionGetsExactlyTheEventsAfterItsLastId() throws Exception {
        start(new EventChannel());
        for (int i = 1; i <= 5; i++) {
            server.events().publish("batch", data(i));
        }
        try (TestHttp.EventStream stream = connect("", "3")) {
            SseReader reader = new SseReader(stream.lines());
            assertEquals(4, reader.nextEvent().id());
            assertEquals(5, reader.nextEvent().id());
            server.events().publish("epoch", data(6));
            SseReader.Frame live = reader.nextEvent();
            assertEquals(6, live.id());
            assertEquals("epoch", live.type());
        }
        try (TestHttp.EventStream stream = connect("?lastEventId=5", null)) {
            SseReader reader = new SseReader(stream.lines());
            assertEquals(6, reader.nextEvent().id());
            server.events().publish("epoch", data(7));
            assertEquals(7, reader.nextEvent().id());
        }
    }

    @Test
    void aNewClientGetsTheWholeBufferThenLiveEvents() throws Exception {
        start(new EventChannel(10, EventChannel.BUFFER_BYTES, 1000, 1 << 20, Duration.ofSeconds(15)));
        for (int i = 1; i <= 25; i++) {
            server.events().publish("batch", data(i));
        }
        try (TestHttp.EventStream stream = connect("", null)) {
            SseReader reader = new SseReader(stream.lines());
            for (int id = 16; id <= 25; id++) {
                SseReader.Frame frame = reader.nextEvent();
                assertEquals(id, frame.id());
                assertEquals(data(id), frame.data());
            }
            server.events().publish("batch", data(26));
            assertEquals(26, reader.nextEvent().id());
        }
        // An id from before the buffer gets what the buffer has; one past the latest (a restarted
        // Studio) gets everything.
        try (TestHttp.EventStream stream = connect("", "2")) {
            assertEquals(17, new SseReader(stream.lines()).nextEvent().id());
        }
        try (TestHttp.EventStream stream = connect("", "999")) {
            assertEquals(17, new SseReader(stream.lines()).nextEvent().id());
        }
    }

    @Test
    void aLaterClientGetsOnlyTheNewestOfASupersededPictureAndTheByteBoundDropsTheOldest() throws Exception {
        // Each event here is about 40 bytes on the wire: the bound keeps the last few.
        start(new EventChannel(100, 200, 1000, 1 << 20, Duration.ofSeconds(15)));
        server.events().publish("weights", data(1), "p1/weights");
        server.events().publish("batch", data(2));
        server.events().publish("weights", data(3), "p1/weights");
        try (TestHttp.EventStream stream = connect("", null)) {
            SseReader reader = new SseReader(stream.lines());
            assertEquals(2, reader.nextEvent().id());
            assertEquals(3, reader.nextEvent().id());
        }
        for (int i = 4; i <= 30; i++) {
            server.events().publish("batch", data(i));
        }
        try (TestHttp.EventStream stream = connect("", null)) {
            SseReader reader = new SseReader(stream.lines());
            long first = reader.nextEvent().id();
            assertTrue(first > 20 && first < 30, "the oldest kept is " + first);
            for (long id = first + 1; id <= 30; id++) {
                assertEquals(id, reader.nextEvent().id());
            }
        }
    }

    @Test
    void anIdleStreamGetsPings() throws Exception {
        start(new EventChannel(10, EventChannel.BUFFER_BYTES, 1000, 1 << 20, Duration.ofMillis(50)));
        try (TestHttp.EventStream stream = connect("", null)) {
            SseReader reader = new SseReader(stream.lines());
            assertEquals("retry: 1000", stream.lines().next());
            assertEquals("ping", reader.next().comment());
        }
    }

    @Test
    void aClientThatNeverReadsIsDroppedWhilePublishingGoesOn() throws Exception {
        start(new EventChannel());
        String padding = "x".repeat(1000);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nX-Gatun-Token: " + server.token().value() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await(() -> server.events().clients() == 1, "the client is registered");
            // A liveness bound, not a timing target: publishing must not wait on the stuck client.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 1; i <= 100_000; i++) {
                    server.events().publish("batch", "{\"run\":\"p1\",\"i\":" + i + ",\"pad\":\"" + padding + "\"}");
                }
            });
            await(() -> server.events().clients() == 0, "the stuck client is dropped");
            // Its writer, stuck in a write to a peer that does not read, is freed without a read.
            await(() -> server.events().writers() == 0, "the stuck writer ends");
            // Its connection is closed: what was already sent ends in end-of-stream.
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1 << 16];
            long received = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received += n;
            }
            assertTrue(received < 100_000L * padding.length(), "received " + received);
        }
        // The channel still serves new clients after dropping one.
        try (TestHttp.EventStream stream = connect("", "99999")) {
            assertEquals(100_000, new SseReader(stream.lines()).nextEvent().id());
        }
    }

    @Test
    void closingTheServerEndsEveryStream() throws Exception {
        start(new EventChannel());
        try (TestHttp.EventStream stream = connect("", null)) {
            SseReader reader = new SseReader(stream.lines());
            server.events().publish("status", data(1));
            assertEquals(1, reader.nextEvent().id());
            server.close();
            assertEquals(0, server.events().clients());
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    reader.next();
                    throw new AssertionError("the stream went on after close");
                } catch (NoSuchElementException | UncheckedIOException ended) {
                    // The stream ended, cleanly or as a broken connection.
                }
            });
            server.close();
        }
    }

    @Test
    void anEventIsOneTypeAndOneLineOfData() {
        EventChannel events = new EventChannel();
        assertThrows(IllegalArgumentException.class, () -> events.publish("", "{}"));
        assertThrows(IllegalArgumentException.class, () -> events.publish("a\nb", "{}"));
        assertThrows(IllegalArgumentException.class, () -> events.publish("batch", "{\n}"));
        assertEquals(1, events.publish("batch", "{}"));
        assertEquals(2, events.publish("batch", "{}"));
        events.close();
        assertEquals(3, events.publish("batch", "{}"));
    }
}
