package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.ArrayDataset;
import dev.gatun.tensor.Scope;
import dev.gatun.tracking.RunLineage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Cross-validation from a config: stratified folds through the data pipeline, the parent run and its summary. */
class CrossValidationRunnerTest {
    // Imbalanced on purpose: 60, 25 and 15 examples of classes a, b and c.
    private static final int[] PER_CLASS = {60, 25, 15};

    @TempDir
    Path dir;

    @Test
    void foldsAreStratifiedCoverEveryTrainingExampleOnceAndKeepTheTestPart() throws IOException {
        Path csv = writeIdCsv();
        ExperimentConfig config = config(csv, 5, 42);
        int n = Arrays.stream(PER_CLASS).sum();
        Set<Integer> validated = new HashSet<>();
        float[] test = null;
        int[] overall = null;
        try (Scope scope = Scope.open("folds")) {
            for (int i = 1; i <= 5; i++) {
                ExperimentData d = DataFactory.load(CrossValidationRunner.fold(config, i), scope);
                ArrayDataset train = ArrayDataset.copyOf(d.train());
                ArrayDataset validation = ArrayDataset.copyOf(d.validationOrNull());
                ArrayDataset t = ArrayDataset.copyOf(d.testOrNull());
                // The config's own test part stays the test part of every fold.
                if (test == null) {
                    test = t.features();
                    overall = new int[3];
                    for (int y : train.labels()) {
                        overall[y]++;
                    }
                    for (int y : validation.labels()) {
                        overall[y]++;
                    }
                } else {
                    assertArrayEquals(test, t.features(), "fold " + i + "'s test part");
                }
                Set<Integer> here = ids(validation);
                for (int id : here) {
                    assertTrue(validated.add(id), "example " + id + " is held out by two folds");
                }
                Set<Integer> trained = ids(train);
                assertTrue(java.util.Collections.disjoint(here, trained), "fold " + i + " trains on what it validates");
                assertTrue(java.util.Collections.disjoint(ids(t), here), "fold " + i + " validates on test examples");
                assertEquals(n - t.size(), trained.size() + here.size());
                int[] counts = new int[3];
                for (int y : validation.labels()) {
                    counts[y]++;
                }
                for (int c = 0; c < 3; c++) {
                    assertTrue(Math.abs(counts[c] - overall[c] / 5.0) <= 1, "fold " + i + " holds " + counts[c]
                            + " of class " + c + "'s " + overall[c] + " training examples, not about a fifth");
                }
            }
        }
        Set<Integer> expected = new HashSet<>();
        try (Scope scope = Scope.open("ids")) {
            ExperimentData d = DataFactory.load(CrossValidationRunner.fold(config, 1), scope);
            expected.addAll(ids(ArrayDataset.copyOf(d.train())));
            expected.addAll(ids(ArrayDataset.copyOf(d.validationOrNull())));
        }
        assertEquals(expected, validated, "every training example is held out by exactly one fold");
    }

    @Test
    void foldsAreTheSameForASeedAndDifferForAnother() throws IOException {
        Path csv = writeIdCsv();
        try (Scope scope = Scope.open("seeds")) {
            Set<Integer> a = ids(ArrayDataset.copyOf(DataFactory.load(
                    CrossValidationRunner.fold(config(csv, 4, 7), 2), scope).validationOrNull()));
            Set<Integer> again = ids(ArrayDataset.copyOf(DataFactory.load(
                    CrossValidationRunner.fold(config(csv, 4, 7), 2), scope).validationOrNull()));
            Set<Integer> other = ids(ArrayDataset.copyOf(DataFactory.load(
                    CrossValidationRunner.fold(config(csv, 4, 8), 2), scope).validationOrNull()));
            assertEquals(a, again);
            assertFalse(a.equals(other), "another seed deals other folds");
        }
    }

