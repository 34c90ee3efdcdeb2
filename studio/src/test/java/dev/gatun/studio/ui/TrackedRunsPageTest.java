package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.studio.Studio;
import dev.gatun.studio.server.StudioFile;
import dev.gatun.tracking.MachineFacts;
import dev.gatun.tracking.RunState;
import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The tracked-runs panel in a headless Chromium: the workspace's tracking store as a table, with a
 * killed run shown lost, a finished run's differing hyperparameter and metric, and the playground
 * run the page itself started.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrackedRunsPageTest {
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    static Path home;

    private static Studio studio;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws IOException {
        System.setProperty(StudioFile.HOME_PROPERTY, home.toString());
        Path runs = home.resolve("workspace").resolve("runs");
        try (TrackingStore s = TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE)).open()) {
            Instant now = Instant.now();
            s.put(run("cli-finished", RunState.FINISHED, "0.1", Map.of("val_accuracy", 0.9), now.minusSeconds(300), now));
            s.put(run("cli-failed", RunState.FAILED, "0.5", Map.of(), now.minusSeconds(200), now));
            // Killed an hour ago: still running in the store, its heartbeat an hour old.
            s.put(run("cli-killed", RunState.RUNNING, "0.01", Map.of(), now.minusSeconds(3700), now.minusSeconds(3600)));
        }
        driver = HeadlessChromium.start();
        studio = Studio.start(new Studio.Options("127.0.0.1", 0, home.resolve("workspace")));
    }

    private static TrackedRun run(String id, RunState state, String lr, Map<String, Double> metrics, Instant started,
            Instant heartbeat) {
        return new TrackedRun(id, "exp", state, null, null, Map.of(), "{}", Map.of("optimizer.lr", lr), metrics,
                List.of(), MachineFacts.probe(), "1", null, "/runs/" + id, started,
                state == RunState.RUNNING ? null : heartbeat, heartbeat, state == RunState.FAILED ? "boom" : null);
    }

    @AfterAll
    static void stop() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (studio != null) {
                studio.close();
            }
            System.clearProperty(StudioFile.HOME_PROPERTY);
        }
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        Path dir = Files.createDirectories(SCREENSHOTS);
        String name = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse(test.getDisplayName());
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void thePanelListsTheStoresRunsWithAKilledRunShownLost() {
        driver.manage().logs().get(LogType.BROWSER);
        driver.get(studio.url().toString());
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100));
        // The page builds its playground run at start; that run is tracked too.
        wait.until(d -> "connected".equals(d.findElement(By.id("connection")).getDomAttribute("data-state"))
                && !"none".equals(d.findElement(By.id("status")).getDomAttribute("data-status")));
        WebElement panel = driver.findElement(By.id("tracked-panel"));
        driver.executeScript("arguments[0].scrollIntoView();", panel);
        panel.findElement(By.tagName("summary")).click();
        wait.until(d -> "4".equals(d.findElement(By.id("tracked-table")).getDomAttribute("data-count")));

        List<WebElement> rows = driver.findElements(By.cssSelector("#tracked-table > tbody > tr.tracked-run"));
        assertEquals(4, rows.size());
        assertEquals("running", status(rows, "playground-"));
        assertEquals("lost", status(rows, "cli-killed"));
        assertEquals("failed", status(rows, "cli-failed"));
        assertEquals("finished", status(rows, "cli-finished"));
        WebElement finished = row(rows, "cli-finished");
        assertEquals("0.1", finished.findElement(By.cssSelector("td[data-column='optimizer.lr']")).getText());
        assertEquals("0.9", finished.findElement(By.cssSelector("td[data-column='val_accuracy']")).getText());
        assertTrue(driver.findElement(By.id("tracked-info")).getText().startsWith("4 runs in jdbc:sqlite:"),
                driver.findElement(By.id("tracked-info")).getText());
        List<String> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("favicon")).map(e -> e.getMessage()).toList();
        assertEquals(List.of(), severe);
        // The screenshot shows the table.
        driver.executeScript("window.scrollTo(0, document.body.scrollHeight);");
    }

    private static WebElement row(List<WebElement> rows, String idPrefix) {
        return rows.stream().filter(r -> r.getDomAttribute("data-run").startsWith(idPrefix)).findFirst().orElseThrow();
    }

    private static String status(List<WebElement> rows, String idPrefix) {
        return row(rows, idPrefix).getDomAttribute("data-status");
    }
}
