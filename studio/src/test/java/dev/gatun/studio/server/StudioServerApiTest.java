package dev.gatun.studio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

@Timeout(60)
class StudioServerApiTest {
    private static final int JSON_LIMIT = 1024;
    private static final int UPLOAD_LIMIT = 4096;

    private StudioServer server;
    private TestHttp http;

    @BeforeEach
    void start() throws IOException {
        server = StudioServer.start(ServerOptions.defaults().withBodyLimits(JSON_LIMIT, UPLOAD_LIMIT));
        server.route("POST", "/api/echo", request -> Response.ok(request.json()));
        server.route("POST", "/api/size", BodyKind.UPLOAD,
                request -> Response.ok(StudioJson.object().put("bytes", request.bodyLength())
                        .put("name", request.query("name").orElse(null))));
        server.route("POST", "/api/runs/{run}/control", request -> Response.ok(StudioJson.object()
                .put("run", request.param("run")).put("action", request.json().path("action").asString())));
        server.route("POST", "/api/bad", request -> {
            throw new ApiException(400, "units must be positive", "model.layers[2].units", 2);
        });
        server.route("POST", "/api/busy", request -> {
            throw new ApiException(409, "the run is not paused");
        });
        server.route("GET", "/api/broken", request -> {
            throw new IllegalStateException("boom\nsecond line");
        });
        server.route("GET", "/api/nan", request -> Response.ok(StudioJson.object()
                .put("loss", Double.NaN).put("lr", 0.5).set("values",
                        StudioJson.mapper().createArrayNode().add(1.0).add(Double.POSITIVE_INFINITY))));
        http = new TestHttp(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestHttp.Reply post(String path, String body) throws IOException {
        return http.post(path, body, TestHttp.token(server));
    }

    private TestHttp.Reply get(String path) throws IOException {
        return http.get(path, TestHttp.token(server));
    }

    private static JsonNode json(TestHttp.Reply reply) {
        assertTrue(reply.header("Content-Type").orElseThrow().startsWith("application/json"),
                reply.headers().toString());
        return StudioJson.mapper().readTree(reply.body());
    }

    @Test
    void aRouteGetsItsJsonBodyPathParametersAndQuery() throws IOException {
        assertEquals("{\"a\":[1,2]}", post("/api/echo", "{\"a\": [1, 2]}").body());
        TestHttp.Reply control = post("/api/runs/p%201/control", "{\"action\":\"play\"}");
        assertEquals(200, control.status());
        assertEquals("{\"run\":\"p 1\",\"action\":\"play\"}", control.body());
        assertEquals("{\"bytes\":3,\"name\":\"a b.csv\"}", post("/api/size?name=a%20b.csv", "x,y").body());
    }

    @Test
    void aRouteAddedAfterTheStartAnswers() throws IOException {
        assertEquals(404, get("/api/late").status());
        server.route("GET", "/api/late", request -> Response.text(200, "here"));
        assertEquals("here", get("/api/late").body());
    }

    @Test
    void invalidJsonIsA400NamingTheProblem() throws IOException {
        TestHttp.Reply response = post("/api/echo", "{\"a\": [1, 2}");
        assertEquals(400, response.status());
        String error = json(response).get("error").asString();
        assertTrue(error.startsWith("the request's body is not valid JSON: "), error);
        assertTrue(error.contains("line 1"), error);
        assertFalse(error.contains("\n"), error);
        assertEquals(400, post("/api/echo", "{\"a\": 1} trailing").status());
        assertTrue(json(post("/api/echo", "")).get("error").asString().contains("empty"));
    }

    @Test
    void anApiExceptionIsItsStatusWithPathAndLayer() throws IOException {
        TestHttp.Reply bad = post("/api/bad", "{}");
        assertEquals(400, bad.status());
        assertEquals(StudioJson.mapper().readTree(
                "{\"error\":\"units must be positive\",\"path\":\"model.layers[2].units\",\"layer\":2}"), json(bad));
        TestHttp.Reply busy = post("/api/busy", "{}");
        assertEquals(409, busy.status());
        assertEquals(StudioJson.mapper().readTree("{\"error\":\"the run is not paused\"}"), json(busy));
    }

    @Test
    void anyOtherExceptionIsA500OfOneLine() throws IOException {
        TestHttp.Reply response = get("/api/broken");
        assertEquals(500, response.status());
        assertEquals("java.lang.IllegalStateException: boom second line", json(response).get("error").asString());
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() throws IOException {
        assertEquals("{\"loss\":null,\"lr\":0.5,\"values\":[1.0,null]}", get("/api/nan").body());
    }

    @Test
    void anUnknownPathIs404AndJsonUnderApi() throws IOException {
        TestHttp.Reply api = get("/api/nothing");
        assertEquals(404, api.status());
        assertTrue(json(api).has("error"));
        TestHttp.Reply page = get("/nothing");
        assertEquals(404, page.status());
        assertTrue(page.header("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals(404, post("/api/runs//control", "{}").status());
        assertEquals(404, post("/api/runs/p1/control/more", "{}").status());
    }

    @Test
    void aKnownPathWithAnotherMethodIs405() throws IOException {
        TestHttp.Reply api = get("/api/echo");
        assertEquals(405, api.status());
        assertEquals("POST", api.header("Allow").orElse(null));
        assertTrue(json(api).get("error").asString().contains("POST"));
        assertEquals(405, post("/api/events", "{}").status());
        assertEquals(405, post("/", "{}").status());
        assertEquals(405, post("/static/server-test-probe.js", "{}").status());
    }

    @Test
    void aBodyOverItsRoutesLimitIs413() throws IOException {
        String justFits = "\"" + "x".repeat(JSON_LIMIT - 2) + "\"";
        assertEquals(200, post("/api/echo", justFits).status());
        TestHttp.Reply json = post("/api/echo", "\"" + "x".repeat(JSON_LIMIT - 1) + "\"");
        assertEquals(413, json.status());
        assertEquals("a JSON request's body is limited to 1024 bytes", json(json).get("error").asString());
        assertEquals(200, post("/api/size", "x".repeat(UPLOAD_LIMIT)).status());
        assertEquals(413, post("/api/size", "x".repeat(UPLOAD_LIMIT + 1)).status());
    }

    @Test
    void aDeclaredLargeBodyIsRefusedBeforeItIsSent() throws IOException {
        try (Socket socket = RawHttp.connect(server.port())) {
            OutputStream out = socket.getOutputStream();
            // A gigabyte announced and never sent: the answer can only come unread.
            out.write(("POST /api/size HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-Gatun-Token: "
                    + server.token().value() + "\r\nContent-Length: 1073741824\r\n\r\nx,y\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawHttp.Answer answer = RawHttp.read(socket.getInputStream());
            assertEquals(413, answer.status());
            assertEquals("{\"error\":\"an upload is limited to 4096 bytes\"}", answer.body());
        }
    }

    @Test
    void aChunkedBodyIsReadOnlyUpToItsLimit() throws IOException {
        try (Socket socket = RawHttp.connect(server.port())) {
            OutputStream out = socket.getOutputStream();
            int chunk = JSON_LIMIT + 100;
            // One chunk past the limit and no last chunk: the server must answer without the end.
            out.write(("POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-Gatun-Token: "
                    + server.token().value() + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk) + "\r\n" + "x".repeat(chunk) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(413, RawHttp.read(socket.getInputStream()).status());
        }
    }

    @Test
    void routesAreCheckedWhenAdded() {
        assertThrows(IllegalArgumentException.class, () -> server.route("GET", "api/x", r -> null));
        assertThrows(IllegalArgumentException.class, () -> server.route("GET", "/api//x", r -> null));
        assertThrows(IllegalArgumentException.class, () -> server.route("GET", "/api/events", r -> null));
        assertThrows(IllegalArgumentException.class, () -> server.route("GET", "/static/x.js", r -> null));
        assertThrows(IllegalArgumentException.class, () -> server.route("GET", "/api/{a}/{a}", r -> null));
    }
}
