package dev.gatun.studio.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A client of a started server through java.base's {@link HttpURLConnection}: the module does
 * not read java.net.http, so its tests, compiled into it, cannot use {@code HttpClient}.
 */
final class TestHttp {
    /**
     * An answer.
     *
     * @param status its status
     * @param headers its headers, by name as sent
     * @param body its body as text
     */
    record Reply(int status, Map<String, List<String>> headers, String body) {
        /** {@return the first value of a header, in any case} */
        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst();
        }
    }

    private final int port;

    TestHttp(int port) {
        this.port = port;
    }

    /** {@return the headers that carry a server's token} */
    static Map<String, String> token(StudioServer server) {
        return Map.of("X-Gatun-Token", server.token().value());
    }

    /** {@return the answer to a GET} */
    Reply get(String pathAndQuery, Map<String, String> headers) throws IOException {
        return send("GET", pathAndQuery, null, headers);
    }

    /** {@return the answer to a POST of a UTF-8 body} */
    Reply post(String pathAndQuery, String body, Map<String, String> headers) throws IOException {
        return send("POST", pathAndQuery, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** {@return the answer to any request} */
    Reply send(String method, String pathAndQuery, byte[] body, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = open(pathAndQuery, headers);
        try {
            connection.setRequestMethod(method);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                } catch (IOException refusedMidway) {
                    // A server may answer (413) before it takes the whole body.
                }
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Reply(status, new LinkedHashMap<>(connection.getHeaderFields()), text);
        } finally {
            connection.disconnect();
        }
    }

    /**
     * An open event stream.
     *
     * @param connection its connection
     * @param status the answer's status
     * @param contentType the answer's content type
     * @param lines its lines, read as they come
     */
    record EventStream(HttpURLConnection connection, int status, String contentType, Iterator<String> lines)
            implements AutoCloseable {
        @Override
        public void close() {
            connection.disconnect();
        }
    }

    /** {@return the event stream, open} */
    EventStream events(String query, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = open("/api/events" + query, headers);
        int status = connection.getResponseCode();
        BufferedReader reader = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8));
        Iterator<String> lines = new Iterator<>() {
            private String next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = reader.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream ended");
                }
                String line = next;
                next = null;
                return line;
            }
        };
        return new EventStream(connection, status, connection.getContentType(), lines);
    }

    private HttpURLConnection open(String pathAndQuery, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + pathAndQuery)
                .toURL().openConnection(Proxy.NO_PROXY);
        connection.setUseCaches(false);
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(20_000);
        headers.forEach(connection::setRequestProperty);
        return connection;
    }
}
