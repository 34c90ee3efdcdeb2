package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;

/**
 * The 3-D view of an uploaded CSV's data in a headless Chromium: a third feature chosen on the
 * page reaches the server, its points are drawn, and dragging, the arrow keys and the reset button
 * turn the picture.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Scatter3dPageTest {
    private static final Duration SHORT = Duration.ofSeconds(20);
    private static final int ROWS = 60;

    @TempDir
    static Path home;

    private static StudioBrowser browser;
    private static StudioClient client;

    @BeforeAll
    static void start() throws IOException {
        browser = StudioBrowser.start(home, "scatter3d-axes");
        client = browser.client();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Each test starts from a two-feature playground, whatever the test before left for the page to adopt. */
    @BeforeEach
    void twoFeatures() throws Exception {
        client.post("/api/playground", """
                {"config": {"seed": 7, "data": {"source": "synthetic", "kind": "moons", "n": 200, "noise": 0.1,
                 "validation": 0.2}, "model": {"layers": [{"type": "dense", "units": 4}, {"type": "tanh"},
                 {"type": "dense", "units": 2}]}, "loss": "cross_entropy", "optimizer": {"type": "adam", "lr": 0.03},
                 "training": {"epochs": 20, "batch": 32}}}""");
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        browser.screenshot(test, "feature-axes");
    }

    @Test
    void aThirdFeatureOfAnUploadShowsEveryPointInThreeDimensionsAndADragTurnsThem() throws Exception {
        browser.openPage(SHORT);
        // Four numeric features on a helix-like curve, two classes by the sign of the third; column
        // names that would be markup if the page wrote them as HTML.
        StringBuilder csv = new StringBuilder("a,<i>b</i>,c&amp;d,d,kind\n");
        for (int i = 0; i < ROWS; i++) {
            double t = i * 0.2;
            csv.append(Math.cos(t)).append(',').append(Math.sin(t)).append(',').append(t - 6).append(',')
                    .append(i % 7).append(',').append(t < 6 ? "low" : "high").append('\n');
        }
        Path file = Files.writeString(home.resolve("four-features.csv"), csv, StandardCharsets.UTF_8);
        browser.byId("upload").sendKeys(file.toAbsolutePath().toString());
        browser.waitFor(SHORT, d -> browser.byId("dataset").getDomProperty("value").startsWith("upload:"));
        assertFalse(browser.byId("feature-axes").isDisplayed(), "the moons' two features need no choice");

        String run = stepANewRun();
        browser.waitFor(SHORT, d -> browser.byId("feature-axes").isDisplayed());
        assertFalse(browser.byId("scatter3d").isDisplayed(), "no 3-D view before a third feature is chosen");
        assertEquals("-1", browser.byId("z-feature").getDomProperty("value"));
        assertEquals(List.of("off", "a", "<i>b</i>", "c&amp;d", "d"),
                browser.byId("z-feature").findElements(By.tagName("option")).stream()
                        .map(WebElement::getText).toList());

        browser.select("z-feature", "2");
        // Every example of the train and validation parts (not the held-out test part): the upload
        // is far below the event's cap.
        int examples = examples(run, "train") + examples(run, "validation");
        int drawn = browser.waitFor(SHORT, d -> browser.byId("scatter3d").isDisplayed()
                ? positive(Integer.parseInt(browser.byId("scatter3d").getDomAttribute("data-points"))) : null);
        assertEquals(examples, drawn);
        assertTrue(examples > ROWS / 2 && examples < ROWS, examples + " of " + ROWS + " rows");
        assertTrue(browser.byId("scatter3d-axes").getText().startsWith("x: a, y: <i>b</i>, z: c&amp;d;"),
                browser.byId("scatter3d-axes").getText());
        assertEquals(List.of(), browser.driver().findElements(By.cssSelector("#feature-axes i, #boundary-axes i")));

        WebElement canvas = browser.byId("scatter3d");
        String start = pixels();
        new Actions(browser.driver()).moveToElement(canvas).clickAndHold().moveByOffset(70, 25).release().perform();
        String dragged = browser.waitFor(SHORT, d -> {
            String now = pixels();
            return now.equals(start) ? null : now;
        });
        assertNotEquals(start, dragged);
        assertEquals(String.valueOf(examples), canvas.getDomAttribute("data-points"));

        canvas.sendKeys(Keys.ARROW_LEFT);
        browser.waitFor(SHORT, d -> !pixels().equals(dragged));

        browser.byId("scatter3d-reset").click();
        browser.waitFor(SHORT, d -> pixels().equals(start));

        browser.select("z-feature", "-1");
        browser.waitFor(SHORT, d -> !browser.byId("scatter3d").isDisplayed()
                && "0".equals(browser.byId("scatter3d").getDomAttribute("data-points")));
        browser.select("z-feature", "3");
        browser.waitFor(SHORT, d -> browser.byId("scatter3d").isDisplayed()
                && browser.byId("scatter3d-axes").getText().startsWith("x: a, y: <i>b</i>, z: d;")
                && String.valueOf(examples).equals(canvas.getDomAttribute("data-points")));
        assertEquals(List.of(), browser.severeConsoleEntries(entry -> false));
    }

    @Test
    void aRegressionUploadShowsItsThreeFeaturesColouredByTheTarget() throws Exception {
        browser.openPage(SHORT);
        StringBuilder csv = new StringBuilder("u,v,w,price\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append(i % 10).append(',').append(i / 10).append(',').append((i * 7) % 11).append(',')
                    .append(i * 0.5).append('\n');
        }
        Path file = Files.writeString(home.resolve("prices.csv"), csv, StandardCharsets.UTF_8);
        browser.byId("upload").sendKeys(file.toAbsolutePath().toString());
        browser.waitFor(SHORT, d -> browser.byId("dataset").getDomProperty("value").endsWith("prices.csv"));
        browser.select("label-kind", "regression");
        assertEquals("price", browser.byId("label-column").getDomProperty("value"));
        // One output for the one target.
        List<WebElement> units = browser.driver().findElements(By.cssSelector("#layers > li.layer input.units"));
        units.getLast().clear();
        units.getLast().sendKeys("1" + Keys.TAB);

        String run = stepANewRun();
        browser.waitFor(SHORT, d -> browser.byId("feature-axes").isDisplayed());
        assertFalse(browser.byId("boundary-panel").isDisplayed(), "regression has no decision boundary");
        browser.select("z-feature", "2");
        int examples = examples(run, "train") + examples(run, "validation");
        browser.waitFor(SHORT, d -> browser.byId("scatter3d").isDisplayed()
                && String.valueOf(examples).equals(browser.byId("scatter3d").getDomAttribute("data-points")));
        assertTrue(browser.byId("scatter3d-axes").getText().startsWith("x: u, y: v, z: w; colour is the target"),
                browser.byId("scatter3d-axes").getText());
        // The lowest target's point is filled blue, the highest's orange: the two ends of the scale.
        Boolean bothEnds = (Boolean) browser.driver().executeScript("""
                const c = arguments[0];
                const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const seen = (r, g, b) => {
                  for (let i = 0; i < px.length; i += 4) {
                    if (px[i] === r && px[i + 1] === g && px[i + 2] === b) return true;
                  }
                  return false;
                };
                return seen(0, 114, 178) && seen(213, 94, 0);""", browser.byId("scatter3d"));
        assertTrue(bothEnds);
        assertEquals(List.of(), browser.severeConsoleEntries(entry -> false));
    }

    /** Steps one batch, which builds the page's data as a new run: {@return the new run's id} */
    private static String stepANewRun() throws IOException, InterruptedException {
        String previous = client.playgroundRun();
        browser.byId("step-batch").click();
        // While the run is built the state may hold no playground run.
        return browser.waitFor(SHORT, d -> StudioBrowser.call(() -> {
            for (JsonNode r : client.get("/api/state").path("runs")) {
                if ("playground".equals(r.path("kind").asString()) && !previous.equals(r.path("run").asString())) {
                    return r.path("run").asString();
                }
            }
            return null;
        }));
    }

    private static int examples(String run, String part) throws IOException, InterruptedException {
        return client.post("/api/runs/" + run + "/evaluate", "{\"part\": \"" + part + "\"}").path("examples").asInt();
    }

    private static String pixels() {
        return (String) browser.driver().executeScript("return arguments[0].toDataURL();", browser.byId("scatter3d"));
    }

    private static Integer positive(int value) {
        return value > 0 ? value : null;
    }
}
