package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, rough edge 9: the report titles histograms by layer, skips tiny tensors, says when, with
 * what and where it was made, lists the layers, and keeps wide tables inside the page.
 */
class ReportReadabilityTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    @TempDir
    Path dir;

    private Path run() throws IOException {
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml("""
                name: readable
                data: {source: synthetic, kind: spirals, n: 200, validation: 0.2, test: 0.2}
                model: {layers: [{type: dense, units: 20}, {type: tanh}, {type: dense, units: 2}]}
                training: {epochs: 2, batch: 32}
                """, "t"), "t");
        ExperimentResult r = ExperimentRunner.run(c, dir.resolve("runs"), QUIET);
        return r.folder().path();
    }

    @Test
    void histogramsAreTitledByLayerAndTinyTensorsAreSkipped() throws IOException {
        String html = Files.readString(run().resolve(RunReport.FILE));
        List<String> alts = alts(html).stream().filter(a -> a.startsWith("Layer ")).toList();

        assertEquals(List.of("Layer 0 (dense) weight", "Layer 0 (dense) bias", "Layer 2 (dense) weight",
                "Layer 0 (dense) weight gradient", "Layer 0 (dense) bias gradient", "Layer 2 (dense) weight gradient"),
                alts.stream().sorted((a, b) -> Boolean.compare(a.contains("gradient"), b.contains("gradient"))).toList(),
                html.length() + " chars; alts " + alts(html));
        assertFalse(html.contains("0.weight weight histogram"), "no internal names as titles");
        // Layer 2's bias has 2 values: no histogram of it.
        assertFalse(alts(html).stream().anyMatch(a -> a.startsWith("Layer 2 (dense) bias")), alts(html).toString());
    }

    @Test
    void theReportSaysWhenWithWhatAndWhereAndListsTheLayers() throws IOException {
        String html = Files.readString(run().resolve(RunReport.FILE));

        assertTrue(html.matches("(?s).*<td>report date</td><td>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d UTC</td>.*"), html);
        assertTrue(html.contains("<td>gatun version</td><td>"), html);
        assertTrue(html.contains("<td>machine</td><td>") && html.contains(" cores</td>"), html);
        assertTrue(html.contains("<th>layer</th><th>type</th><th>output shape</th><th>parameters</th>"), html);
        assertTrue(html.contains("<tr><td>0</td><td>dense</td><td>[20]</td><td>60</td></tr>"), html);
        assertTrue(html.contains("<tr><td>1</td><td>tanh</td><td>[20]</td><td>0</td></tr>"), html);
        assertTrue(html.contains("<tr><td>2</td><td>dense</td><td>[2]</td><td>42</td></tr>"), html);
        assertTrue(html.contains("<tr><td>total</td><td></td><td></td><td>102</td></tr>"), html);
    }

    @Test
    void everyTableScrollsInsideItsOwnBoxRatherThanWideningThePage() throws IOException {
        Path a = MetricsFixture.run(dir, "a-run-with-a-very-long-name-that-goes-on-and-on-20260101-000000",
                "\"config\": \"" + "x".repeat(300) + "\"", new double[][] {{1, 0.5, 1, 0.5, 0.1, 1, 10}}, null);
        ComparisonReport.write(dir.resolve("cmp"), List.of(a), "val_accuracy", true);
        for (Path page : List.of(dir.resolve("cmp").resolve(ComparisonReport.HTML_FILE),
                Path.of(RunReport.write(a).toString()))) {
            String html = Files.readString(page);
            assertTrue(html.contains(".table-wrap{max-width:100%;overflow-x:auto"), page.toString());
            int tables = html.split("<table>", -1).length - 1;
            assertTrue(tables > 0);
            assertEquals(tables, html.split("<div class=\"table-wrap\"><table>", -1).length - 1, page.toString());
            assertEquals(tables, html.split("</table></div>", -1).length - 1, page.toString());
        }
    }

    private static List<String> alts(String html) {
        Matcher m = Pattern.compile("<img alt=\"([^\"]*)\"").matcher(html);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
