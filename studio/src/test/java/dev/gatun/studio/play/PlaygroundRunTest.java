package dev.gatun.studio.play;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The playground's runs: stepping, steering, equality with gatun train, learning, and a clean stop. */
class PlaygroundRunTest {
    @TempDir
    Path dir;

    record Event(String type, JsonNode data) {}

    /** Collects events as the server's channel would receive them. */
    static final class Events implements EventSink {
        final List<Event> all = new CopyOnWriteArrayList<>();

        @Override
        public long publish(String type, String json) {
            all.add(new Event(type, EventJson.MAPPER.readTree(json)));
            return all.size();
        }

        List<JsonNode> of(String type) {
            return all.stream().filter(e -> e.type().equals(type)).map(Event::data).toList();
        }
    }

    static JsonNode spirals(int epochs) {
        return ConfigLoader.parseYaml("""
                name: playground
                seed: 7
                data: {source: synthetic, kind: spirals, n: 1000, noise: 0.02, validation: 0.2}
                model:
                  layers:
                    - {type: dense, units: 8}
                    - {type: tanh}
                    - {type: dense, units: 8}
                    - {type: tanh}
                    - {type: dense, units: 2}
                loss: cross_entropy
                optimizer: {type: adam, lr: 0.03}
                training: {epochs: %d, batch: 32}
                """.formatted(epochs), "test");
    }

    /** A one-layer classifier of a CSV file's {@code label} column, with a validation part and no test part. */
    static JsonNode classesOfCsv(Path file) {
        return ConfigLoader.parseYaml("""
                seed: 1
                data: {source: csv, path: '%s', label: label, validation: 0.2, test: 0}
                model:
                  layers:
                    - {type: dense, units: 2}
                training: {epochs: 2, batch: 8}
                """.formatted(file), "test");
    }

