package dev.gatun.studio.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Studio's HTTP server: one JDK {@link HttpServer} on virtual threads that checks every request's
 * host and token, serves the page's files, the event stream and the API's routes (see
 * {@code docs/studio-protocol.md}).
 */
public final class StudioServer implements AutoCloseable {
    /** The Content-Security-Policy of every answer: no inline script, nothing from elsewhere. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

    /** The options it was started with. */
    private final ServerOptions options;
    /** The JDK server. */
    private final HttpServer server;
    /** The threads that answer requests, one virtual thread each. */
    private final ExecutorService executor;
    /** The access token. */
    private final AccessToken token;
    /** The host and token checks. */
    private final AccessRules access;
    /** The event stream. */
    private final EventChannel events;
    /** The API's routes, in the order registered; the first that matches answers. */
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    /** Whether {@link #close()} has run. */
    private final AtomicBoolean closed = new AtomicBoolean();

    private StudioServer(ServerOptions options, HttpServer server, ExecutorService executor,
                         AccessToken token, EventChannel events) {
        this.options = options;
        this.server = server;
        this.executor = executor;
        this.token = token;
        this.access = new AccessRules(token, options.host(), server.getAddress().getPort());
        this.events = events;
    }

    /**
     * Starts a server.
     *
     * @param options where it listens and what it accepts
     * @return the running server
     * @throws IOException when it cannot listen on the host and port
     */
    public static StudioServer start(ServerOptions options) throws IOException {
        return start(options, new EventChannel());
    }