    @Test
    void badFoldCountsAreRefusedNamingTheField() throws IOException {
        Path csv = writeIdCsv();
        ConfigException one = assertThrows(ConfigException.class, () -> config(csv, 1, 42));
        assertEquals("training.folds", one.path());
        assertTrue(one.getMessage().contains("must be >= 2"), one.getMessage());
        ConfigException orphan = assertThrows(ConfigException.class, () -> ExperimentConfig.from(
                ConfigLoader.parseYaml(yaml(csv, "{epochs: 1, fold: 2}", 42), "t"), "t"));
        assertEquals("training.fold", orphan.path());
        // Class c keeps 12 of its 15 examples once the test part is held out: 13 folds cannot all hold one.
        ConfigException tooMany = assertThrows(ConfigException.class,
                () -> CrossValidationRunner.run(config(csv, 13, 42), dir, quiet()));
        assertEquals("training.folds", tooMany.path());
        assertTrue(tooMany.getMessage().contains("class 'c', the smallest class"), tooMany.getMessage());
        try (Stream<Path> made = Files.list(dir)) {
            assertEquals(List.of(csv), made.toList(), "nothing trains, no run folder is made");
        }
        ConfigException whole = assertThrows(ConfigException.class, () -> ExperimentRunner.run(config(csv, 3, 42), dir,
                quiet()));
        assertEquals("training.fold", whole.path());
    }

