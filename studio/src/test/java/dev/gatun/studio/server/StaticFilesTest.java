package dev.gatun.studio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StaticFilesTest {
    private StudioServer server;

    @BeforeEach
    void start() throws IOException {
        server = StudioServer.start(ServerOptions.defaults());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp.Answer get(String target) throws IOException {
        return RawHttp.get(server.port(), target, "127.0.0.1:" + server.port(), server.token().value());
    }

    @Test
    void studiosOwnFilesComeFromTheClassPath() throws IOException {
        RawHttp.Answer probe = get("/static/server-test-probe.js");
        assertEquals(200, probe.status());
        assertEquals("text/javascript; charset=utf-8", probe.headers().get("content-type"));
        assertTrue(probe.body().contains("studio-server-test"), probe.body());
        assertEquals("no-store", probe.headers().get("cache-control"));
        assertEquals(404, get("/static/missing.js").status());
    }

    @Test
    void uPlotIsServedFromItsWebJar() throws IOException {
        RawHttp.Answer script = get("/vendor/uplot/uPlot.iife.min.js");
        assertEquals(200, script.status());
        assertEquals("text/javascript; charset=utf-8", script.headers().get("content-type"));
        byte[] expected;
        try (InputStream in = StudioServer.class.getClassLoader()
                .getResourceAsStream("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")) {
            expected = in.readAllBytes();
        }
        assertEquals(String.valueOf(expected.length), script.headers().get("content-length"));
        RawHttp.Answer style = get("/vendor/uplot/uPlot.min.css");
        assertEquals(200, style.status());
        assertEquals("text/css; charset=utf-8", style.headers().get("content-type"));
        // Outside dist/ and of a type that is not served.
        assertEquals(404, get("/vendor/uplot/uPlot.d.ts").status());
    }

    @Test
    void traversalAndOddNamesAreNotFound() throws IOException {
        String[] attempts = {
            "/static/../server/StudioServer.class",
            "/static/../../../../META-INF/MANIFEST.MF",
            "/static/%2e%2e/%2e%2e/server/AccessToken.class",
            "/static/..%2f..%2fserver%2fStudioServer.class",
            "/static/.%2e/server-test-probe.js",
            "/static/sub/../server-test-probe.js",
            "/static/./server-test-probe.js",
            "/static/server-test-probe%2ejs",
            "/static/%2fetc%2fpasswd",
            "/static//etc/passwd.json",
            "/static/a%5c..%5cserver-test-probe.js",
            "/static/server-test-probe.js%00.js",
            "/static/.hidden.js",
            "/static/",
            "/vendor/uplot/../LICENSE",
            "/vendor/uplot/..%2f..%2f1.6.30%2fpackage.json",
            "/vendor/uplot/%2e%2e/package.json",
        };
        for (String attempt : attempts) {
            assertEquals(404, get(attempt).status(), attempt);
        }
    }

    @Test
    void aRawBackslashNeverReachesAFile() throws IOException {
        int status = get("/static/..\\server\\StudioServer.class").status();
        // The JDK's server may refuse the request line itself (400) before Studio sees it.
        assertTrue(status == 404 || status == 400, "status " + status);
    }
}
