package dev.gatun.studio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StudioServerAccessTest {
    private StudioServer server;
    private TestHttp http;

    @BeforeEach
    void start() throws IOException {
        server = StudioServer.start(ServerOptions.defaults());
        server.route("GET", "/api/ping", request -> Response.ok(StudioJson.object().put("pong", true)));
        http = new TestHttp(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertSecurityHeaders(TestHttp.Reply reply) {
        assertEquals("no-store", reply.header("Cache-Control").orElse(null));
        assertEquals("nosniff", reply.header("X-Content-Type-Options").orElse(null));
        assertEquals("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
                reply.header("Content-Security-Policy").orElse(null));
    }

    @Test
    void theUrlNamesHostPortAndToken() {
        assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/?token=" + server.token().value()),
                server.url());
    }

    @Test
    void aRequestWithoutTokenIsForbiddenWithOneLine() throws IOException {
        TestHttp.Reply reply = http.get("/api/ping", Map.of());
        assertEquals(403, reply.status());
        assertTrue(reply.header("Content-Type").orElseThrow().startsWith("text/plain"));
        assertFalse(reply.body().contains("\n"), reply.body());
        assertTrue(reply.body().contains("access token"), reply.body());
        assertSecurityHeaders(reply);
    }

    @Test
    void aWrongTokenIsForbiddenWhereverItIs() throws IOException {
        String wrong = AccessToken.random().value();
        assertEquals(403, http.get("/api/ping?token=" + wrong, Map.of()).status());
        assertEquals(403, http.get("/api/ping", Map.of("X-Gatun-Token", wrong)).status());
        assertEquals(403, http.get("/api/ping", Map.of("Cookie", "gatun_token=" + wrong)).status());
        assertEquals(403, http.get("/api/events?token=" + wrong, Map.of()).status());
        assertEquals(403, http.get("/static/server-test-probe.js?token=" + wrong, Map.of()).status());
    }

    @Test
    void theTokenIsAcceptedInTheQueryTheHeaderOrTheCookie() throws IOException {
        String token = server.token().value();
        TestHttp.Reply byQuery = http.get("/api/ping?token=" + token, Map.of());
        assertEquals(200, byQuery.status());
        assertEquals("{\"pong\":true}", byQuery.body());
        assertSecurityHeaders(byQuery);
        assertEquals(200, http.get("/api/ping", Map.of("X-Gatun-Token", token)).status());
        assertEquals(200, http.get("/api/ping", Map.of("Cookie", "theme=dark; gatun_token=" + token)).status());
    }

    @Test
    void theRootWithTheTokenInTheQuerySetsTheCookie() throws IOException {
        String token = server.token().value();
        TestHttp.Reply withQuery = http.get("/?token=" + token, Map.of());
        assertEquals("gatun_token=" + token + "; HttpOnly; SameSite=Strict; Path=/",
                withQuery.header("Set-Cookie").orElse(null));
        assertTrue(http.get("/", Map.of("X-Gatun-Token", token)).header("Set-Cookie").isEmpty());
        TestHttp.Reply wrong = http.get("/?token=" + AccessToken.random().value(), Map.of());
        assertEquals(403, wrong.status());
        assertTrue(wrong.header("Set-Cookie").isEmpty());
    }

    @Test
    void theRootServesTheIndexWhenTheJarHasOne() throws IOException {
        TestHttp.Reply page = http.get("/?token=" + server.token().value(), Map.of());
        if (StudioServer.class.getResource("/dev/gatun/studio/web/index.html") != null) {
            assertEquals(200, page.status());
            assertTrue(page.header("Content-Type").orElseThrow().startsWith("text/html"));
        } else {
            assertEquals(404, page.status());
        }
    }

    @Test
    void onlyStudiosOwnHostNamesAreAnswered() throws IOException {
        int port = server.port();
        String token = server.token().value();
        assertEquals(200, RawHttp.get(port, "/api/ping", "127.0.0.1:" + port, token).status());
        assertEquals(200, RawHttp.get(port, "/api/ping", "localhost:" + port, token).status());
        assertEquals(200, RawHttp.get(port, "/api/ping", "LOCALHOST:" + port, token).status());
        assertEquals(200, RawHttp.get(port, "/api/ping", "[::1]:" + port, token).status());
        RawHttp.Answer rebound = RawHttp.get(port, "/api/ping", "attacker.example:" + port, token);
        assertEquals(403, rebound.status());
        assertTrue(rebound.body().contains("host"), rebound.body());
        assertEquals("nosniff", rebound.headers().get("x-content-type-options"));
        assertEquals(403, RawHttp.get(port, "/api/ping", "127.0.0.1:" + (port == 1 ? 2 : port - 1), token).status());
        assertEquals(403, RawHttp.get(port, "/api/ping", "127.0.0.1", token).status());
        assertEquals(403, RawHttp.get(port, "/api/ping", null, token).status());
    }

    @Test
    void aConfiguredHostIsAcceptedBesidesTheLoopbackNames() {
        AccessToken token = AccessToken.random();
        AccessRules byName = new AccessRules(token, "studio.lan", 8080);
        assertTrue(byName.hostAllowed(host("studio.lan:8080")));
        assertTrue(byName.hostAllowed(host("localhost:8080")));
        assertFalse(byName.hostAllowed(host("studio.lan:8081")));
        assertFalse(byName.hostAllowed(host("other.lan:8080")));
        AccessRules byIpv6 = new AccessRules(token, "fe80::1", 8080);
        assertTrue(byIpv6.hostAllowed(host("[fe80::1]:8080")));
        Headers twice = new Headers();
        twice.put("Host", List.of("localhost:8080", "localhost:8080"));
        assertFalse(byName.hostAllowed(twice));
    }

    private static Headers host(String value) {
        Headers headers = new Headers();
        headers.add("Host", value);
        return headers;
    }
}
