package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.report.ComparisonReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 18, rough edge 9: a comparison report whose table is wider than the window stays inside a
 * 1200 px window; the table scrolls in its own box instead of widening the page.
 */
class ReportWidthPageTest {
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    @TempDir
    Path dir;
    private ChromeDriver driver;

    @AfterEach
    void close() throws IOException {
        if (driver != null) {
            Files.write(Files.createDirectories(SCREENSHOTS).resolve("comparisonTableFitsA1200PixelWindow.png"),
                    driver.getScreenshotAs(OutputType.BYTES));
            driver.quit();
        }
    }

    @Test
    void comparisonTableFitsA1200PixelWindow() throws IOException {
        List<Path> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Path run = Files.createDirectories(dir.resolve("a-search-trial-with-a-long-name-lr0.00" + i + "-units-64-20261206"));
            Files.writeString(run.resolve("metrics.json"), """
                    {"run": {"config": "spirals-search-lr0.00%d-units64", "backend": "cpu", "seed": "42",
                     "parameters": "4482", "train_examples": "1440", "validation_examples": "160",
                     "test_examples": "400", "init_from": "pretrained/some/long/path/to/a/model/folder"},
                     "epochs": [{"epoch": 1, "train_loss": 0.5, "train_accuracy": 0.8, "val_loss": 0.4,
                     "val_accuracy": 0.%d, "lr": 0.01, "seconds": 1.5, "samples_per_second": 960}],
                     "final": {"test_loss": 0.41, "test_accuracy": 0.85, "test_macro_precision": 0.85,
                     "test_macro_recall": 0.84, "test_macro_f1": 0.845, "val_loss": 0.4, "val_accuracy": 0.8%d}}
                    """.formatted(i, i + 1, i));
            runs.add(run);
        }
        Path out = dir.resolve("cmp");
        ComparisonReport.write(out, runs, "val_accuracy", true);

        driver = HeadlessChromium.start();
        driver.manage().window().setSize(new Dimension(1200, 900));
        driver.get(out.resolve(ComparisonReport.HTML_FILE).toUri().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const table = document.querySelector('table');
                return {page: document.documentElement.scrollWidth, window: window.innerWidth,
                        table: table.scrollWidth, box: table.parentElement.clientWidth};""");
        long page = ((Number) m.get("page")).longValue();
        long window = ((Number) m.get("window")).longValue();
        long table = ((Number) m.get("table")).longValue();
        long box = ((Number) m.get("box")).longValue();

        assertTrue(window <= 1200, "window " + window);
        assertTrue(table > window, "the table is wider than the window, so the test means something: " + m);
        assertTrue(page <= window, "the page does not scroll sideways: " + m);
        assertTrue(box <= window, "the table's box fits the window: " + m);
    }
}
