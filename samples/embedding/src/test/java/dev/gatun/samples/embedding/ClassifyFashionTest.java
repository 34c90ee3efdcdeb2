package dev.gatun.samples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sample on a real run ({@code -Dgatun.run=DIR}, which {@code make embedding-sample} trains):
 * its accuracy on the test images is the one the run reported in {@code metrics.json}.
 */
class ClassifyFashionTest {
    @Test
    void classifiesTheTestImagesAsTheRunScoredThem() throws IOException {
        String dir = System.getProperty("gatun.run", "");
        assertTrue(!dir.isBlank(), "-Dgatun.run=DIR must name a run folder (make embedding-sample trains one)");
        Path run = Path.of(dir);
        String metrics = Files.readString(run.resolve("metrics.json"));
        Matcher m = Pattern.compile("\"test_accuracy\": ([0-9.eE-]+)").matcher(metrics);
        assertTrue(m.find(), "no test_accuracy in " + run.resolve("metrics.json"));
        double reported = Double.parseDouble(m.group(1));

        ClassifyFashion.Result r = ClassifyFashion.classify(run, null);
        assertEquals(10_000, r.labels().length);
        assertEquals(reported, r.accuracy(), "accuracy from the predictor vs the run's metrics.json");
        assertTrue(r.accuracy() > 0.6, "test accuracy " + r.accuracy());
        for (int i = 0; i < 20; i++) {
            var p = r.predictions().get(i);
            assertEquals(FashionMnist.CLASS_NAMES.get(p.classIndex()), p.className());
            assertTrue(p.probability() >= 0.1f && p.probability() <= 1f, "probability " + p.probability());
        }
    }
}
