package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.predict.Prediction;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Predictions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run trained on standardized CSV data, loaded with {@link TrainedModel#predictor}: from raw
 * rows it gives exactly the probabilities that the evaluation path ({@link ModelInputs},
 * {@link Predictions}) computes for the same examples, from the run folder and from its last
 * checkpoint alike.
 */
class TrainedModelPredictorTest {
    private static final List<String> CLASSES = List.of("a-low", "b-mid", "c-high");

    @TempDir
    static Path dir;
    private static Path run;
    private static float[][] testRows;
    private static int[] testLabels;

    /**
     * Three classes 2 apart in each feature (spread 0.5) around 1000, -500 and 300: a network
     * reading those raw values sees nearly the same input for every example, so only a
     * standardized input separates them. Class names sort as their ids, as CSV classes are numbered.
     */
    @BeforeAll
    static void trainOnStandardizedCsv() throws IOException {
        writeCsv(dir.resolve("train.csv"), 240, 1);
        testLabels = writeCsv(dir.resolve("test.csv"), 90, 2);
        testRows = readFeatures(dir.resolve("test.csv"));
        String yaml = """
                name: offsets
                seed: 3
                data: {source: csv, path: '%s', test_path: '%s', label: label, validation: 0,
                       preprocessing: [standardize]}
                model:
                  layers:
                    - {type: dense, units: 16}
                    - {type: relu}
                    - {type: dense, units: 3}
                optimizer: {type: adam, lr: 0.02}
                training: {epochs: 8, batch: 16, checkpoint_every: 8}
                """.formatted(dir.resolve("train.csv"), dir.resolve("test.csv"));
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "offsets.yaml"), "offsets");
        ExperimentResult r = ExperimentRunner.run(c, dir.resolve("runs"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(r.metric("test_accuracy") >= 0.9, "test accuracy " + r.metric("test_accuracy"));
        run = r.folder().path();
    }

    @Test
    void rawRowsGiveExactlyTheEvaluationPathsProbabilities() throws IOException {
        Predictions evaluated;
        try (Scope s = Scope.open("eval")) {
            TrainedModel m = TrainedModel.load(run);
            Dataset test = ModelInputs.labelled(m, dir.resolve("test.csv"), "label");
            evaluated = Predictions.of(m.module(), new DataLoader(test, test.size(), false, 0, false));
        }
        assertEquals(testRows.length, evaluated.count());
        try (Predictor p = TrainedModel.predictor(run)) {
            assertEquals(CLASSES, p.classNames());
            float[][] probabilities = p.predict(testRows);
            List<Prediction> classes = p.classify(testRows);
            int[] predicted = evaluated.predictedClasses();
            int correct = 0;
            for (int i = 0; i < testRows.length; i++) {
                double[] want = evaluated.probabilities(i);
                for (int c = 0; c < want.length; c++) {
                    assertEquals(Float.floatToRawIntBits((float) want[c]), Float.floatToRawIntBits(probabilities[i][c]),
                            "example " + i + " class " + c);
                }
                assertEquals(predicted[i], classes.get(i).classIndex());
                assertEquals(CLASSES.get(predicted[i]), classes.get(i).className());
                correct += classes.get(i).classIndex() == testLabels[i] ? 1 : 0;
            }
            double accuracy = (double) correct / testRows.length;
            assertEquals(evaluated.confusion().accuracy(), accuracy);
            assertTrue(accuracy >= 0.9, "accuracy from raw rows " + accuracy);

            // The same rows given as a prepared tensor skip the standardization: the network then
            // sees nearly one input for every example and cannot tell the classes apart.
            int unprepared = 0;
            try (Scope s = Scope.open("raw tensor")) {
                float[][] raw = p.predictPreprocessed(Tensor.of(flat(testRows), testRows.length, 3));
                for (int i = 0; i < raw.length; i++) {
                    unprepared += argmax(raw[i]) == testLabels[i] ? 1 : 0;
                }
            }
            assertTrue(unprepared <= 0.6 * testRows.length, unprepared + " right without the standardization");
        }
    }

    @Test
    void theLastCheckpointLoadsIntoTheSamePredictor() throws IOException {
        Path checkpoint = run.resolve("checkpoints").resolve(dev.gatun.train.checkpoint.Checkpoint.directoryName(8));
        try (Predictor fromRun = TrainedModel.predictor(run); Predictor fromCheckpoint = TrainedModel.predictor(checkpoint)) {
            float[][] a = fromRun.predict(testRows);
            float[][] b = fromCheckpoint.predict(testRows);
            for (int i = 0; i < a.length; i++) {
                for (int c = 0; c < a[i].length; c++) {
                    assertEquals(Float.floatToRawIntBits(a[i][c]), Float.floatToRawIntBits(b[i][c]));
                }
            }
        }
    }

    @Test
    void aFolderWithoutItsCardIsNamedAndKeepsNoMemory() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("no-card"));
        for (String f : List.of(TrainedModel.CONFIG, TrainedModel.WEIGHTS)) {
            Files.copy(run.resolve(f), copy.resolve(f));
        }
        long before = Scope.liveBytes();
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TrainedModel.predictor(copy));
        assertEquals(copy.resolve(ModelCard.FILE).toString(), e.getFile());
        assertEquals(before, Scope.liveBytes());
    }

    /** {@code n} rows {@code f0,f1,f2,label}; returns the labels (class ids of {@link #CLASSES}). */
    private static int[] writeCsv(Path file, int n, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("f0,f1,f2,label\n");
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % 3;
            labels[i] = k;
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s%n",
                    Float.toString((float) (1000 + 2 * k + 0.5 * rng.nextGaussian())),
                    Float.toString((float) (-500 - 2 * k + 0.5 * rng.nextGaussian())),
                    Float.toString((float) (300 + 2 * k + 0.5 * rng.nextGaussian())), CLASSES.get(k)));
        }
        Files.writeString(file, sb.toString());
        return labels;
    }

    private static float[][] readFeatures(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        float[][] rows = new float[lines.size() - 1][3];
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            for (int j = 0; j < 3; j++) {
                rows[i - 1][j] = Float.parseFloat(f[j]);
            }
        }
        return rows;
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int c = 1; c < v.length; c++) {
            best = v[c] > v[best] ? c : best;
        }
        return best;
    }
}