    @Test
    void stepBatchTakesExactlyOneOptimizerStepAndPublishesOnePoint() throws Exception {
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(5), dir, events)) {
            assertEquals("paused", run.info().path("status").asString());
            assertEquals(0, run.optimizer().path("step").asInt());
            run.control("step_batch", false);
            assertEquals(1, run.optimizer().path("step").asInt());
            awaitEvents(events, "batch", 1);
            List<JsonNode> batches = events.of("batch");
            int points = batches.stream().mapToInt(b -> b.path("points").size()).sum();
            assertEquals(1, points);
            assertEquals(1, batches.getFirst().path("points").path(0).path(0).asInt());
        }
    }

    @Test
    void firstEpochLossIsGatunTrainsToTheBit() throws Exception {
        Events events = new Events();
        double studio;
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(1), dir.resolve("studio"), events)) {
            run.control("step_epoch", false);
            studio = events.of("epoch").getFirst().path("trainLoss").asDouble();
            assertEquals("finished", run.info().path("status").asString());
        }
        var config = ConfigLoader.experiment(spirals(1), "playground", "test");
        var result = ExperimentRunner.run(config, dir.resolve("cli"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(result.history().getFirst().trainLoss(), studio, 0.0);
    }

    @Test
    void aNewLearningRateReachesTheOptimizerBeforeTheNextBatchWithAMarker() throws Exception {
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(5), dir, events)) {
            run.control("step_batch", false);
            run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"lr\": 0.003, \"optimizer\": \"momentum\"}")));
            assertEquals(0.003, run.optimizer().path("lr").asDouble(), 0.0);
            assertEquals("momentum", run.optimizer().path("type").asString());
            assertEquals("Sgd", run.optimizer().path("optimizerClass").asString());
            List<JsonNode> markers = events.of("marker");
            assertEquals(2, markers.size());
            assertEquals(2, markers.getFirst().path("step").asInt());
            assertTrue(markers.stream().anyMatch(m -> m.path("text").asString().equals("lr 0.03 → 0.003")),
                    markers.toString());
            var bad = assertThrows(RunSettings.SettingException.class,
                    () -> RunSettings.from(EventJson.MAPPER.readTree("{\"lr\": -1}")));
            assertEquals("lr", bad.field());
        }
    }

    @Test
    void resetWithTheSameSeedRepeatsTheRunAndANewSeedDrawsAnother() throws Exception {
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(5), dir, events)) {
            run.control("step_batch", false);
            awaitEvents(events, "batch", 1);
            double first = events.of("batch").getFirst().path("points").path(0).path(1).asDouble();
            run.control("reset", false);
            assertEquals(0, run.optimizer().path("step").asInt());
            run.control("step_batch", false);
            awaitEvents(events, "batch", 2);
            assertEquals(first, events.of("batch").get(1).path("points").path(0).path(1).asDouble(), 0.0);
            assertEquals(7, run.info().path("seed").asLong());
            run.control("reset", true);
            assertTrue(run.info().path("seed").asLong() != 7, "a new seed was not drawn");
            assertEquals(3, events.of("run").size());
        }
    }

    @Test
    void batchSizeL2AndDropoutChangeBeforeTheNextBatch() throws Exception {
        JsonNode tree = spirals(5);
        ((tools.jackson.databind.node.ArrayNode) tree.path("model").path("layers")).insert(2,
                EventJson.object().put("type", "dropout").put("p", 0.1));
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", tree, dir, events)) {
            run.control("step_batch", false);
            run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"batch\": 100, \"l2\": 0.5, \"dropout\": 0.3}")));
            assertEquals(100, run.optimizer().path("batch").asInt());
            assertEquals(0.5, run.optimizer().path("l2").asDouble(), 0.0);
            assertEquals(0.3, run.optimizer().path("dropout").asDouble(), 0.0);
            assertEquals(3, events.of("marker").size());
            run.control("step_batch", false);
            // The second batch starts after the first 32 examples and takes 100.
            run.control("step_batch", false);
            assertEquals(3, run.optimizer().path("step").asInt());
            run.control("step_epoch", false);
            awaitEvents(events, "epoch", 1);
            int n = run.info().path("trainExamples").asInt();
            assertEquals(640, n);
            // One batch of 32, then batches of 100 over the rest of the epoch.
            assertEquals(1 + (n - 32 + 99) / 100, events.of("epoch").getFirst().path("step").asInt());
        }
        Events plain = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p2", spirals(5), dir, plain)) {
            var e = assertThrows(RunSettings.SettingException.class,
                    () -> run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"dropout\": 0.2}"))));
            assertEquals("dropout: the network has no dropout layer", e.getMessage());
        }
    }

    @Test
    void theScatterShowsTheChosenTwoOfFourFeatures() throws Exception {
        StringBuilder csv = new StringBuilder("f0,f1,f2,f3,label\n");
        for (int i = 0; i < 50; i++) {
            csv.append(i).append(',').append(100 + i).append(',').append(200 + i).append(',').append(300 + i)
                    .append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        Path file = Files.writeString(dir.resolve("four.csv"), csv);
        JsonNode tree = classesOfCsv(file);
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", tree, dir, events)) {
            JsonNode first = events.of("data").getLast();
            assertEquals(4, first.path("features").asInt());
            assertTrue(first.path("x").path(0).asDouble() < 50, first.toString());
            run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"x\": 2, \"y\": 3}")));
            JsonNode chosen = events.of("data").getLast();
            assertEquals(2, chosen.path("xIndex").asInt());
            assertEquals("f3", chosen.path("yName").asString());
            for (int i = 0; i < chosen.path("x").size(); i++) {
                assertEquals(100, chosen.path("y").path(i).asDouble() - chosen.path("x").path(i).asDouble(), 1e-3);
                assertTrue(chosen.path("x").path(i).asDouble() >= 200);
            }
            var e = assertThrows(RunSettings.SettingException.class,
                    () -> run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"x\": 4}"))));
            assertEquals("x: the examples have 4 features (0 to 3)", e.getMessage());
        }
    }

    @Test
    void aThirdFeatureJoinsTheDataEventOnlyWhileTheThreeDimensionalViewAsksForIt() throws Exception {
        // Columns f1 = f0 + 100, f2 = f0 + 200, f3 = f0 + 300; a class, or the target t = 3 * f0 + 1.
        StringBuilder classes = new StringBuilder("f0,f1,f2,f3,label\n");
        StringBuilder targets = new StringBuilder("f0,f1,f2,f3,t\n");
        for (int i = 0; i < 50; i++) {
            String features = i + "," + (100 + i) + "," + (200 + i) + "," + (300 + i) + ",";
            classes.append(features).append(i % 2 == 0 ? "even" : "odd").append('\n');
            targets.append(features).append(3 * i + 1).append('\n');
        }
        Path classified = Files.writeString(dir.resolve("classes.csv"), classes);
        JsonNode tree = classesOfCsv(classified);
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", tree, dir.resolve("classes"), events)) {
            JsonNode flat = events.of("data").getLast();
            assertEquals(-1, flat.path("zIndex").asInt());
            assertTrue(flat.path("z").isMissingNode(), flat.toString());
            JsonNode applied = run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"z\": 2}")));
            assertEquals(2, applied.path("applied").path("z").asInt());
            JsonNode deep = events.of("data").getLast();
            assertEquals(2, deep.path("zIndex").asInt());
            assertEquals("f2", deep.path("zName").asString());
            assertEquals(List.of("f0", "f1", "f2", "f3"), EventJson.MAPPER.convertValue(deep.path("featureNames"),
                    List.class));
            assertTrue(deep.path("yFeature").isMissingNode(), "classification keeps its features in x and y");
            assertEquals(deep.path("x").size(), deep.path("z").size());
            assertEquals(50, deep.path("z").size());
            for (int i = 0; i < deep.path("x").size(); i++) {
                assertEquals(200, deep.path("z").path(i).asDouble() - deep.path("x").path(i).asDouble(), 1e-3);
                assertEquals(100, deep.path("y").path(i).asDouble() - deep.path("x").path(i).asDouble(), 1e-3);
            }
            var outside = assertThrows(RunSettings.SettingException.class,
                    () -> run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"z\": 4}"))));
            assertEquals("z: the examples have 4 features (0 to 3)", outside.getMessage());
            run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"z\": -1}")));
            JsonNode again = events.of("data").getLast();
            assertEquals(-1, again.path("zIndex").asInt());
            assertTrue(again.path("z").isMissingNode(), again.toString());
        }
        var negative = assertThrows(RunSettings.SettingException.class,
                () -> RunSettings.from(EventJson.MAPPER.readTree("{\"z\": -2}")));
        assertEquals("z", negative.field());

        Path regression = Files.writeString(dir.resolve("targets.csv"), targets);
        JsonNode fitted = ConfigLoader.parseYaml("""
                seed: 1
                data: {source: csv, path: '%s', label: t, labels: regression, validation: 0.2, test: 0}
                model:
                  layers:
                    - {type: dense, units: 1}
                loss: mse
                training: {epochs: 2, batch: 8}
                """.formatted(regression), "test");
        try (PlaygroundRun run = PlaygroundRun.start("p2", fitted, dir.resolve("targets"), events)) {
            run.apply(RunSettings.from(EventJson.MAPPER.readTree("{\"x\": 0, \"y\": 1, \"z\": 3}")));
            JsonNode deep = events.of("data").getLast();
            assertEquals("p2", deep.path("run").asString());
            assertEquals(50, deep.path("yFeature").size());
            for (int i = 0; i < deep.path("x").size(); i++) {
                double f0 = deep.path("x").path(i).asDouble();
                assertEquals(3 * f0 + 1, deep.path("y").path(i).asDouble(), 1e-3);
                assertEquals(f0 + 100, deep.path("yFeature").path(i).asDouble(), 1e-3);
                assertEquals(f0 + 300, deep.path("z").path(i).asDouble(), 1e-3);
            }
        }
    }

    @Test
    void theFashionSampleTrainsAConvNetPastSeventyPercentInAnEpochWithItsFiltersPictured() throws Exception {
        try {
            dev.gatun.data.FashionMnist.locate(null);
        } catch (java.io.FileNotFoundException e) {
            org.junit.jupiter.api.Assumptions.abort("Fashion-MNIST not installed (make test installs it): "
                    + e.getMessage());
        }
        JsonNode tree = ConfigLoader.parseYaml("""
                seed: 7
                data: {source: fashion-mnist, limit: 2000, validation: 0.2}
                model:
                  input: [1, 28, 28]
                  layers:
                    - {type: conv2d, filters: 8, kernel: 3, padding: 1}
                    - {type: relu}
                    - {type: maxpool2d, kernel: 2}
                    - {type: flatten}
                    - {type: dense, units: 10}
                optimizer: {type: adam, lr: 0.003}
                training: {epochs: 3, batch: 32}
                """, "fashion sample");
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", tree, dir, events)) {
            run.control("step_epoch", false);
            run.control("step_epoch", false);
            awaitEvents(events, "confusion", 1);
            JsonNode epoch = events.of("epoch").getLast();
            assertTrue(epoch.path("valAccuracy").asDouble() > 0.7, epoch.toString());
            JsonNode conv = events.of("weights").getLast().path("layers").path(0);
            assertEquals(8, conv.path("rows").asInt());
            assertEquals(9, conv.path("cols").asInt());
            assertEquals(10, events.of("confusion").getLast().path("classes").size());
            assertTrue(events.of("boundary").isEmpty(), "images have no decision boundary to draw");
        }
    }

    static JsonNode deepSigmoid() {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            layers.append("    - {type: dense, units: 32}\n    - {type: sigmoid}\n");
        }
        return ConfigLoader.parseYaml("""
                seed: 3
                data: {source: synthetic, kind: spirals, n: 600, noise: 0.02, validation: 0.2}
                model:
                  layers:
                %s    - {type: dense, units: 2}
                optimizer: {type: sgd, lr: 20}
                training: {epochs: 50, batch: 32}
                """.formatted(layers), "deep sigmoid");
    }

    @Test
    void theFlowViewMeasuresEachLayersStepAndWarnsOnADeepSigmoidNetworkWithALargeRate() throws Exception {
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", deepSigmoid(), dir, events)) {
            for (int i = 0; i < 30; i++) {
                run.control("step_batch", false);
            }
            awaitEvents(events, "flow", 31);
            JsonNode flow = events.of("flow").getLast();
            assertEquals(30, flow.path("step").asInt());
            assertEquals(13, flow.path("layers").size());
            // Six sigmoids deep, the first layer's gradient has vanished: its weights no longer move.
            JsonNode dense = flow.path("layers").path(0);
            assertEquals("dense", dense.path("type").asString());
            assertTrue(dense.path("ratio").asDouble() < LayerFlow.LOW_RATIO, dense.toString());
            assertTrue(dense.path("warning").asString().contains("far below 1e-3"), dense.toString());
        }
        Events unwatched = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p2", deepSigmoid(), dir, unwatched, () -> false)) {
            run.control("step_batch", false);
            awaitEvents(unwatched, "weights", 1);
            assertTrue(unwatched.of("flow").isEmpty(), "the flow is computed only while a page looks");
        }
    }

    @Test
    void theFlowsRatioIsTheStepsChangeOfTheWeightsOverTheirSize() throws Exception {
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(3), dir, events)) {
            run.control("step_batch", false);
            awaitEvents(events, "weights", 2);
            awaitEvents(events, "flow", 2);
            JsonNode first = events.of("flow").getLast();
            // Adam's first step moves every weight by about lr (0.03) against its sign.
            double ratio = first.path("layers").path(0).path("ratio").asDouble();
            assertTrue(ratio > 0.005 && ratio < 0.2, first.toString());
            assertTrue(first.path("layers").path(1).path("ratio").isMissingNode(), "an activation has no weights");
            assertEquals("", first.path("layers").path(0).path("warning").asString(), first.toString());
        }
    }

    @Test
    void aSavedRunIsAFolderWhosePredictorScoresTheValidationAccuracyOfTheRun() throws Exception {
        Events events = new Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(5), dir, events)) {
            run.control("step_epoch", false);
            run.control("step_epoch", false);
            Path folder = Path.of(run.control("save", false).path("folder").asString());
            assertEquals(3, run.metricsCsv().lines().count(), run.metricsCsv());
            assertTrue(Files.isDirectory(folder.resolve(Checkpoint.DIRECTORY).resolve("epoch-0002")));
            JsonNode data = events.of("data").getLast();
            int correct = 0;
            int seen = 0;
            try (dev.gatun.predict.Predictor predictor = dev.gatun.config.TrainedModel.predictor(folder)) {
                for (int i = 0; i < data.path("x").size(); i++) {
                    if (data.path("part").path(i).asString().equals("validation")) {
                        float[] row = {(float) data.path("x").path(i).asDouble(), (float) data.path("y").path(i).asDouble()};
                        correct += predictor.classify(row).classIndex() == data.path("label").path(i).asInt() ? 1 : 0;
                        seen++;
                    }
                }
            }
            assertEquals(160, seen);
            assertEquals(events.of("epoch").getLast().path("valAccuracy").asDouble(), (double) correct / seen, 1e-12);
        }
    }

    @Test
    void spiralsPlayedPastNinetyPercentAndStoppedKeepsMetricsAndACheckpoint() throws Exception {
        Events events = new Events();
        Path folder;
        try (PlaygroundRun run = PlaygroundRun.start("p1", spirals(400), dir, events)) {
            folder = Path.of(run.info().path("folder").asString());
            run.control("play", false);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline && events.of("epoch").stream()
                    .noneMatch(e -> e.path("valAccuracy").asDouble() > 0.9)) {
                Thread.sleep(50);
            }
            run.control("pause", false);
            assertTrue(events.of("epoch").stream().anyMatch(e -> e.path("valAccuracy").asDouble() > 0.9),
                    "validation accuracy never passed 0.9: " + events.of("epoch").getLast());
            assertTrue(events.of("boundary").size() >= 2, "the boundary was sent " + events.of("boundary").size() + " times");
            assertTrue(events.of("weights").size() >= 2);
            JsonNode histograms = events.of("histograms").getLast();
            assertEquals(6, histograms.path("layers").size(), histograms.toString());
            assertEquals(LayerPictures.BINS, histograms.path("layers").path(0).path("grads").path("counts").size());
            assertTrue(events.of("confusion").size() >= 1);
            assertTrue(events.of("error").isEmpty(), events.of("error").toString());
        }
        assertTrue(Files.readString(folder.resolve("metrics.csv")).lines().count() > 2);
        assertTrue(Files.isRegularFile(folder.resolve("model.safetensors")));
        assertTrue(Files.isDirectory(folder.resolve(Checkpoint.DIRECTORY)));
        assertEquals("stopped", events.of("status").getLast().path("status").asString());
    }

    private static void awaitEvents(Events events, String type, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (events.of(type).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
