package dev.gatun.studio.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** HTTP over a plain socket, for what {@code HttpClient} will not send: any Host, any path bytes. */
final class RawHttp {
    /**
     * An answer.
     *
     * @param status its status
     * @param headers its headers, by lower-case name (the last of each)
     * @param body its body as text
     */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    /** Opens a socket to the server with a 10 s read timeout. */
    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * Sends a GET with exactly the given target and Host, and reads the answer.
     *
     * @param port the server's port
     * @param target the request line's target, sent as is
     * @param host the Host header, or null for none
     * @param token the X-Gatun-Token header, or null for none
     * @return the answer
     */
    static Answer get(int port, String target, String host, String token) throws IOException {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
        if (host != null) {
            request.append("Host: ").append(host).append("\r\n");
        }
        if (token != null) {
            request.append("X-Gatun-Token: ").append(token).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    /**
     * Reads one answer: its head, then a body of its Content-Length (none without one).
     *
     * @param in the connection's input
     * @return the answer
     */
    static Answer read(InputStream in) throws IOException {
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended inside an answer's head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).strip();
    }
}
