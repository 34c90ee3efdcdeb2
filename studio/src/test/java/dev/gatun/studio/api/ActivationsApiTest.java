package dev.gatun.studio.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code /api/runs/{run}/activations} on a started Studio: GET and POST ask the same, bad input is a 400 naming the field. */
class ActivationsApiTest {
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
    void getAndPostAnswerTheSameExampleAndBadInputNamesItsField() throws Exception {
        StudioUnderTest.Answer built = studio.send("POST", "/api/playground", """
                {"config": {"seed": 7, "data": {"source": "synthetic", "kind": "blobs", "n": 200, "validation": 0.25},
                 "model": {"layers": [{"type": "dense", "units": 6}, {"type": "relu"}, {"type": "dense", "units": 3}]},
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "lr": 0.03}, "training": {"epochs": 3, "batch": 16}}}""");
        assertEquals(200, built.status(), built.body().toString());
        String run = built.body().path("run").asString();
        assertEquals(200, studio.send("POST", "/api/runs/" + run + "/control", "{\"action\": \"step_batch\"}").status());

        StudioUnderTest.Answer get = studio.send("GET", "/api/runs/" + run + "/activations?index=7&split=validation", null);
        assertEquals(200, get.status(), get.body().toString());
        StudioUnderTest.Answer post = studio.send("POST", "/api/runs/" + run + "/activations", "{\"index\": 7, \"split\": \"validation\"}");
        assertEquals(200, post.status(), post.body().toString());
        assertEquals(get.body(), post.body());
        JsonNode a = get.body();
        assertEquals(run, a.path("run").asString());
        assertEquals(1, a.path("step").asInt());
        int size = a.path("size").asInt();
        assertTrue(size > 7, a.toString());
        java.util.List<String> kinds = new java.util.ArrayList<>();
        a.path("layers").forEach(l -> kinds.add(l.path("kind").asString()));
        assertEquals(java.util.List.of("vector", "vector", "vector"), kinds);
        double sum = 0;
        int best = 0;
        for (int k = 0; k < 3; k++) {
            double p = a.path("probabilities").path(k).asDouble();
            sum += p;
            best = p > a.path("probabilities").path(best).asDouble() ? k : best;
        }
        assertEquals(1.0, sum, 1e-6);
        assertEquals(best, a.path("predicted").asInt());
        assertEquals(3, a.path("classes").size());

        StudioUnderTest.Answer outside = studio.send("GET", "/api/runs/" + run + "/activations?index=" + size + "&split=validation", null);
        assertEquals(400, outside.status());
        assertEquals("index", outside.body().path("path").asString());
        assertEquals("index: " + size + " is outside the validation split's " + size + " examples (0 to " + (size - 1) + ")",
                outside.body().path("error").asString());
        StudioUnderTest.Answer words = studio.send("GET", "/api/runs/" + run + "/activations?index=seven", null);
        assertEquals(400, words.status());
        assertEquals("index", words.body().path("path").asString());
        StudioUnderTest.Answer fraction = studio.send("POST", "/api/runs/" + run + "/activations", "{\"index\": 1.5}");
        assertEquals(400, fraction.status());
        assertEquals("index", fraction.body().path("path").asString());
        StudioUnderTest.Answer split = studio.send("POST", "/api/runs/" + run + "/activations", "{\"index\": 0, \"split\": \"holdout\"}");
        assertEquals(400, split.status());
        assertEquals("split", split.body().path("path").asString());
        StudioUnderTest.Answer missing = studio.send("GET", "/api/runs/p999/activations", null);
        assertEquals(404, missing.status());
        assertTrue(missing.body().path("error").asString().contains("p999"), missing.body().toString());
    }
}
