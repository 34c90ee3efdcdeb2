package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import dev.gatun.studio.server.StudioFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code gatun train --live} finds the running Studio through its file and streams the run to it. */
class LiveTrainingTest {
    @TempDir
    Path dir;

    @Test
    void aLiveRunFindsTheRunningStudioAndItsEpochsArriveThere() throws Exception {
        String before = System.getProperty(StudioFile.HOME_PROPERTY);
        System.setProperty(StudioFile.HOME_PROPERTY, dir.resolve("home").toString());
        try (Studio studio = Studio.start(new Studio.Options("127.0.0.1", 0, dir.resolve("workspace")))) {
            CliRun run = CliRun.of("train", CliRun.CONFIGS.resolve("xor.json").toString(), "--epochs", "3", "--live",
                    "--runs", dir.resolve("runs").toString());
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("streaming to Gatun Studio: " + studio.url()), run.out());
            HttpRequest request = HttpRequest.newBuilder(URI.create(studio.url().resolve("/api/state").toString()))
                    .header("X-Gatun-Token", studio.server().token().value()).build();
            JsonNode state = JsonMapper.builder().build().readTree(HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofString()).body());
            JsonNode live = state.path("runs").path(0);
            assertEquals("live", live.path("kind").asString());
            assertEquals("xor", live.path("name").asString());
            assertEquals("finished", live.path("status").asString(), state.toString());
            assertEquals(3, live.path("epochs").asInt());
            assertTrue(studio.server().events().lastId() > 5, "events published: " + studio.server().events().lastId());
        } finally {
            if (before == null) {
                System.clearProperty(StudioFile.HOME_PROPERTY);
            } else {
                System.setProperty(StudioFile.HOME_PROPERTY, before);
            }
        }
    }
}
