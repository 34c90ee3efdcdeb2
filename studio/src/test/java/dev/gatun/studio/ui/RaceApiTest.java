package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import dev.gatun.studio.api.PretrainedModels;
import dev.gatun.studio.server.StudioFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A race through Studio's API: setups checked by index, the same data and seed for each, the playground left alone. */
@Timeout(120)
class RaceApiTest {
    private static final String BASE = """
            "config": {"seed": 11, "data": {"source": "synthetic", "kind": "spirals", "n": 400, "noise": 0.02,
             "validation": 0.2}, "model": {"layers": [{"type": "dense", "units": 8}, {"type": "tanh"},
             {"type": "dense", "units": 2}]}, "loss": "cross_entropy", "optimizer": {"type": "adam", "lr": 0.03},
             "training": {"epochs": 3, "batch": 16}}""";

    @TempDir
    Path home;
    private Studio studio;
    private StudioClient client;

    @BeforeEach
    void start() throws Exception {
        System.setProperty(StudioFile.HOME_PROPERTY, home.toString());
        studio = Studio.start(new Studio.Options("127.0.0.1", 0, home.resolve("workspace"),
                new PretrainedModels(Path.of("..", "pretrained").toAbsolutePath().normalize())));
        client = new StudioClient(studio.url(), studio.server().token().value());
    }

    @AfterEach
    void stop() {
        studio.close();
        System.clearProperty(StudioFile.HOME_PROPERTY);
    }

