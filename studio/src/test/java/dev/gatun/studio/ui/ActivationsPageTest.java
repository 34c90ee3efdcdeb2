package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.data.FashionMnist;
import dev.gatun.studio.Studio;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;

/**
 * The activations view in a headless Chromium against a real Studio, on Fashion-MNIST built from
 * the page: a small CNN's feature maps and probabilities, and an LSTM's gates over the image rows.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ActivationsPageTest {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Pattern GATE_TIP = Pattern.compile("forget gate f \\(t (\\d+), unit (\\d+)\\): (\\S+)");

    @TempDir
    static Path home;

    private static StudioBrowser browser;
    private static Studio studio;
    private static ChromeDriver driver;
    private static StudioClient client;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIR
                        + " (apt-get install dataset-fashion-mnist)");
        browser = StudioBrowser.start(home, "act-error", "act-info");
        studio = browser.studio();
        driver = browser.driver();
        client = browser.client();

    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        if (browser != null) {
            browser.screenshot(test, "activations-panel");
        }
    }

    @Test
    void aCnnsFeatureMapsAndProbabilitiesShowAndFollowTheTraining() throws Exception {
        browser.openPage(SHORT);
        String previous = currentRun();
        browser.select("dataset", "fashion-mnist-sample");
        // The page's default network for images: conv2d 8 (3×3), relu, maxpool2d, flatten, dense 10.
        browser.waitFor(SHORT, d -> driver.findElements(By.cssSelector("#layers > li.layer")).size() == 5);
        assertTrue(browser.byId("activations-panel").getDomAttribute("hidden") != null, "hidden for the spirals run");
        browser.setNumber("epochs", "50");
        browser.setNumber("batch", "64");
        browser.byId("play").click();
        String run = awaitNewRun(previous);
        browser.waitFor(SHORT, d -> StudioBrowser.call(() -> client.optimizer(run).path("step").asInt() >= 15));
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> "paused".equals(browser.byId("status").getDomAttribute("data-status")));
        browser.waitFor(SHORT, d -> !browser.byId("activations-panel").isDisplayed() ? null : true);

        openView();
        browser.waitFor(SHORT, d -> driver.findElements(By.cssSelector("#act-layers canvas.act-map")).size() >= 24);
        // conv2d, relu and maxpool2d each show their 8 channels; flatten its shape; dense its 10 units as bars.
        assertEquals(List.of("maps", "maps", "maps", "shape", "vector"), driver.findElements(
                By.cssSelector("#act-layers > section.act-layer")).stream().map(e -> e.getDomAttribute("data-kind")).toList());
        assertEquals(8, driver.findElements(By.cssSelector("section.act-layer[data-index='0'] canvas.act-map")).size());
        assertEquals("28", driver.findElement(By.cssSelector("section.act-layer[data-index='0'] canvas.act-map"))
                .getDomAttribute("width"));
        assertEquals("14", driver.findElement(By.cssSelector("section.act-layer[data-index='2'] canvas.act-map"))
                .getDomAttribute("width"));
        assertEquals("10", driver.findElement(By.cssSelector("section.act-layer[data-index='4'] canvas.act-vector"))
                .getDomAttribute("data-units"));
        assertEquals("28", browser.byId("act-image").getDomAttribute("width"));
        assertEquals("test", browser.byId("act-split").getDomProperty("value"));
        checkAgainstServer(run, 0);

        browser.byId("act-next").click();
        browser.byId("act-next").click();
        browser.waitFor(SHORT, d -> "2".equals(browser.byId("act-layers").getDomAttribute("data-index")) ? true : null);
        checkAgainstServer(run, 2);

        // While it trains the open view follows the weights: its step moves on.
        long before = Long.parseLong(browser.byId("act-layers").getDomAttribute("data-step"));
        browser.byId("play").click();
        browser.waitFor(SHORT, d -> Long.parseLong(browser.byId("act-layers").getDomAttribute("data-step")) > before ? true : null);
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> "paused".equals(browser.byId("status").getDomAttribute("data-status")));
        assertEquals(List.of(), browser.severeConsoleEntries(e -> false));
    }

    @Test
    void anLstmReadingImageRowsShowsItsGatesOverTimeWithATooltip() throws Exception {
        browser.openPage(SHORT);
        String previous = currentRun();
        browser.select("dataset", "fashion-mnist-sample");
        browser.byId("yaml").clear();
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", browser.byId("yaml"), """
                name: playground
                seed: 3
                data: {source: fashion-mnist, limit: 2000, validation: 0.2}
                model:
                  input: [28, 28]
                  layers:
                    - {type: lstm, hidden: 12}
                    - {type: last_state, units: 10}
                loss: cross_entropy
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 5, batch: 32}
                """);
        browser.byId("import-yaml").click();
        browser.waitFor(SHORT, d -> driver.findElements(By.cssSelector("#layers > li.layer[data-type='lstm']")).size() == 1);
        browser.byId("step-batch").click();
        String run = awaitNewRun(previous);
        for (int i = 0; i < 4; i++) {
            browser.byId("step-batch").click();
        }
        browser.waitFor(SHORT, d -> StudioBrowser.call(() -> client.optimizer(run).path("step").asInt() == 5));

        openView();
        browser.waitFor(SHORT, d -> driver.findElements(By.cssSelector("#act-layers canvas.act-gate")).size() == 6);
        assertEquals(List.of("h", "c", "i", "f", "g", "o"), driver.findElements(By.cssSelector("canvas.act-gate"))
                .stream().map(e -> e.getDomAttribute("data-gate")).toList());
        WebElement forget = driver.findElement(By.cssSelector("canvas.act-gate[data-gate='f']"));
        // Time on x (28 rows of the image), units on y (12).
        assertEquals("28", forget.getDomAttribute("width"));
        assertEquals("12", forget.getDomAttribute("height"));
        assertEquals("28", browser.byId("act-image").getDomAttribute("height"));
        assertEquals(10, driver.findElements(By.cssSelector("#act-probs > li.act-prob")).size());
        checkAgainstServer(run, 0);

        new Actions(driver).moveToElement(forget, 10, 10).perform();
        String tip = browser.waitFor(SHORT, d -> browser.byId("tooltip").isDisplayed() ? browser.byId("tooltip").getText() : null);
        Matcher m = GATE_TIP.matcher(tip);
        assertTrue(m.matches(), tip);
        int t = Integer.parseInt(m.group(1));
        int unit = Integer.parseInt(m.group(2));
        JsonNode f = client.get("/api/runs/" + run + "/activations?index=0").path("layers").path(0)
                .path("directions").path(0).path("f");
        float value = floats(f.path("data").asString())[t * 12 + unit];
        assertEquals(value, Double.parseDouble(m.group(3)), 1e-4 * Math.max(1, Math.abs(value)), tip);
        assertTrue(value > 0 && value < 1, tip);
        assertEquals(List.of(), browser.severeConsoleEntries(e -> false));
    }

    /** The page's probabilities sum to 1 and its predicted and true classes are the server's for that example. */
    private static void checkAgainstServer(String run, int index) throws IOException, InterruptedException {
        JsonNode answer = client.get("/api/runs/" + run + "/activations?index=" + index + "&split=test");
        List<WebElement> bars = driver.findElements(By.cssSelector("#act-probs > li.act-prob"));
        assertEquals(10, bars.size());
        double sum = 0;
        for (int k = 0; k < bars.size(); k++) {
            double p = Double.parseDouble(bars.get(k).getDomAttribute("data-p"));
            assertEquals(answer.path("probabilities").path(k).asDouble(), p, 1e-7, "class " + k);
            sum += p;
        }
        assertEquals(1.0, sum, 1e-5);
        int predicted = answer.path("predicted").asInt();
        List<WebElement> highlighted = driver.findElements(By.cssSelector("#act-probs > li.act-prob.predicted"));
        assertEquals(1, highlighted.size());
        assertEquals(String.valueOf(predicted), highlighted.getFirst().getDomAttribute("data-class"));
        assertEquals(String.valueOf(predicted), browser.byId("act-label").getDomAttribute("data-predicted"));
        assertEquals(answer.path("label").asString(), browser.byId("act-label").getDomAttribute("data-true"));
        assertEquals(answer.path("label").asString(), driver.findElement(By.cssSelector("#act-probs > li.act-prob.true"))
                .getDomAttribute("data-class"));
        assertTrue(browser.byId("act-label").getText().contains("predicted: " + answer.path("classes").path(predicted).asString()),
                browser.byId("act-label").getText());
    }

    private static void openView() {
        WebElement view = browser.byId("act-view");
        if (view.getDomAttribute("open") == null) {
            view.findElement(By.tagName("summary")).click();
        }
    }

    /** {@return the server's playground run, once the page has one} */
    private static String currentRun() {
        return browser.waitFor(SHORT, d -> StudioBrowser.call(() -> {
            String run = null;
            for (JsonNode r : client.get("/api/state").path("runs")) {
                if (!"live".equals(r.path("kind").asString())) {
                    run = r.path("run").asString();
                }
            }
            return run;
        }));
    }

    /** Waits until the server's playground run is a new one that the page built; returns its id. */
    private static String awaitNewRun(String previous) {
        return browser.waitFor(SHORT, d -> StudioBrowser.call(() -> {
            for (JsonNode r : client.get("/api/state").path("runs")) {
                if (!"live".equals(r.path("kind").asString()) && !previous.equals(r.path("run").asString())) {
                    return r.path("run").asString();
                }
            }
            return null;
        }));
    }

    private static float[] floats(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

}
