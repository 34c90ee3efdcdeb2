package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.predict.Ensemble;
import dev.gatun.predict.Prediction;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.train.EnsemblePredictions;
import dev.gatun.train.Predictions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soft voting over trained runs: three spirals models from different seeds (each standardizing with
 * its own statistics), a three-class blobs model, a regression model on the same two inputs, and one
 * with three inputs.
 */
class ModelEnsembleTest {
    @TempDir
    static Path dir;
    private static List<Path> spirals;
    private static Path blobs;
    private static Path regression;
    private static Path wide;

    @BeforeAll
    static void train() throws IOException {
        spirals = new ArrayList<>();
        for (long seed : new long[] {1, 2, 3}) {
            spirals.add(run("spirals.yaml", Map.of("seed", Long.toString(seed), "data.n", "1000", "data.noise", "0.06",
                    "training.epochs", "25", "data.preprocessing", "[standardize]")));
        }
        Map<String, String> mlp = Map.of("data.preprocessing", "[standardize]", "training.epochs", "1");
        blobs = run("spirals.yaml", merged(mlp, Map.of("data", "{source: synthetic, kind: blobs, n: 150, centers: 3}",
                "model.layers[4].units", "3")));
        regression = run("spirals.yaml", merged(mlp, Map.of("data", "{source: synthetic, kind: linear, n: 100, features: 2}",
                "loss", "mse", "model.layers[4].units", "1")));
        wide = run("spirals.yaml", merged(mlp, Map.of("data", "{source: synthetic, kind: linear, n: 100, features: 3}",
                "loss", "mse", "model.layers[4].units", "1")));
    }

    @Test
    void anEnsemblesProbabilitiesAreExactlyTheMeanOfItsMembers() throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        float[][] rows = new float[6][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {(float) rng.nextDouble(-1.2, 1.2), (float) rng.nextDouble(-1.2, 1.2)};
        }
        List<float[][]> each = new ArrayList<>();
        for (Path run : spirals) {
            try (Predictor p = TrainedModel.predictor(run)) {
                each.add(p.predict(rows));
            }
        }
        try (Ensemble e = ModelEnsemble.predictor(spirals)) {
            assertEquals(3, e.members().size());
            float[][] mean = e.predict(rows);
            for (int i = 0; i < rows.length; i++) {
                float[] expected = new float[2];
                for (int c = 0; c < 2; c++) {
                    expected[c] = (float) (((double) each.get(0)[i][c] + each.get(1)[i][c] + each.get(2)[i][c]) / 3);
                }
                assertArrayEquals(expected, mean[i], 0f, "row " + i);
                assertArrayEquals(expected, e.predict(rows[i]), 0f, "row " + i + " alone");
                Prediction best = e.classify(rows[i]);
                assertEquals(expected[1] > expected[0] ? 1 : 0, best.classIndex());
                assertEquals(expected[best.classIndex()], best.probability(), 0f);
            }
        }
    }

    @Test
    void threeSeedsVoteAtLeastAsWellAsTheirMeanMember() throws IOException {
        try (Scope scope = Scope.open("vote")) {
            List<TrainedModel> members = ModelEnsemble.load(spirals);
            List<Predictions> each = new ArrayList<>();
            double memberSum = 0;
            for (int i = 0; i < 3; i++) {
                Dataset test = ModelEnsemble.ownerTestPart(members.getFirst(), spirals.getFirst(), members.get(i),
                        spirals.get(i));
                Predictions p = Predictions.of(members.get(i).module(), new DataLoader(test, 256, false, 0, false));
                each.add(p);
                memberSum += p.confusion().accuracy();
            }
            EnsemblePredictions vote = new EnsemblePredictions(each);
            for (int i = 0; i < 5; i++) {
                double[] expected = new double[2];
                for (Predictions p : each) {
                    expected[0] += p.probabilities(i)[0];
                    expected[1] += p.probabilities(i)[1];
                }
                assertArrayEquals(new double[] {expected[0] / 3, expected[1] / 3}, vote.probabilities(i), 0.0);
            }
            double ensemble = vote.combined().confusion().accuracy();
            double meanMember = memberSum / 3;
            System.out.printf(Locale.ROOT, "spirals ensemble of 3 seeds: accuracy %.4f, members %.4f %.4f %.4f"
                    + " (mean %.4f)%n", ensemble, each.get(0).confusion().accuracy(), each.get(1).confusion().accuracy(),
                    each.get(2).confusion().accuracy(), meanMember);
            assertTrue(ensemble >= meanMember, "ensemble " + ensemble + " < mean member " + meanMember);
            assertTrue(meanMember > 0.6 && meanMember < 0.99, "members should be good but imperfect: " + meanMember);
        }
    }

    @Test
    void membersThatDisagreeAreRefusedNamingTheRunAndTheDifference() {
        long before = Scope.liveBytes();
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                () -> ModelEnsemble.predictor(List.of(spirals.getFirst(), blobs)));
        assertEquals(before, Scope.liveBytes(), "the refused ensemble closed the members it was given");
        assertTrue(classes.getMessage().startsWith("ensemble member " + blobs), classes.getMessage());
        assertTrue(classes.getMessage().contains("classes [0, 1, 2] differ from [0, 1]"), classes.getMessage());

        try (Scope scope = Scope.open("refusals")) {
            IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                    () -> ModelEnsemble.load(List.of(spirals.getFirst(), regression)));
            assertTrue(kind.getMessage().contains("ensemble member " + regression + ": a regression model, but "
                    + spirals.getFirst() + " is a classifier"), kind.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> ModelEnsemble.load(List.of(regression, wide)));
            assertTrue(shape.getMessage().contains("ensemble member " + wide + ": input shape [3] differs from [2]"),
                    shape.getMessage());
        }
    }

    private static Path run(String config, Map<String, String> overrides) throws IOException {
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve(config), overrides).getFirst();
        return ExperimentRunner.run(c, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .folder().path();
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new java.util.LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }
}
