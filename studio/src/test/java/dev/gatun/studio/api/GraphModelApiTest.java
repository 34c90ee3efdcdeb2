package dev.gatun.studio.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graph model (named inputs, add, concat, a residual block) in Studio: checked, trained, its activations shown. */
class GraphModelApiTest {
    private static final String LAYERS = """
            [{"type": "dense", "units": 16, "name": "stem"}, {"type": "tanh", "name": "h"},
             {"type": "residual", "name": "block", "layers": [{"type": "dense", "units": 16}, {"type": "relu"}]},
             {"type": "dense", "units": 16, "inputs": ["input"], "name": "raw"},
             {"type": "add", "inputs": ["%s", "raw"], "name": "sum"},
             {"type": "concat", "inputs": ["sum", "h"]}, {"type": "dense", "units": 2}]""";
    private static final String CONFIG = """
            {"config": {"seed": 4, "data": {"source": "synthetic", "kind": "moons", "n": 200, "noise": 0.1,
             "validation": 0.25, "preprocessing": ["standardize"]}, "model": {"layers": %s},
             "loss": "cross_entropy", "optimizer": {"type": "adam", "lr": 0.02}, "training": {"epochs": 15, "batch": 16}}}""";

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
    void aGraphConfigIsCheckedTrainsAndShowsEachLayerInTheOrderItRuns() throws Exception {
        StudioUnderTest.Answer check = studio.post("/api/config/check", CONFIG.formatted(LAYERS.formatted("blok")));
        assertEquals(400, check.status(), check.body().toString());
        assertEquals("model.layers[4].inputs[0]", check.body().path("path").asString());
        assertEquals("the config: model.layers[4].inputs[0]: unknown layer 'blok' (did you mean 'block'?)",
                check.body().path("error").asString());
        assertEquals(4, check.body().path("layer").asInt());

        String config = CONFIG.formatted(LAYERS.formatted("block"));
        StudioUnderTest.Answer good = studio.post("/api/config/check", config);
        assertEquals(200, good.status(), good.body().toString());
        assertEquals("[32]", good.body().path("layers").path(5).path("shape").toString());
        assertEquals(2 * 16 + 16 + 16 * 16 + 16 + 2 * 16 + 16 + 32 * 2 + 2, good.body().path("parameters").asInt());

        StudioUnderTest.Answer built = studio.post("/api/playground", config);
        assertEquals(200, built.status(), built.body().toString());
        String run = built.body().path("run").asString();
        StudioUnderTest.Answer walk = studio.post("/api/runs/" + run + "/backprop", "{}");
        assertEquals(409, walk.status(), walk.body().toString());
        assertTrue(walk.body().path("error").asString().contains("walks a stack of layers"), walk.body().toString());

        String status = "";
        for (int epoch = 0; epoch < 15 && !status.equals("finished"); epoch++) {
            status = studio.post("/api/runs/" + run + "/control", "{\"action\": \"step_epoch\"}").body().path("status")
                    .asString();
        }
        assertEquals("finished", status);
        HttpResponse<String> metrics = studio.http().send(studio.request("/api/runs/" + run + "/metrics.csv").build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> lines = metrics.body().lines().toList();
        int column = List.of(lines.getFirst().split(",")).indexOf("val_accuracy");
        double accuracy = Double.parseDouble(lines.getLast().split(",")[column]);
        assertTrue(accuracy >= 0.9, metrics.body());

        StudioUnderTest.Answer a = studio.send("GET", "/api/runs/" + run + "/activations?index=3&split=validation", null);
        assertEquals(200, a.status(), a.body().toString());
        List<Integer> order = new ArrayList<>();
        a.body().path("layers").forEach(l -> order.add(l.path("index").asInt()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), order);
        assertEquals("concat", a.body().path("layers").path(5).path("type").asString());
        assertEquals("[32]", a.body().path("layers").path(5).path("shape").toString());
        assertEquals(2, a.body().path("probabilities").size());
    }
}
