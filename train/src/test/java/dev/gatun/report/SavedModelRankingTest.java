package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, rough edges 5 and 8: runs are ranked by the metric of the weights they saved, not by a
 * better epoch whose weights are gone; a run that failed is listed as failed and not ranked.
 */
class SavedModelRankingTest {
    @TempDir
    Path dir;

    /** A folder as a finished run leaves it: config.json, metrics.json with its final evaluation, the weights. */
    private Path finished(String name, double[] valAccuracy, double finalValAccuracy) throws IOException {
        double[][] rows = new double[valAccuracy.length][];
        for (int e = 0; e < rows.length; e++) {
            rows[e] = new double[] {0.5, 0.8, 0.5, valAccuracy[e], 0.01, 1, 100};
        }
        Path run = MetricsFixture.run(dir, name, "\"config\": \"" + name + "\"", rows,
                "\"val_loss\": 0.5, \"val_accuracy\": " + finalValAccuracy);
        Files.writeString(run.resolve("config.json"), "{}");
        Files.write(run.resolve("model.safetensors"), new byte[8]);
        return run;
    }

    @Test
    void aPeakEpochWhoseWeightsWereNotKeptDoesNotWin() throws IOException {
        // "peaky" reached 0.95 in epoch 1 and then declined: what it saved scores 0.70.
        Path peaky = finished("peaky", new double[] {0.95, 0.70}, 0.70);
        Path steady = finished("steady", new double[] {0.80, 0.85}, 0.85);

        Comparison c = ComparisonReport.write(dir.resolve("cmp"), List.of(peaky, steady), "val_accuracy", true);

        assertEquals(List.of("steady", "peaky"), c.ranking().stream().map(Comparison.Entry::name).toList());
        assertEquals(0.85, c.best().value());
        assertEquals(0, c.best().epoch(), "from the final evaluation of the saved weights");
        String html = Files.readString(dir.resolve("cmp").resolve(ComparisonReport.HTML_FILE));
        assertTrue(html.contains("for the weights it saved (model.safetensors)"), html);
        assertTrue(html.contains("val_accuracy (saved model)"), html);
    }

    @Test
    void failedRunsAreListedAsFailedAndLeftOutOfTheRanking() throws IOException {
        Path good = finished("good", new double[] {0.8, 0.9}, 0.9);
        Path ok = finished("ok", new double[] {0.7, 0.8}, 0.8);
        // Died in its first epoch: the folder holds only what a run writes when it starts.
        Path early = Files.createDirectories(dir.resolve("early"));
        Files.writeString(early.resolve("config.json"), "{}");
        // Died after two epochs (say the loss became NaN): metrics, even a high one, but no saved model.
        Path late = MetricsFixture.run(dir, "late", "", new double[][] {
            {0.5, 0.8, 0.5, 0.97, 0.01, 1, 100}, {0.5, 0.8, 0.5, 0.99, 0.01, 1, 100}}, null);
        Files.writeString(late.resolve("config.json"), "{}");

        Path out = dir.resolve("cmp");
        Comparison c = ComparisonReport.write(out, List.of(early, good, late, ok), "val_accuracy", true);

        assertEquals(List.of("good", "ok"), c.ranking().stream().map(Comparison.Entry::name).toList());
        assertEquals(List.of("early", "late"), c.failed().stream().map(Comparison.Failed::name).toList());
        assertEquals("no metrics.json: it stopped before its first epoch ended", c.failed().get(0).reason());
        assertTrue(c.failed().get(1).reason().startsWith("no model.safetensors: it stopped after epoch 2"),
                c.failed().get(1).reason());

        List<String> csv = Files.readAllLines(out.resolve(ComparisonReport.CSV_FILE));
        assertEquals(5, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(3).startsWith("failed,early,NaN,no metrics.json"), csv.get(3));
        String md = Files.readString(out.resolve(ComparisonReport.MARKDOWN_FILE));
        assertTrue(md.contains("| failed | late | no model.safetensors: it stopped after epoch 2"), md);
        assertTrue(md.contains("Failed runs are listed, not ranked."), md);
        String html = Files.readString(out.resolve(ComparisonReport.HTML_FILE));
        assertTrue(html.contains("<td>failed</td><td>early</td>"), html);
    }

    @Test
    void whenEveryRunFailedThereIsNothingToRank() throws IOException {
        Path early = Files.createDirectories(dir.resolve("early"));
        Files.writeString(early.resolve("config.json"), "{}");

        var e = assertThrows(IllegalArgumentException.class,
                () -> ComparisonReport.write(dir.resolve("cmp"), List.of(early), "val_accuracy", true));
        assertTrue(e.getMessage().contains("every one failed") && e.getMessage().contains(early.toString()),
                e.getMessage());
    }
}
