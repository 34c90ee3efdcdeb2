package dev.gatun.studio.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Studio's API on a started Studio: configs confined to the workspace, checked by layer; uploads; live runs. */
class StudioApiTest {
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
    void aConfigNamingAFileOutsideTheWorkspaceIsRefusedNamingTheField() throws Exception {
        Path outside = Files.writeString(dir.resolve("secret.csv"), "a,b\n1,x\n");
        for (String path : new String[] {outside.toString(), "../secret.csv", "uploads/../../secret.csv"}) {
            StudioUnderTest.Answer a = studio.post("/api/config/check", "{\"config\": {\"data\": {\"source\": \"csv\", \"path\": \""
                    + path + "\", \"label\": \"b\"}, \"model\": {\"layers\": [{\"type\": \"dense\", \"units\": 2}]}}}");
            assertEquals(400, a.status(), a.body().toString());
            assertEquals("data.path", a.body().path("path").asString());
            assertTrue(a.body().path("error").asString().contains("outside Studio's workspace"), a.body().toString());
        }
        StudioUnderTest.Answer fashion = studio.post("/api/playground", "{\"config\": {\"data\": {\"source\": \"fashion-mnist\", \"dir\": \"/\"},"
                + " \"model\": {\"layers\": [{\"type\": \"dense\", \"units\": 10}]}}}");
        assertEquals(400, fashion.status());
        assertEquals("data.dir", fashion.body().path("path").asString());
    }

    @Test
    void aCheckNamesTheLayerAtFaultAndGivesEachLayersShape() throws Exception {
        String layers = "[{\"type\": \"dense\", \"units\": 8}, {\"type\": \"tanh\"}, {\"type\": \"dense\", \"units\": %s}]";
        String config = "{\"config\": {\"data\": {\"source\": \"synthetic\", \"kind\": \"xor\"}, \"model\": {\"layers\": "
                + layers + "}}}";
        StudioUnderTest.Answer good = studio.post("/api/config/check", config.formatted("2"));
        assertEquals(200, good.status(), good.body().toString());
        assertEquals("[8]", good.body().path("layers").path(1).path("shape").toString());
        assertEquals(2 * 8 + 8 + 8 * 2 + 2, good.body().path("parameters").asInt());
        assertTrue(good.body().path("yaml").asString().contains("kind: xor"));
        StudioUnderTest.Answer bad = studio.post("/api/config/check", config.formatted("0"));
        assertEquals(400, bad.status());
        assertEquals(2, bad.body().path("layer").asInt());
        assertEquals("model.layers[2].units", bad.body().path("path").asString());
    }

    @Test
    void anUploadedCsvIsReadByTheLoaderListedAndUsableAndABadNameIsRefused() throws Exception {
        StringBuilder csv = new StringBuilder("x,y,kind\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        StudioUnderTest.Answer up = studio.post("/api/upload?name=points.csv", csv.toString());
        assertEquals(200, up.status(), up.body().toString());
        assertEquals("uploads/points.csv", up.body().path("file").asString());
        assertEquals(40, up.body().path("rows").asInt());
        assertEquals("[\"x\",\"y\",\"kind\"]", up.body().path("columns").toString());
        assertEquals("uploads/points.csv", studio.get("/api/state").path("uploads").path(0).path("file").asString());
        StudioUnderTest.Answer run = studio.post("/api/playground", "{\"config\": {\"data\": {\"source\": \"csv\", \"path\": \"uploads/points.csv\","
                + " \"label\": \"kind\", \"validation\": 0.2}, \"model\": {\"layers\": [{\"type\": \"dense\", \"units\": 2}]},"
                + " \"training\": {\"epochs\": 1, \"batch\": 8}}}");
        assertEquals(200, run.status(), run.body().toString());
        StudioUnderTest.Answer stepped = studio.post("/api/runs/" + run.body().path("run").asString() + "/control", "{\"action\": \"step_epoch\"}");
        assertEquals("finished", stepped.body().path("status").asString(), stepped.body().toString());
        HttpResponse<String> csvAnswer = studio.http().send(studio.request("/api/runs/" + run.body().path("run").asString()
                + "/metrics.csv").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csvAnswer.statusCode());
        assertTrue(csvAnswer.body().startsWith("epoch,train_loss,"), csvAnswer.body());
        assertEquals(2, csvAnswer.body().lines().count(), csvAnswer.body());

        assertEquals(400, studio.post("/api/upload?name=../evil.csv", "a,b\n1,2\n").status());
        assertFalse(Files.exists(dir.resolve("evil.csv")));
        StudioUnderTest.Answer ragged = studio.post("/api/upload?name=ragged.csv", "a,b,label\n1,2,x\n3,y\n");
        assertEquals(400, ragged.status());
        assertTrue(ragged.body().path("error").asString().startsWith("ragged.csv: line 3"), ragged.body().toString());
        assertFalse(Files.exists(dir.resolve("workspace").resolve("uploads").resolve("ragged.csv")),
                "a refused upload is not kept");
    }

    @Test
    void liveEventsNeedARegisteredRunAndKnownTypes() throws Exception {
        assertEquals(404, studio.post("/api/live/live-9/events", "[]").status());
        String run = studio.post("/api/live", "{\"name\": \"cli\"}").body().path("run").asString();
        assertEquals(200, studio.post("/api/live/" + run + "/events",
                "[{\"type\": \"epoch\", \"data\": {\"epoch\": 1, \"trainLoss\": 0.5}}]").status());
        StudioUnderTest.Answer unknown = studio.post("/api/live/" + run + "/events", "[{\"type\": \"weights\", \"data\": {}}]");
        assertEquals(400, unknown.status());
        assertEquals(404, studio.post("/api/runs/" + run + "/control", "{\"action\": \"play\"}").status(),
                "a CLI run is watched, not steered");
    }
}