    @Test
    void threeSetupsTakeTheSameFirstBatchFromTheSameWeightsAndEachFinishesItsEpochs() throws Exception {
        JsonNode race = client.post("/api/race", "{" + BASE + """
                , "setups": [{"optimizer": {"type": "sgd", "lr": 0.1}},
                  {"optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9}, "label": "heavy ball"},
                  {"optimizer": {"type": "rmsprop", "lr": 0.01}, "batch": 16}]}""");
        String id = race.path("race").asString();
        List<String> runs = new ArrayList<>();
        race.path("runs").forEach(r -> runs.add(r.path("run").asString()));
        assertEquals(3, runs.size());
        assertEquals(List.of("sgd 0.1", "heavy ball", "rmsprop 0.01"),
                race.path("runs").valueStream().map(r -> r.path("label").asString()).toList());
        assertEquals(List.of("sgd", "momentum", "rmsprop"),
                race.path("runs").valueStream().map(r -> r.path("optimizer").asString()).toList());

        // One batch each: the same weights and the same first batch give the same loss to the bit.
        long last = 0;
        Set<Long> firstLosses = new HashSet<>();
        for (String run : runs) {
            client.post("/api/runs/" + run + "/control", "{\"action\": \"step_batch\"}");
            StudioClient.Event batch = client.awaitEvent(last, e -> e.type().equals("batch")
                    && e.data().path("run").asString().equals(run), Duration.ofSeconds(20));
            JsonNode first = batch.data().path("points").path(0);
            assertEquals(1, first.path(0).asLong(), batch.data().toString());
            firstLosses.add(Double.doubleToLongBits(first.path(1).asDouble()));
        }
        assertEquals(1, firstLosses.size(), "first-batch losses " + firstLosses);

        client.post("/api/races/" + id + "/control", "{\"action\": \"play\"}");
        JsonNode state = awaitEnded(id);
        Set<Long> finalLosses = new HashSet<>();
        for (JsonNode r : state.path("runs")) {
            assertEquals("finished", r.path("status").asString(), r.toString());
            assertEquals(3, r.path("lastEpoch").path("epoch").asInt(), r.toString());
            double accuracy = r.path("lastEpoch").path("valAccuracy").asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, r.toString());
            finalLosses.add(Double.doubleToLongBits(r.path("lastEpoch").path("trainLoss").asDouble()));
        }
        // Three optimizers end in three places.
        assertEquals(3, finalLosses.size(), state.toString());
        // The race left the playground alone: /api/state lists its runs as kind race.
        for (JsonNode r : client.get("/api/state").path("runs")) {
            assertEquals("race", r.path("kind").asString(), r.toString());
            assertEquals(id, r.path("race").asString());
        }
        assertEquals(id, client.get("/api/state").path("race").path("race").asString());
    }

    @Test
    void aBadSetupIsRefusedByItsIndexAndFieldAndNothingStarts() throws Exception {
        StudioClient.Answer one = client.postAnswer("/api/race", "{" + BASE
                + ", \"setups\": [{\"optimizer\": {\"type\": \"adam\"}}]}");
        assertEquals(400, one.status());
        assertEquals("setups", one.body().path("path").asString());
        StudioClient.Answer rate = client.postAnswer("/api/race", "{" + BASE
                + ", \"setups\": [{\"optimizer\": {\"type\": \"adam\"}}, {\"optimizer\": {\"type\": \"sgd\", \"lr\": -1}}]}");
        assertEquals(400, rate.status(), rate.body().toString());
        assertEquals("setups[1].optimizer.lr", rate.body().path("path").asString(), rate.body().toString());
        StudioClient.Answer twice = client.postAnswer("/api/race", "{" + BASE + """
                , "setups": [{"optimizer": {"type": "adam"}, "label": "a"}, {"optimizer": {"type": "sgd"}, "label": "a"}]}""");
        assertEquals(400, twice.status());
        assertEquals("setups[1].label", twice.body().path("path").asString());
        StudioClient.Answer unknown = client.postAnswer("/api/races/race99/control", "{\"action\": \"play\"}");
        assertEquals(404, unknown.status());
        assertEquals(0, client.get("/api/state").path("runs").size());
    }

    @Test
    void aNewRaceStopsTheOneBefore() throws Exception {
        String setups = ", \"setups\": [{\"optimizer\": {\"type\": \"adam\", \"lr\": 0.01}},"
                + " {\"optimizer\": {\"type\": \"sgd\", \"lr\": 0.1}}]}";
        JsonNode first = client.post("/api/race", "{" + BASE + setups);
        JsonNode second = client.post("/api/race", "{" + BASE + setups);
        assertNotEquals(first.path("race").asString(), second.path("race").asString());
        StudioClient.Answer old = client.postAnswer("/api/races/" + first.path("race").asString() + "/control",
                "{\"action\": \"play\"}");
        assertEquals(404, old.status());
        assertEquals(2, client.get("/api/state").path("runs").size());
    }

    @Test
    void aPretrainedStartRacesScratchAndBeginsWhereItsTrainingEnded() throws Exception {
        // The spirals MLP's own data and network; one setup from its weights, one from the seed's.
        JsonNode model = client.get("/api/state").path("pretrained").valueStream()
                .filter(m -> m.path("name").asString().equals("spirals-mlp")).findFirst().orElseThrow();
        tools.jackson.databind.node.ObjectNode config = (tools.jackson.databind.node.ObjectNode) model.path("config").deepCopy();
        config.putObject("init").put("from", "pretrained/spirals-mlp");
        JsonNode race = client.post("/api/race", "{\"config\": " + config + """
                , "setups": [{"label": "pre-trained", "optimizer": {"type": "adam", "lr": 0.001}},
                  {"label": "scratch", "optimizer": {"type": "adam", "lr": 0.001}, "init": null}]}""");
        // Scored on the test part before any step, the pre-trained setup has its folder's stated accuracy.
        JsonNode score = client.post("/api/runs/" + race.path("runs").path(0).path("run").asString() + "/evaluate",
                "{\"part\": \"test\"}");
        assertEquals(model.path("testExamples").asInt(), score.path("examples").asInt());
        assertEquals(model.path("testAccuracy").asDouble(), score.path("accuracy").asDouble(), 0.0, score.toString());
        double[] first = new double[2];
        for (int i = 0; i < 2; i++) {
            String run = race.path("runs").path(i).path("run").asString();
            client.post("/api/runs/" + run + "/control", "{\"action\": \"step_batch\"}");
            first[i] = client.awaitEvent(0, e -> e.type().equals("batch") && e.data().path("run").asString().equals(run),
                    Duration.ofSeconds(20)).data().path("points").path(0).path(1).asDouble();
        }
        // The trained network's first batch loses far less than a fresh one's (ln 2 for two classes).
        assertTrue(first[0] < 0.2, "pre-trained first loss " + first[0]);
        assertTrue(first[1] > 0.5, "scratch first loss " + first[1]);
        StudioClient.Answer unknown = client.postAnswer("/api/race", "{\"config\": " + config.put("seed", 1).toString()
                .replace("pretrained/spirals-mlp", "pretrained/nope") + ", \"setups\": [{\"optimizer\": {\"type\": \"adam\"}},"
                + " {\"optimizer\": {\"type\": \"sgd\"}}]}");
        assertEquals(400, unknown.status());
        assertEquals("init.from", unknown.body().path("path").asString(), unknown.body().toString());
    }

    private JsonNode awaitEnded(String race) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            JsonNode state = client.get("/api/races/" + race);
            if (state.path("ended").asBoolean()) {
                return state;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the race did not end: " + client.get("/api/races/" + race));
    }
}
