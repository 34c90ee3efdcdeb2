package dev.gatun.studio.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import dev.gatun.studio.play.EventJson;
import dev.gatun.tracking.RunState;
import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Studio's playground runs record themselves in the workspace's tracking store (started, epochs,
 * stopped when Studio closes), and {@code GET /api/tracked-runs} lists that store's runs.
 */
class TrackedRunsApiTest {
    @TempDir
    Path dir;
    private Studio studio;
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("gatun.studio.home", dir.resolve("home").toString());
        studio = Studio.start(new Studio.Options("127.0.0.1", 0, dir.resolve("workspace")));
    }

    @AfterEach
    void stop() {
        studio.close();
        System.clearProperty("gatun.studio.home");
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(studio.url().resolve(path).toString()))
                .header("X-Gatun-Token", studio.server().token().value());
        HttpRequest request = body == null ? b.GET().build() : b.POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return EventJson.MAPPER.readTree(r.body());
    }

    private TrackingStore store() throws Exception {
        return TrackingTarget.sqlite(dir.resolve("workspace").resolve("runs").resolve(TrackingTarget.SQLITE_FILE)).open();
    }

    @Test
    void aPlaygroundRunIsTrackedListedAndStoppedWhenStudioCloses() throws Exception {
        JsonNode empty = send("GET", "/api/tracked-runs", null);
        assertEquals(0, empty.path("runs").size());

        String layers = "[{\"type\": \"dense\", \"units\": 8}, {\"type\": \"tanh\"}, {\"type\": \"dense\", \"units\": 2}]";
        JsonNode run = send("POST", "/api/playground", "{\"config\": {\"data\": {\"source\": \"synthetic\", \"kind\":"
                + " \"xor\", \"n\": 200}, \"optimizer\": {\"type\": \"adam\", \"lr\": 0.02}, \"model\": {\"layers\": "
                + layers + "}, \"training\": {\"epochs\": 50}}}");
        String id = run.path("run").asString();
        for (int i = 0; i < 2; i++) {
            send("POST", "/api/runs/" + id + "/control", "{\"action\": \"step_epoch\"}");
        }

        JsonNode listed = send("GET", "/api/tracked-runs", null);
        assertEquals(1, listed.path("runs").size(), listed.toString());
        JsonNode r = listed.path("runs").get(0);
        assertEquals("running", r.path("status").asString());
        assertTrue(r.path("id").asString().startsWith("playground-"), r.toString());
        assertTrue(listed.path("store").asString().startsWith("jdbc:sqlite:"), listed.toString());

        String tracked = r.path("id").asString();
        // The epochs are written off the training thread: wait for both.
        long deadline = System.nanoTime() + 10_000_000_000L;
        int epochs = 0;
        while (epochs < 2 && System.nanoTime() < deadline) {
            try (TrackingStore s = store()) {
                epochs = s.run(tracked).orElseThrow().epochs().size();
            }
            Thread.sleep(50);
        }
        assertEquals(2, epochs);

        studio.close();
        try (TrackingStore s = store()) {
            TrackedRun stopped = s.run(tracked).orElseThrow();
            assertEquals(RunState.STOPPED, stopped.state());
            assertEquals("0.02", stopped.hyperparameters().get("optimizer.lr"));
            assertEquals(List.of(1, 2), stopped.epochs().stream().map(TrackedRun.Epoch::epoch).toList());
        }
        studio = Studio.start(new Studio.Options("127.0.0.1", 0, dir.resolve("workspace")));
        JsonNode after = send("GET", "/api/tracked-runs", null);
        assertEquals("stopped", after.path("runs").get(0).path("status").asString());
    }

    @Test
    void theListShowsTheHyperparametersThatDifferAndTheFinalMetrics() throws Exception {
        try (TrackingStore s = store()) {
            for (String lr : List.of("0.1", "0.01")) {
                var start = new dev.gatun.tracking.RunStart("run-" + lr, "exp", "{}",
                        java.util.Map.of("optimizer.lr", lr, "seed", "1"), dev.gatun.tracking.RunLineage.NONE,
                        dev.gatun.tracking.MachineFacts.probe(), "1", null, "/r", java.time.Instant.now());
                s.started(start);
                s.ended("run-" + lr, RunState.FINISHED, java.util.Map.of("val_accuracy", lr.equals("0.1") ? 0.9 : 0.8), null);
            }
        }
        JsonNode listed = send("GET", "/api/tracked-runs", null);
        assertEquals("[\"optimizer.lr\"]", listed.path("columns").toString());
        assertEquals(2, listed.path("runs").size());
        for (JsonNode r : listed.path("runs")) {
            String lr = r.path("params").path("optimizer.lr").asString();
            assertEquals(lr.equals("0.1") ? 0.9 : 0.8, r.path("metrics").path("val_accuracy").asDouble(), 1e-12);
            assertEquals("finished", r.path("status").asString());
        }
    }
}
