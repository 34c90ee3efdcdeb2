package dev.gatun.studio.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The network view's API on a started Studio: views opened per page, the walk of one batch, their refusals. */
class NetworkApiTest {
    private static final String RUN = """
            {"config": {"seed": 5, "data": {"source": "synthetic", "kind": "moons", "n": 100},
             "model": {"layers": [{"type": "dense", "units": 4}, {"type": "relu"}, {"type": "dense", "units": 2}]},
             "loss": "cross_entropy", "training": {"epochs": %d, "batch": 50}}}""";

    @TempDir
    Path dir;
    private StudioUnderTest studio;

    @BeforeEach
    void start() throws Exception {
        studio = StudioUnderTest.start(dir);
    }

    @AfterEach
    void stop() {
        studio.close();
    }

    @Test
    void theViewIsComputedOnlyWhileAConnectedPageClaimsIt() throws Exception {
        String run = studio.post("/api/playground", RUN.formatted(5)).body().path("run").asString();
        StudioUnderTest.Answer open = studio.post("/api/views", "{\"page\": \"tab1\", \"views\": {\"network\": true}}");
        assertEquals(200, open.status(), open.body().toString());
        assertTrue(open.body().path("open").path("network").asBoolean());
        assertEquals(OpenViews.LEASE_SECONDS, open.body().path("lease").asInt());
        // Claimed, but no page reads the event stream: nothing is computed.
        studio.post("/api/runs/" + run + "/control", "{\"action\": \"step_batch\"}");
        assertFalse(studio.get("/api/runs/" + run + "/views").path("open").path("network").asBoolean());
        assertEquals(0, studio.get("/api/runs/" + run + "/views").path("sent").path("network").asLong());

        HttpResponse<InputStream> stream = studio.http().send(studio.request("/api/events").build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream ignored = stream.body()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (studio.studio().server().events().clients() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(studio.get("/api/runs/" + run + "/views").path("open").path("network").asBoolean());
            studio.post("/api/runs/" + run + "/control", "{\"action\": \"step_batch\"}");
            long sent = studio.get("/api/runs/" + run + "/views").path("sent").path("network").asLong();
            assertEquals(1, sent, "one snapshot after the step");
            studio.post("/api/views", "{\"page\": \"tab1\", \"views\": {\"network\": false}}");
            studio.post("/api/runs/" + run + "/control", "{\"action\": \"reset\"}");
            assertEquals(0, studio.get("/api/runs/" + run + "/views").path("sent").path("network").asLong() - sent);
        }
    }

    @Test
    void theWalkIsOneStepAndAFinishedRunRefusesIt() throws Exception {
        String run = studio.post("/api/playground", RUN.formatted(1)).body().path("run").asString();
        StudioUnderTest.Answer walk = studio.post("/api/runs/" + run + "/backprop", "{}");
        assertEquals(200, walk.status(), walk.body().toString());
        assertEquals(1, walk.body().path("step").asInt());
        assertEquals(3, walk.body().path("layers").size());
        assertEquals("1: relu", walk.body().path("layers").path(1).path("label").asString());
        assertEquals("[50,4]", walk.body().path("layers").path(1).path("outputGrad").path("shape").toString());
        assertEquals(1, studio.get("/api/runs/" + run + "/optimizer").path("step").asInt());
        // The one epoch has 2 batches of 50 (80 training examples: 50 and 30).
        studio.post("/api/runs/" + run + "/control", "{\"action\": \"step_epoch\"}");
        StudioUnderTest.Answer refused = studio.post("/api/runs/" + run + "/backprop", "{}");
        assertEquals(409, refused.status());
        assertTrue(refused.body().path("error").asString().contains("reset it"), refused.body().toString());
    }

    @Test
    void aBadClaimIsA400NamingTheField() throws Exception {
        StudioUnderTest.Answer a = studio.post("/api/views", "{\"page\": \"tab1\", \"views\": {\"activations\": true}}");
        assertEquals(400, a.status());
        assertEquals("views.activations", a.body().path("path").asString());
        StudioUnderTest.Answer b = studio.post("/api/views", "{\"views\": {\"network\": true}}");
        assertEquals(400, b.status());
        assertEquals("page", b.body().path("path").asString());
    }
}