    @Test
    void foldsGiveEveryRunAValidationPartEvenWithoutDataValidation() throws IOException {
        Path csv = writeIdCsv();
        String yaml = yaml(csv, "{epochs: 1, folds: 4}", 42).replace("test: 0.2}", "test: 0.2, validation: 0}")
                + "early_stopping: {monitor: val_loss, patience: 2}\n";
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "t"), "ids");
        assertEquals(4, config.training().folds());
        assertFalse(config.normalized().path("training").has("fold"), "the parent's config names no fold");
        assertFalse(config(csv, 0, 42).normalized().path("training").has("folds"), "configs without folds stay as they were");
        try (Scope scope = Scope.open("fold")) {
            assertEquals(20, DataFactory.load(CrossValidationRunner.fold(config, 3), scope).validationOrNull().size());
        }
        assertThrows(ConfigException.class, () -> ExperimentConfig.from(ConfigLoader.parseYaml(
                yaml.replace("folds: 4", "folds: 0"), "t"), "ids"), "val_loss needs a validation part without folds");
    }

    @Test
    void theParentSummarizesItsFoldRunsWithTheirMeanAndSpread() throws IOException {
        ExperimentConfig config = ConfigLoader.load(ShippedConfigsTest.dir().resolve("spirals.yaml"),
                Map.of("data.n", "400", "training.epochs", "4", "training.folds", "3")).getFirst();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CrossValidationRunner.Result r = CrossValidationRunner.run(config, dir,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        Path parent = r.parent().path();
        assertTrue(parent.getFileName().toString().startsWith("spirals-folds-"), parent.toString());
        assertEquals(new RunLineage(null, "parent", Map.of("folds", "3")), RunLineage.read(parent));
        for (String f : List.of("config.json", CrossValidationSummary.JSON, CrossValidationSummary.CSV,
                CrossValidationSummary.MARKDOWN)) {
            assertTrue(Files.isRegularFile(parent.resolve(f)), f);
        }
        assertEquals(3, r.folds().size());
        JsonNode json = JsonMapper.builder().build().readTree(parent.resolve(CrossValidationSummary.JSON).toFile());
        for (int i = 0; i < 3; i++) {
            Path child = r.folds().get(i).folder().path();
            assertEquals(parent.getParent(), child.getParent(), "fold runs sit beside their parent");
            assertEquals(new RunLineage(parent.getFileName().toString(), "fold", Map.of("fold", Integer.toString(i + 1))),
                    RunLineage.read(child));
            JsonNode childConfig = JsonMapper.builder().build().readTree(child.resolve("config.json").toFile());
            assertEquals(i + 1, childConfig.path("training").path("fold").intValue());
            assertEquals(child.getFileName().toString(), json.path("runs").get(i).path("run").stringValue());
            // Stratified: each held-out fold has about a third of each spiral's training examples.
            JsonNode counts = json.path("runs").get(i).path("class_counts");
            assertTrue(Math.abs(counts.path("0").longValue() - counts.path("1").longValue()) <= 1, counts.toString());
        }

        for (String metric : List.of("val_loss", "val_accuracy", "test_loss", "test_accuracy")) {
            double[] v = r.folds().stream().mapToDouble(f -> f.metric(metric)).toArray();
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            double mean = sum / v.length;
            double squares = 0;
            for (double x : v) {
                squares += (x - mean) * (x - mean);
            }
            assertEquals(mean, r.summary().mean(metric), 0.0, metric);
            assertEquals(Math.sqrt(squares / (v.length - 1)), r.summary().std(metric), 0.0, metric);
            assertEquals(mean, json.path("mean").path(metric).doubleValue(), 0.0, metric + " in the file");
            // The children's own metrics.json (6 digits) agrees with the summary.
            double fromFiles = 0;
            for (ExperimentResult f : r.folds()) {
                fromFiles += JsonMapper.builder().build().readTree(f.folder().resolve("metrics.json").toFile())
                        .path("final").path(metric).doubleValue();
            }
            assertEquals(mean, fromFiles / 3, 1e-5, metric + " from the folds' metrics.json");
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("mean ")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("std ")), out);
        List<String> csv = Files.readAllLines(parent.resolve(CrossValidationSummary.CSV));
        assertEquals(6, csv.size(), "header, 3 folds, mean, std");
        assertTrue(Files.readString(parent.resolve(CrossValidationSummary.MARKDOWN)).contains("val_accuracy: "));
    }

    @Test
    void regressionFoldsArePlainAndItsSummaryLeavesAccuracyOut() throws IOException {
        String yaml = "name: line\ndata: {source: synthetic, kind: linear, n: 60, features: 2, test: 0.2}\n"
                + "model: {layers: [{type: dense, units: 1}]}\ntraining: {epochs: 1, batch: 8, folds: 3}\n";
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "t"), "line");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CrossValidationRunner.Result r = CrossValidationRunner.run(config, dir, new PrintStream(printed, true,
                StandardCharsets.UTF_8));
        int heldOut = 0;
        for (CrossValidationSummary.Fold f : r.summary().folds()) {
            assertTrue(f.classCounts().isEmpty(), "no classes to count");
            assertTrue(f.metrics().containsKey("val_loss") && f.metrics().containsKey("test_mse"), f.metrics().toString());
        }
        try (Scope scope = Scope.open("sizes")) {
            for (int i = 1; i <= 3; i++) {
                heldOut += DataFactory.load(CrossValidationRunner.fold(config, i), scope).validationOrNull().size();
            }
        }
        assertEquals(48, heldOut, "the 48 training examples, each held out once");
        assertTrue(Double.isFinite(r.summary().mean("val_loss")));
        assertTrue(Double.isNaN(r.summary().mean("val_accuracy")), "regression has no accuracy to average");
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("line: 3-fold cross-validation, parent"), out);
        assertFalse(out.lines().filter(l -> l.startsWith("fold ")).findFirst().orElseThrow().contains("accuracy"), out);
    }

    @Test
    void theSameConfigAndSeedGiveTheSameFoldResults() throws IOException {
        Map<String, String> small = Map.of("data.n", "200", "training.epochs", "2", "training.folds", "2");
        ExperimentConfig config = ConfigLoader.load(ShippedConfigsTest.dir().resolve("spirals.yaml"), small).getFirst();
        CrossValidationSummary a = CrossValidationRunner.run(config, dir.resolve("a"), quiet()).summary();
        CrossValidationSummary b = CrossValidationRunner.run(config, dir.resolve("b"), quiet()).summary();
        assertEquals(a.mean(), b.mean());
        for (int i = 0; i < 2; i++) {
            assertEquals(a.folds().get(i).metrics(), b.folds().get(i).metrics());
            assertEquals(a.folds().get(i).classCounts(), b.folds().get(i).classCounts());
        }
    }

    private Path writeIdCsv() throws IOException {
        StringBuilder sb = new StringBuilder("id,x,label\n");
        String[] names = {"a", "b", "c"};
        int id = 0;
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < PER_CLASS[c]; k++) {
                sb.append(id).append(',').append(c + 0.01 * k).append(',').append(names[c]).append('\n');
                id++;
            }
        }
        Path csv = dir.resolve("ids.csv");
        Files.writeString(csv, sb);
        return csv;
    }

    private static ExperimentConfig config(Path csv, int folds, long seed) {
        return ExperimentConfig.from(ConfigLoader.parseYaml(yaml(csv, "{epochs: 1, folds: " + folds + "}", seed), "t"),
                "ids");
    }

    private static String yaml(Path csv, String training, long seed) {
        return "name: ids\nseed: " + seed + "\ndata: {source: csv, path: '" + csv + "', label: label, test: 0.2}\n"
                + "model: {layers: [{type: dense, units: 3}]}\ntraining: " + training + "\n";
    }

    private static Set<Integer> ids(ArrayDataset d) {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            ids.add(Math.round(d.feature(i, 0)));
        }
        return ids;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
