package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonReportTest {
    private static final double NaN = Double.NaN;
    @TempDir
    Path dir;

    /** Three runs: "wide" peaks highest in val_accuracy (0.91 at epoch 2), "deep" has the lowest val_loss. */
    private List<Path> runs() throws IOException {
        Path small = MetricsFixture.run(dir, "small", "\"config\": \"small.yaml\", \"seed\": \"1\"",
                new double[][] {{0.9, 0.6, 0.8, 0.70, 0.1, 1, 100}, {0.7, 0.7, 0.6, 0.80, 0.1, 1, 100}},
                "\"test_loss\": 0.62, \"test_accuracy\": 0.79");
        Path wide = MetricsFixture.run(dir, "wide", "\"config\": \"wide, \\\"v2\\\"\", \"seed\": \"1\"",
                new double[][] {{0.8, 0.7, 0.5, 0.85, 0.1, 2, 100}, {0.5, 0.9, 0.45, 0.91, 0.1, 2, 100},
                    {0.3, 0.95, 0.5, 0.90, 0.1, 2, 100}},
                "\"test_loss\": 0.47, \"test_accuracy\": 0.9");
        Path deep = MetricsFixture.run(dir, "deep", "\"config\": \"deep|pipe.yaml\", \"lr\": \"0.01\"",
                new double[][] {{0.6, 0.8, 0.30, 0.88, 0.1, 4, 50}},
                null);
        return List.of(small, wide, deep);
    }

    @Test
    void ranksByTheSavedModelAndWritesAllThreeFiles() throws IOException {
        Path out = dir.resolve("compare");
        Comparison c = ComparisonReport.write(out, runs(), "val_accuracy", true);

        assertEquals(List.of("wide", "deep", "small"), c.ranking().stream().map(Comparison.Entry::name).toList());
        assertEquals("wide", c.best().name());
        // wide peaked at 0.91 in epoch 2, but the weights it saved are epoch 3's, at 0.90.
        assertEquals(0.90, c.best().value());
        assertEquals(3, c.best().epoch());
        assertEquals(6.0, c.best().seconds());
        assertEquals(0.9, c.best().finalMetrics().get("test_accuracy"));

        List<String> csv = Files.readAllLines(out.resolve("comparison.csv"));
        assertEquals("rank,run,val_accuracy,epoch,final_test_loss,final_test_accuracy,seconds,config,seed,lr",
                csv.get(0));
        assertEquals("1,wide,0.9,3,0.47,0.9,6,\"wide, \"\"v2\"\"\",1,", csv.get(1));
        assertEquals("2,deep,0.88,1,NaN,NaN,4,deep|pipe.yaml,,0.01", csv.get(2));
        assertEquals(4, csv.size());

        String md = Files.readString(out.resolve("comparison.md"));
        assertTrue(md.contains("Best run by val_accuracy of the saved model (higher is better): wide, 0.9 (last epoch, 3)."),
                md);
        assertTrue(md.contains("for the weights it saved (model.safetensors)"), md);
        assertTrue(md.contains("| rank | run | val_accuracy (saved model) | from |"), md);
        assertTrue(md.contains("| 2 | deep | 0.88 | epoch 1 | — | — | 4 | deep\\|pipe.yaml |  | 0.01 |"), md);

        String html = Files.readString(out.resolve("comparison.html"));
        assertFalse(html.contains("src=\"http") || html.contains("href=") || html.contains("<script"));
        assertTrue(html.contains("<tr class=\"best\"><td>1</td><td>wide</td>"), html);
        assertEquals(2, RunReportTest.embeddedImages(html).size());
        for (String png : List.of("compare-val_accuracy.png", "compare-val_loss.png")) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(image, png);
            assertEquals(ChartPng.WIDTH, image.getWidth());
            assertEquals(ChartPng.HEIGHT, image.getHeight());
        }
    }

    @Test
    void runFactsThatLookLikeFormulasAreDefusedInComparisonCsvAndNumbersAreNot() throws IOException {
        Path evil = MetricsFixture.run(dir, "evil", "\"config\": \"=HYPERLINK(\\\"http://x.test\\\")\", \"seed\": \"-3\"",
                new double[][] {{0.9, 0.6, -0.5, 0.70, 0.1, 1, 100}}, null);
        ComparisonReport.write(dir.resolve("cmp"), List.of(evil), "val_loss", false);
        List<String> csv = Files.readAllLines(dir.resolve("cmp").resolve("comparison.csv"));
        assertEquals("1,evil,-0.5,1,1,\"'=HYPERLINK(\"\"http://x.test\"\")\",-3", csv.get(1));
    }

    @Test
    void lowerIsBetterAndFinalOnlyMetrics() throws IOException {
        Comparison byLoss = ComparisonReport.write(dir.resolve("a"), runs(), "val_loss", false);
        assertEquals(List.of("deep", "wide", "small"), byLoss.ranking().stream().map(Comparison.Entry::name).toList());
        assertEquals(1, byLoss.best().epoch());

        List<Path> finished = runs().subList(0, 2);
        Comparison byTest = ComparisonReport.write(dir.resolve("b"), finished, "test_loss", false);
        assertEquals("wide", byTest.best().name());
        assertEquals(0, byTest.best().epoch(), "a final metric has no epoch");
        assertTrue(Files.readString(dir.resolve("b/comparison.md")).contains("wide, 0.47 (final evaluation)."));
    }

    @Test
    void errorsNameTheFolderAndTheMetric() throws IOException {
        List<Path> runs = runs();
        var e = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(dir.resolve("x"), runs, "test_accuracy", true));
        assertTrue(e.getMessage().contains(runs.get(2).toString()) && e.getMessage().contains("'test_accuracy'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("val_accuracy"), "lists the known metrics: " + e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written before validation passes");

        Path bare = Files.createDirectories(dir.resolve("not-a-run"));
        e = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(dir.resolve("y"), List.of(runs.get(0), bare), "val_loss", false));
        assertTrue(e.getMessage().contains("not-a-run") && e.getMessage().contains("metrics.json"), e.getMessage());

        Path onlyNulls = MetricsFixture.run(dir, "regression", "", new double[][] {{1, NaN, NaN, NaN, 0.1, 1, 1}}, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(dir.resolve("z"), List.of(onlyNulls), "val_accuracy", true));
        assertTrue(e.getMessage().contains("regression") && e.getMessage().contains("no finite value"), e.getMessage());
    }
}
