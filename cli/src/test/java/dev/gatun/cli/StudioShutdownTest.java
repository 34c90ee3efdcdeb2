package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gatun studio} stopped the way Ctrl-C stops it (SIGTERM, which runs the shutdown hooks) while
 * a playground run trains: the run's folder keeps its metrics, a checkpoint that {@code --resume}
 * continues, and its weights; the discovery file is gone.
 */
class StudioShutdownTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void stoppingStudioEndsItsRunWithMetricsAndACheckpointThatResumes() throws Exception {
        Path home = dir.resolve("home");
        Path workspace = dir.resolve("workspace");
        List<String> command = ChildRun.command(dir, List.of("-Dgatun.studio.home=" + home), "studio", "--workspace",
                workspace.toString());
        Process studio = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(studio.getInputStream(), StandardCharsets.UTF_8));
            String url = null;
            for (String line; url == null && (line = out.readLine()) != null; ) {
                if (line.startsWith("Gatun Studio: ")) {
                    url = line.substring("Gatun Studio: ".length()).strip();
                }
            }
            assertTrue(url != null, "gatun studio printed no URL");
            assertTrue(Files.isRegularFile(home.resolve("studio.json")));
            String token = url.substring(url.indexOf("token=") + "token=".length());
            URI base = URI.create(url).resolve("/");
            HttpClient http = HttpClient.newHttpClient();
            String config = """
                    {"config": {"seed": 3, "data": {"source": "synthetic", "kind": "moons", "n": 400, "noise": 0.1,
                     "validation": 0.2}, "model": {"layers": [{"type": "dense", "units": 8}, {"type": "relu"},
                     {"type": "dense", "units": 2}]}, "optimizer": {"type": "adam", "lr": 0.01},
                     "training": {"epochs": 100000, "batch": 16}}}""";
            String run = post(http, base.resolve("/api/playground"), token, config).path("run").asString();
            post(http, base.resolve("/api/runs/" + run + "/control"), token, "{\"action\": \"play\"}");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (get(http, base.resolve("/api/runs/" + run + "/optimizer"), token).path("epoch").asInt() < 4) {
                assertTrue(System.nanoTime() < deadline, "the run did not reach epoch 4 in 60 s");
                Thread.sleep(50);
            }
            studio.destroy();
            assertTrue(studio.waitFor(60, TimeUnit.SECONDS), "gatun studio did not stop within 60 s of SIGTERM");
        } finally {
            studio.destroyForcibly();
        }
        assertFalse(Files.exists(home.resolve("studio.json")), "the discovery file outlived Studio");
        Path folder;
        try (Stream<Path> runs = Files.list(workspace.resolve("runs"))) {
            folder = runs.filter(p -> p.getFileName().toString().startsWith("playground-")).findFirst().orElseThrow();
        }
        long epochs = Files.readAllLines(folder.resolve("metrics.csv")).size() - 1;
        assertTrue(epochs >= 3, "metrics.csv holds " + epochs + " epochs");
        assertTrue(Files.isRegularFile(folder.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(folder.resolve("checkpoints").resolve(String.format("epoch-%04d", epochs))
                .resolve("checkpoint.json")), "no checkpoint of epoch " + epochs + " in " + folder);

        CliRun resumed = CliRun.of("train", "--resume", folder.toString(), "--epochs", Long.toString(epochs + 1));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(epochs + 1, Files.readAllLines(folder.resolve("metrics.csv")).size() - 1);
    }

    private static JsonNode post(HttpClient http, URI uri, String token, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("X-Gatun-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode get(HttpClient http, URI uri, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("X-Gatun-Token", token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
