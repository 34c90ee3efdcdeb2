package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun compare}'s hyperparameter columns and parallel-coordinates plot. */
class ComparisonHyperParametersTest {
    @TempDir
    Path dir;

    private Path run(String name, String config, double valAccuracy) throws IOException {
        Path run = MetricsFixture.run(dir, name, "\"config\": \"" + name + "\"",
                new double[][] {{0.9, 0.6, 0.8, valAccuracy, 0.1, 1, 100}}, "\"test_accuracy\": " + valAccuracy);
        Files.writeString(run.resolve("config.json"), config);
        // A finished run has its weights: without them the comparison lists it as failed.
        Files.write(run.resolve("model.safetensors"), new byte[0]);
        return run;
    }

    @Test
    void theHyperparametersThatDifferBecomeColumnsAndAxes() throws IOException {
        Path a = run("a", "{\"name\": \"a\", \"optimizer\": {\"type\": \"adam\", \"lr\": 0.001}, \"training\":"
                + " {\"epochs\": 5}, \"model\": {\"layers\": [{\"type\": \"dense\", \"units\": 16}]}}", 0.80);
        Path b = run("b", "{\"name\": \"b\", \"optimizer\": {\"type\": \"adam\", \"lr\": 0.1}, \"training\":"
                + " {\"epochs\": 5}, \"model\": {\"layers\": [{\"type\": \"dense\", \"units\": 64}]}}", 0.95);
        Path c = run("c", "{\"name\": \"c\", \"optimizer\": {\"type\": \"sgd\", \"lr\": 0.01}, \"training\":"
                + " {\"epochs\": 5}, \"model\": {\"layers\": [{\"type\": \"dense\", \"units\": 64}]}}", 0.85);
        Path out = dir.resolve("cmp");
        ComparisonReport.write(out, List.of(a, b, c), "val_accuracy", true);

        List<String> csv = Files.readAllLines(out.resolve(ComparisonReport.CSV_FILE));
        assertEquals("rank,run,val_accuracy,epoch,final_test_accuracy,optimizer.type,optimizer.lr,"
                + "model.layers[0].units,seconds,config", csv.get(0));
        assertEquals("1,b,0.95,1,0.95,adam,0.1,64,1,b", csv.get(1));
        assertEquals("3,a,0.8,1,0.8,adam,0.001,16,1,a", csv.get(3));
        String md = Files.readString(out.resolve(ComparisonReport.MARKDOWN_FILE));
        assertTrue(md.contains("| optimizer.type | optimizer.lr | model.layers[0].units |"), md);
        assertFalse(md.contains("training.epochs"), "equal in every run: not a column");

        BufferedImage png = ImageIO.read(out.resolve(ComparisonReport.PARALLEL_COORDINATES).toFile());
        assertEquals(ParallelCoordinates.WIDTH, png.getWidth());
        assertEquals(ParallelCoordinates.HEIGHT, png.getHeight());
        assertTrue(Files.readString(out.resolve(ComparisonReport.HTML_FILE)).contains("parallel coordinates"));
        // The best run's line is drawn in the darkest shade, the worst's in the lightest.
        assertTrue(count(png, ParallelCoordinates.shade(1).getRGB()) > 200);
        assertTrue(count(png, ParallelCoordinates.shade(0).getRGB()) > 100);
    }

    @Test
    void learningRatesSpanningDecadesGetALogAxisAndTextGetsCategories() {
        List<ParallelCoordinates.Axis> axes = ParallelCoordinates.axes(List.of("optimizer.lr", "optimizer.type", "m"),
                List.of(List.of("0.001", "adam", "0.8"), List.of("0.1", "sgd", "0.9"), List.of("0.01", "adam", "0.85")));
        assertEquals("optimizer.lr (log)", axes.get(0).label());
        assertEquals(0.5, axes.get(0).positions()[2], 1e-9, "0.01 is halfway between 0.001 and 0.1 on a log axis");
        assertEquals(List.of("adam", "sgd"), axes.get(1).ticks());
        assertEquals(0.0, axes.get(1).positions()[0]);
        assertEquals(1.0, axes.get(1).positions()[1]);
        assertEquals("m", axes.get(2).label());
        assertEquals(0.5, axes.get(2).positions()[2], 1e-9);
    }

    @Test
    void runsWithEqualConfigsGetNoPlot() throws IOException {
        String same = "{\"optimizer\": {\"lr\": 0.01}}";
        Path out = dir.resolve("same");
        ComparisonReport.write(out, List.of(run("x", same, 0.8), run("y", same, 0.9)), "val_accuracy", true);
        assertFalse(Files.exists(out.resolve(ComparisonReport.PARALLEL_COORDINATES)));
        assertEquals("rank,run,val_accuracy,epoch,final_test_accuracy,seconds,config",
                Files.readAllLines(out.resolve(ComparisonReport.CSV_FILE)).get(0));
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF) ? 1 : 0;
            }
        }
        return n;
    }
}
