package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.RunFolder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    private static final double NaN = Double.NaN;
    @TempDir
    Path dir;

    /** Three epochs; validation loss is lowest at epoch 2 (0.40) while train loss keeps falling. */
    private Path classificationRun() throws IOException {
        return MetricsFixture.run(dir, "mlp-20260101-000000", "\"config\": \"mlp & <friends>\", \"backend\": \"cpu\", \"seed\": \"7\"",
                new double[][] {
                    {0.9, 0.60, 0.50, 0.70, 0.01, 2.0, 1000},
                    {0.5, 0.80, 0.40, 0.85, 0.005, 3.0, 2000},
                    {0.3, 0.90, 0.45, 0.84, 0.0025, 5.0, 3000}},
                "\"test_loss\": 0.41, \"test_accuracy\": 0.845");
    }

    @Test
    void reportIsSelfContainedAndEscapesTheConfig() throws IOException {
        Path run = classificationRun();
        Files.writeString(run.resolve("config.yaml"), "name: \"<script>alert('x')</script>\"\nlayers: [dense]\n");
        Path report = RunReport.write(run);

        assertEquals(run.resolve("report.html"), report);
        String html = Files.readString(report);
        assertFalse(html.contains("src=\"http"), "no external sources");
        assertFalse(html.contains("href="), "no links to fetch");
        assertFalse(html.toLowerCase().contains("<script"), "no scripts, and the config's script tag is escaped");
        assertTrue(html.contains("name: &quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;"), html);
        assertTrue(html.contains("mlp &amp; &lt;friends&gt;"), "run facts are escaped");
        assertTrue(html.contains("Best epoch: 2 (lowest val_loss, 0.4)"), html);
        assertTrue(html.contains("<tr class=\"best\"><td>2</td>"), "best epoch row highlighted");
        assertTrue(html.contains("Training time: 10 s in total for 23000 samples, 2300 samples/s on average."), html);
        assertTrue(html.contains("<td>test_accuracy</td><td>0.845</td>"), html);

        // Every plot is both a file and embedded, byte for byte.
        List<byte[]> embedded = embeddedImages(html);
        assertEquals(3, embedded.size());
        for (String png : List.of("loss.png", "accuracy.png", "lr.png")) {
            byte[] bytes = Files.readAllBytes(run.resolve(png));
            assertTrue(embedded.stream().anyMatch(e -> java.util.Arrays.equals(e, bytes)), png + " embedded");
            BufferedImage image = ImageIO.read(run.resolve(png).toFile());
            assertNotNull(image, png);
            assertEquals(ChartPng.WIDTH, image.getWidth());
            assertEquals(ChartPng.HEIGHT, image.getHeight());
        }
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "atomic writes leave no temp files");
        }
    }

    @Test
    void aRunWithNoEpochsYetStillGetsAReport() throws IOException {
        Path run = MetricsFixture.run(dir, "early", "\"sample\": \"cnn\"", new double[0][], null);
        String html = Files.readString(RunReport.write(run));
        assertTrue(html.contains("No epoch has a finite loss."), html);
        assertEquals(0, embeddedImages(html).size());
        assertFalse(Files.exists(run.resolve("loss.png")));
    }

    @Test
    void regressionWithoutValidationSkipsMissingCurves() throws IOException {
        Path run = MetricsFixture.run(dir, "reg", "\"sample\": \"linear\"",
                new double[][] {{2.0, NaN, NaN, NaN, 0.1, 1, 10}, {1.0, NaN, NaN, NaN, 0.1, 1, 10}}, null);
        String html = Files.readString(RunReport.write(run));
        assertTrue(Files.exists(run.resolve("loss.png")));
        assertTrue(Files.exists(run.resolve("lr.png")));
        assertFalse(Files.exists(run.resolve("accuracy.png")), "no accuracy was measured");
        assertEquals(2, embeddedImages(html).size());
        assertTrue(html.contains("Best epoch: 2 (lowest train_loss, 1)"), html);
        assertFalse(html.contains("Final metrics"));
        assertTrue(html.contains("<td>—</td>"), "unmeasured values are dashes, not zeros");
        // The loss chart has only the training curve: its legend has one entry, so fewer colours than with two.
        assertFalse(html.contains("Confusion matrix"));
    }

    @Test
    void confusionAndHistogramsAddPlotsAndThePerClassTable() throws IOException {
        Path run = classificationRun();
        ConfusionMatrix cm = ConfusionMatrix.of(new int[] {0, 0, 1, 1, 2, 2, 2, 0}, new int[] {0, 0, 0, 1, 1, 2, 2, 2}, 3);
        ConfusionMatrixFile.write(RunFolder.open(run), cm, List.of("cat", "dog", "<bird>"));
        HistogramsFile.write(RunFolder.open(run), List.of(
                new HistogramsFile.EpochHistograms(1, List.of(Histogram.of("0.weight", "weight", spread(20, 1), 4))),
                new HistogramsFile.EpochHistograms(2, List.of(Histogram.of("0.weight", "weight", spread(20, 2), 4),
                        Histogram.of("0.weight", "grad", spread(20, 0.1), 4)))));
        String html = Files.readString(RunReport.write(run));

        BufferedImage confusion = ImageIO.read(run.resolve("confusion.png").toFile());
        assertNotNull(confusion);
        assertTrue(confusion.getWidth() >= 500 && confusion.getHeight() >= 500);
        assertNotNull(ImageIO.read(run.resolve("hist-weight-0.weight.png").toFile()));
        assertNotNull(ImageIO.read(run.resolve("hist-grad-0.weight.png").toFile()));
        assertEquals(6, embeddedImages(html).size());
        // dog: TP 1, predicted 2, actual 2 → precision 0.5, recall 0.5.
        assertTrue(html.contains("<tr><td>dog</td><td>0.5</td><td>0.5</td><td>0.5</td><td>2</td></tr>"), html);
        assertTrue(html.contains("<td>&lt;bird&gt;</td><td>0.666667</td><td>0.666667</td><td>0.666667</td><td>3</td>"), html);
        assertTrue(html.contains("<td>micro average</td><td>0.625</td>"), html);
        assertTrue(html.contains("histograms (epoch 2)"), html);
    }

    /** {@code n} values evenly from -{@code half} to {@code half}: a tensor large enough to get a histogram. */
    private static double[] spread(int n, double half) {
        return java.util.stream.IntStream.range(0, n).mapToDouble(i -> -half + 2 * half * i / (n - 1)).toArray();
    }

    @Test
    void missingMetricsNamesTheFolder() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty-run"));
        var e = assertThrows(IllegalArgumentException.class, () -> RunReport.write(empty));
        assertTrue(e.getMessage().contains("empty-run") && e.getMessage().contains("metrics.json"), e.getMessage());
        assertFalse(Files.exists(empty.resolve("report.html")));
    }

    @Test
    void malformedMetricsNamesTheEntry() throws IOException {
        Path run = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(run.resolve("metrics.json"), "{\"run\": {}, \"epochs\": [{\"epoch\": 1, \"train_loss\": [1]}]}");
        var e = assertThrows(IllegalArgumentException.class, () -> RunReport.write(run));
        assertTrue(e.getMessage().contains("epochs[0].train_loss"), e.getMessage());
    }

    static List<byte[]> embeddedImages(String html) throws IOException {
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        List<byte[]> out = new java.util.ArrayList<>();
        while (m.find()) {
            byte[] png = Base64.getDecoder().decode(m.group(1));
            assertNotNull(ImageIO.read(new ByteArrayInputStream(png)), "embedded image decodes");
            out.add(png);
        }
        return out;
    }
}