    /**
     * Starts a server with a given event channel (tests use one with small bounds).
     *
     * @param options where it listens and what it accepts
     * @param events its event stream
     * @return the running server
     * @throws IOException when it cannot listen on the host and port
     */
    static StudioServer start(ServerOptions options, EventChannel events) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        AccessToken token = options.token() != null ? options.token() : AccessToken.random();
        StudioServer studio = new StudioServer(options, server, executor, token, events);
        server.createContext("/", studio::exchange);
        server.start();
        return studio;
    }

    /** {@return the URL to open, with the token: {@code http://HOST:PORT/?token=T}} */
    public URI url() {
        return URI.create("http://" + AccessRules.hostForUrl(options.host()) + ":" + port()
                + "/?token=" + token.value());
    }

    /** {@return the port it listens on} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@return the access token every request must carry} */
    public AccessToken token() {
        return token;
    }

    /** {@return the event stream} */
    public EventChannel events() {
        return events;
    }

    /**
     * Adds a route of the API whose body is JSON (limited to {@link ServerOptions#jsonBodyLimit()}).
     * Routes may be added before or after the server starts.
     *
     * @param method the HTTP method, e.g. {@code POST}
     * @param pattern the path, with {@code {name}} segments, e.g. {@code /api/runs/{run}/control}
     * @param handler what answers it
     * @throws IllegalArgumentException when the pattern is malformed or is one of the server's own
     *     paths
     */
    public void route(String method, String pattern, Handler handler) {
        route(method, pattern, BodyKind.JSON, handler);
    }

    /**
     * Adds a route of the API. Routes may be added before or after the server starts.
     *
     * @param method the HTTP method, e.g. {@code POST}
     * @param pattern the path, with {@code {name}} segments, e.g. {@code /api/upload}
     * @param body what the request's body is, which sets its limit
     * @param handler what answers it
     * @throws IllegalArgumentException when the pattern is malformed or is one of the server's own
     *     paths
     */
    public void route(String method, String pattern, BodyKind body, Handler handler) {
        RoutePattern parsed = new RoutePattern(pattern);
        if (pattern.equals("/") || pattern.equals("/api/events") || pattern.startsWith("/static/")
                || pattern.startsWith("/vendor/")) {
            throw new IllegalArgumentException("the route " + pattern + " is one of the server's own paths");
        }
        routes.add(new Route(method.toUpperCase(Locale.ROOT), parsed, body, handler));
    }

    /** Stops the server and ends every event stream. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            events.close();
            server.stop(0);
            executor.shutdown();
        }
    }

    /** Answers one request: the access checks first, then whatever its path names. */
    private void exchange(HttpExchange exchange) {
        try (exchange) {
            Headers headers = exchange.getResponseHeaders();
            headers.set("Cache-Control", "no-store");
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("Referrer-Policy", "no-referrer");
            if (!access.hostAllowed(exchange.getRequestHeaders())) {
                send(exchange, Response.text(403, "Studio answers only to 127.0.0.1, localhost or [::1]"
                        + " on port " + port() + ": this request named another host"));
                return;
            }
            if (!access.tokenPresented(exchange.getRequestURI(), exchange.getRequestHeaders())) {
                send(exchange, Response.text(403, "Studio needs its access token: open the URL it printed"
                        + " (http://127.0.0.1:" + port() + "/?token=...)"));
                return;
            }
            dispatch(exchange);
        } catch (IOException clientGone) {
            // Nothing can be answered on a broken connection.
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/api/events") && method.equals("GET")) {
            events.serve(exchange);
            return;
        }
        boolean api = path.equals("/api") || path.startsWith("/api/");
        Response response;
        try {
            response = isOwnPath(path) ? ownPath(exchange, method, path) : route(exchange, method, path, api);
        } catch (ApiException e) {
            response = api ? Response.error(e) : Response.text(e.status(), Response.oneLine(e.getMessage()));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            String line = Response.oneLine(e.getClass().getName() + ": " + e.getMessage());
            System.err.println("Studio: " + method + " " + path + " failed");
            e.printStackTrace();
            response = api ? Response.json(500, StudioJson.object().put("error", line)) : Response.text(500, line);
        }
        send(exchange, response);
    }

    private static boolean isOwnPath(String path) {
        return path.equals("/") || path.equals("/api/events") || path.startsWith("/static/")
                || path.startsWith("/vendor/uplot/");
    }

    /** Answers the server's own paths: the page, its files and (for a wrong method) the event stream. */
    private Response ownPath(HttpExchange exchange, String method, String path) {
        if (!method.equals("GET")) {
            return methodNotAllowed(path.startsWith("/api/"), List.of("GET"));
        }
        if (path.equals("/")) {
            Response page = StaticFiles.web("index.html").orElseGet(() -> notFound(false));
            return access.queryToken(exchange.getRequestURI())
                    ? page.withHeader("Set-Cookie", access.cookie()) : page;
        }
        Optional<Response> file = path.startsWith("/static/")
                ? StaticFiles.web(path.substring("/static/".length()))
                : StaticFiles.uplot(path.substring("/vendor/uplot/".length()));
        return file.orElseGet(() -> notFound(false));
    }

    private Response route(HttpExchange exchange, String method, String path, boolean api) throws Exception {
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.pattern().match(path);
            if (params.isEmpty()) {
                continue;
            }
            if (!route.method().equals(method)) {
                allowed.add(route.method());
                continue;
            }
            byte[] body = readBody(exchange, route.body());
            Request request = new Request(method, RoutePattern.decode(path).orElse(path), params.get(),
                    QueryString.parse(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders(), body);
            Response response = route.handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("the handler of " + method + " " + route.pattern().text()
                        + " answered nothing");
            }
            return response;
        }
        return allowed.isEmpty() ? notFound(api) : methodNotAllowed(api, List.copyOf(allowed));
    }

    /**
     * Reads a request's body, never past its limit.
     *
     * @throws ApiException 413 when the body is larger than the limit
     */
    private byte[] readBody(HttpExchange exchange, BodyKind kind) throws IOException {
        int limit = switch (kind) {
            case JSON -> options.jsonBodyLimit();
            case UPLOAD -> options.uploadBodyLimit();
        };
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > limit) {
                    throw tooLarge(kind, limit);
                }
            } catch (NumberFormatException e) {
                throw new ApiException(400, "the Content-Length header '" + declared + "' is not a number");
            }
        }
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(limit + 1);
        if (body.length > limit) {
            throw tooLarge(kind, limit);
        }
        return body;
    }

    private static ApiException tooLarge(BodyKind kind, int limit) {
        String what = switch (kind) {
            case JSON -> "a JSON request's body";
            case UPLOAD -> "an upload";
        };
        String size = limit % (1 << 20) == 0 ? (limit >> 20) + " MiB" : limit + " bytes";
        return new ApiException(413, what + " is limited to " + size);
    }

    private static Response notFound(boolean api) {
        String message = "Studio has nothing at this path";
        return api ? Response.json(404, StudioJson.object().put("error", message)) : Response.text(404, message);
    }

    private static Response methodNotAllowed(boolean api, List<String> allowed) {
        String message = "this path answers only " + String.join(", ", allowed);
        Response response = api ? Response.json(405, StudioJson.object().put("error", message))
                : Response.text(405, message);
        return response.withHeader("Allow", String.join(", ", allowed));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        response.headers().forEach(headers::set);
        byte[] body = response.bodyForWriting();
        if (response.status() == 413) {
            // The rest of the body stays unread: the connection cannot carry another request.
            headers.set("Connection", "close");
        }
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
