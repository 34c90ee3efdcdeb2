package dev.gatun.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.config.ModelInputs;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.DataLoader;
import dev.gatun.data.FashionMnist;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.predict.Prediction;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Predictions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A Fashion sample's run folder is a trained model: its config builds the sample's network, and
 * {@link TrainedModel#predictor} on the folder classifies the test images exactly as the run's own
 * evaluation did. The second test needs Fashion-MNIST and is skipped without it.
 */
class FashionRunPredictorTest {
    @TempDir
    Path runs;

    @Test
    void theRecordedConfigBuildsEachSamplesNetwork() throws IOException {
        for (FashionSample sample : List.of(FashionSample.MLP, FashionSample.CNN, FashionSample.LSTM)) {
            SampleOptions o = sample.parse(new String[] {"--seed", "7", "--epochs", "2", "--lr", "0.01"});
            ExperimentConfig c = sample.config(o);
            assertEquals(7, c.seed());
            assertEquals(2, c.training().epochs());
            assertEquals(0.01, c.optimizer().lr());
            try (Scope s = Scope.open("networks")) {
                List<Parameter> fromConfig = ModelFactory.module(c.model(), sample.featureShape(), c.seed()).state();
                List<Parameter> own = sample.model().apply(new SplittableRandom(7)).state();
                assertEquals(own.size(), fromConfig.size(), sample.name());
                for (int i = 0; i < own.size(); i++) {
                    assertEquals(own.get(i).name(), fromConfig.get(i).name(), sample.name());
                    assertArrayEquals(own.get(i).tensor().toFloatArray(), fromConfig.get(i).tensor().toFloatArray(),
                            sample.name() + " " + own.get(i).name());
                }
            }
        }
    }

    @Test
    void aSampleRunLoadsIntoAPredictorThatScoresItsTestAccuracy() throws IOException {
        Path data;
        try {
            data = FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST not installed: " + e.getMessage());
            return;
        }
        FashionSample.MLP.run(FashionSample.MLP.parse(new String[] {"--epochs", "1", "--limit", "2000",
                "--validation", "0", "--out", runs.toString()}), new PrintStream(OutputStream.nullOutputStream()));
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        JsonNode metrics = ConfigLoader.parseJson(Files.readString(run.resolve("metrics.json")), "metrics.json");
        double reported = metrics.get("final").get("test_accuracy").doubleValue();

        // The evaluation path on the run's own test part, as gatun eval does it.
        try (Scope s = Scope.open("eval")) {
            TrainedModel m = TrainedModel.load(run);
            Predictions p = Predictions.of(m.module(),
                    new DataLoader(ModelInputs.labelled(m, null, null), 1000, false, 0, false));
            assertEquals(reported, p.confusion().accuracy());
        }

        try (Predictor predictor = TrainedModel.predictor(run); Arena arena = Arena.ofConfined()) {
            assertArrayEquals(new int[] {784}, predictor.inputShape());
            assertEquals(FashionMnist.CLASS_NAMES, predictor.classNames());
            FashionMnist.Split test = FashionMnist.Split.load(data, false, arena);
            int correct = 0;
            for (int from = 0; from < test.count(); from += 1000) {
                float[][] rows = new float[Math.min(1000, test.count() - from)][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = pixels(test.image(from + i));
                }
                List<Prediction> got = predictor.classify(rows);
                for (int i = 0; i < rows.length; i++) {
                    correct += got.get(i).classIndex() == test.label(from + i) ? 1 : 0;
                }
            }
            assertEquals(reported, (double) correct / test.count());
            assertTrue(reported > 0.6, "test accuracy " + reported);
        }
    }

    /** An image's bytes as the samples feed them: 0..255 scaled to [0, 1]. */
    private static float[] pixels(MemorySegment image) {
        float[] row = new float[(int) image.byteSize()];
        for (int p = 0; p < row.length; p++) {
            row[p] = (image.get(ValueLayout.JAVA_BYTE, p) & 0xFF) / 255f;
        }
        return row;
    }
}
