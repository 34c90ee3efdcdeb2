package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.studio.Studio;
import dev.gatun.studio.live.LiveReporter;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EpochContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * Studio's page in a headless Chromium against a real Studio: one browser and one Studio for the
 * class, the page opened afresh by each test. Tests that train build their own playground run
 * (each with its own seed), so they do not depend on each other's order.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StudioPageTest {
    private static final Duration SHORT = Duration.ofSeconds(20);
    private static final Duration TRAINING = Duration.ofSeconds(90);
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path home;

    private static StudioBrowser browser;
    private static Studio studio;
    private static ChromeDriver driver;
    private static StudioClient client;

    @BeforeAll
    static void start() throws IOException {
        browser = StudioBrowser.start(home);
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

    /**
     * Every test starts from the page's default setup (spirals, 2-8-8-2 tanh, Adam 0.03, seed 7),
     * whatever the one before it built: a page adopts the playground run it finds.
     */
    @org.junit.jupiter.api.BeforeEach
    void defaultPlayground() throws Exception {
        client.post("/api/playground", """
                {"config": {"seed": 7, "data": {"source": "synthetic", "kind": "spirals", "n": 1000, "noise": 0.02,
                 "validation": 0.2}, "model": {"layers": [{"type": "dense", "units": 8}, {"type": "tanh"},
                 {"type": "dense", "units": 8}, {"type": "tanh"}, {"type": "dense", "units": 2}]},
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "lr": 0.03}, "regularization": {"l1": 0, "l2": 0},
                 "training": {"epochs": 200, "batch": 32}}}""");
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        browser.screenshot(test, null);
    }

    @Test
    void thePageLoadsWithoutConsoleErrorsAndConnects() {
        browser.openPage(SHORT);
        assertEquals("connected", browser.byId("connection").getText());
        assertEquals(List.of(), browser.severeConsoleEntries(entry -> false));
    }

    @Test
    void spiralsTrainPastNinetyPercentWithTheDefaultNetworkWhileCurveAndBoundaryMove() throws Exception {
        browser.openPage(SHORT);
        browser.select("dataset", "spirals");
        // The default network and optimizer. Not the default seed: from seed 42 adam at 0.03 stalls
        // near 65 % (gatun train does the same), from 7 it passes 98 %. Epochs enough to be playing
        // still when the test pauses.
        browser.setNumber("seed", "7");
        browser.setNumber("lr", "0.03");
        browser.setNumber("epochs", "3000");
        List<String> layers = driver.findElements(By.cssSelector("#layers > li.layer")).stream()
                .map(li -> li.getDomAttribute("data-type") + units(li)).toList();
        assertEquals(List.of("dense 8", "tanh", "dense 8", "tanh", "dense 2"), layers);
        String previous = client.playgroundRun();

        browser.byId("play").click();
        awaitNewRun(previous, "running");
        int points = browser.waitFor(SHORT, d -> positive(dataInt("loss-chart", "data-points")));
        browser.waitFor(SHORT, d -> dataInt("loss-chart", "data-points") > points);
        int step = browser.waitFor(SHORT, d -> positive(dataInt("boundary", "data-step")));
        String pixels = boundaryPixels();
        browser.waitFor(SHORT, d -> dataInt("boundary", "data-step") > step && !boundaryPixels().equals(pixels));
        browser.waitFor(TRAINING, d -> accuracy("val-accuracy") > 0.9 || accuracy("train-accuracy") > 0.9);

        // On a loaded host the 3,000 epochs (a few seconds of training) may end first.
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> List.of("paused", "finished").contains(browser.byId("status").getDomAttribute("data-status")));
        assertEquals(List.of(), browser.severeConsoleEntries(entry -> false));
    }

    @Test
    void aLearningRateChangedMidRunReachesTheOptimizerAndLeavesAMarker() throws Exception {
        browser.openPage(SHORT);
        browser.setNumber("seed", "303");
        browser.setNumber("lr", "0.03");
        // Enough epochs that the run is still playing when the rate changes.
        browser.setNumber("epochs", "3000");
        String previous = client.playgroundRun();
        browser.byId("play").click();
        String run = awaitNewRun(previous, "running");
        browser.waitFor(SHORT, d -> dataInt("loss-chart", "data-points") > 0);

        WebElement lr = browser.byId("lr");
        lr.clear();
        lr.sendKeys("0.003" + Keys.TAB);
        browser.waitFor(SHORT, d -> StudioBrowser.call(() -> client.optimizer(run).path("lr").asDouble()) == 0.003);
        browser.waitFor(SHORT, d -> dataInt("loss-chart", "data-markers") >= 1);
        browser.waitFor(SHORT, d -> browser.byId("markers").findElements(By.tagName("li")).stream()
                .anyMatch(li -> li.getText().contains("0.003")));

        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> "paused".equals(browser.byId("status").getDomAttribute("data-status")));
    }

    @Test
    void stepBatchOnAFreshRunTrainsExactlyOneBatch() throws Exception {
        browser.openPage(SHORT);
        browser.setNumber("seed", "404");
        browser.waitFor(SHORT, d -> browser.byId("play").getDomAttribute("class").contains("stale"));
        String previous = client.playgroundRun();
        browser.byId("step-batch").click();
        String run = awaitNewRun(previous, "paused");
        // The batch event can reach the page before the control's answer: wait for both.
        browser.waitFor(SHORT, d -> StudioBrowser.call(() -> client.optimizer(run).path("step").asInt()) == 1);
        browser.waitFor(SHORT, d -> "1".equals(browser.byId("step").getText()));
        assertEquals(404, client.get("/api/state").path("runs").get(0).path("seed").asInt());
        // The chart counts its points in the page's next frame.
        int points = browser.waitFor(SHORT, d -> positive(dataInt("loss-chart", "data-points")));
        assertEquals(1, points);
        assertEquals("paused", browser.byId("status").getDomAttribute("data-status"));
    }

    @Test
    void aMalformedCsvUploadShowsTheLoadersMessageAndThePageKeepsWorking() throws IOException {
        browser.openPage(SHORT);
        Path csv = home.resolve("ragged-rows.csv");
        Files.writeString(csv, "a,b,label\n0.5,1.5,red\n1,x,c\n", StandardCharsets.UTF_8);
        browser.byId("upload").sendKeys(csv.toAbsolutePath().toString());

        String error = browser.waitFor(SHORT, d -> nonEmpty(browser.byId("upload-error").getText()));
        assertTrue(error.contains("ragged-rows.csv"), error);
        assertTrue(error.contains("line"), error);
        assertEquals("connected", browser.byId("connection").getDomAttribute("data-state"));
        assertEquals(List.of(), browser.severeConsoleEntries(entry -> entry.getMessage().contains("/api/upload")
                && entry.getMessage().contains("Failed to load resource")));
        // Still usable: a wider first layer is checked again (2·9+9 + 9·8+8 + 8·2+2 parameters).
        WebElement units = browser.byId("layers").findElement(By.cssSelector("li.layer[data-index='0'] input.units"));
        units.clear();
        units.sendKeys("9" + Keys.TAB);
        browser.waitFor(SHORT, d -> browser.byId("parameters").getText().equals("125 parameters"));
        assertEquals("", browser.byId("config-error").getText());
        assertEquals(error, browser.byId("upload-error").getText());
    }

    @Test
    void theExportedYamlTrainedByTheCliGivesThePlaygroundsFirstEpochLossToTheBit() throws Exception {
        browser.openPage(SHORT);
        browser.select("dataset", "spirals");
        browser.setNumber("seed", "606");
        browser.setNumber("lr", "0.03");
        browser.byId("yaml").clear();
        browser.byId("export-yaml").click();
        String yaml = browser.waitFor(SHORT, d -> nonEmpty(browser.byId("yaml").getDomProperty("value")));
        assertTrue(yaml.contains("606"), yaml);
        Path file = home.resolve("exported.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);

        String previous = client.playgroundRun();
        long after = studio.server().events().lastId();
        browser.byId("step-epoch").click();
        StudioClient.Event epoch = client.awaitEvent(after, e -> e.type().equals("epoch")
                && e.data().path("epoch").asInt() == 1 && !e.data().path("run").asString().equals(previous)
                && !e.data().path("run").asString().startsWith("live"), TRAINING);
        double playground = epoch.data().path("trainLoss").asDouble();

        ExperimentConfig config = ConfigLoader.load(file, Map.of("training.epochs", "1")).getFirst();
        assertEquals(606, config.seed());
        ExperimentResult cli = ExperimentRunner.run(config, Files.createDirectories(home.resolve("cli-runs")), QUIET);
        double trained = cli.history().getFirst().trainLoss();
        assertTrue(Double.isFinite(trained) && trained > 0, "cli loss " + trained);
        assertEquals(trained, playground, Math.abs(trained) * 1e-12,
                "the CLI's first-epoch loss against the playground's");
    }

    @Test
    void requestsWithoutTheTokenAreRefused() throws Exception {
        assertEquals(403, client.statusWithoutToken("/api/state"));
        assertEquals(403, client.statusWithoutToken("/"));
        assertTrue(client.get("/api/state").path("runs").isArray(), "the same request with the token is answered");
        browser.openPage(SHORT);
    }

    @Test
    void aLiveCliRunGetsACardWhoseCurveGrowsAndItsConfusionMatrixShows() throws Exception {
        browser.openPage(SHORT);
        String name = "live-spirals-ui";
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml("""
                name: %s
                seed: 7
                data: {source: synthetic, kind: spirals, n: 600, noise: 0.02, validation: 0.2}
                model:
                  layers:
                    - {type: dense, units: 8}
                    - {type: tanh}
                    - {type: dense, units: 2}
                loss: cross_entropy
                optimizer: {type: adam, lr: 0.03}
                training: {epochs: 30, batch: 32}
                """.formatted(name), "the live test's config"), name);
        // Training waits after its second epoch until the test has read the card once, so the
        // second read cannot come after the run already ended.
        CountDownLatch firstRead = new CountDownLatch(1);
        Callback gate = new Callback() {
            @Override
            public void onEpochEnd(EpochContext context) {
                if (context.epoch() == 2) {
                    try {
                        firstRead.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Path runs = Files.createDirectories(home.resolve("live-runs"));
        CompletableFuture<ExperimentResult> training = CompletableFuture.supplyAsync(() -> {
            try (LiveReporter reporter = new LiveReporter(studio.url(), studio.server().token().value(), config,
                    QUIET)) {
                return ExperimentRunner.run(config, runs, QUIET, prepared -> List.of(reporter.watching(prepared), gate));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            WebElement card = browser.waitFor(SHORT, d -> d.findElements(By.cssSelector("#runs > div.run-card[data-run]"))
                    .stream().filter(c -> name.equals(c.findElement(By.cssSelector(".run-name")).getText()))
                    .findFirst().orElse(null));
            WebElement loss = card.findElement(By.cssSelector(".run-loss"));
            int first = browser.waitFor(SHORT, d -> positive(Integer.parseInt(loss.getDomAttribute("data-points"))));
            firstRead.countDown();
            browser.waitFor(SHORT, d -> Integer.parseInt(loss.getDomAttribute("data-points")) > first);
            // Each epoch's confusion matrix on the validation part reaches the card too.
            browser.waitInView(card.findElement(By.cssSelector(".run-confusion")), SHORT,
                    d -> card.findElements(By.cssSelector(".run-confusion table.confusion-table")).isEmpty()
                    ? null : Boolean.TRUE);
            assertEquals(30, training.get(60, TimeUnit.SECONDS).history().size());
        } finally {
            firstRead.countDown();
        }
    }

    @Test
    void aCurveOfOneHundredThousandPointsLoadsAndThePageKeepsAnswering() throws Exception {
        String run = client.post("/api/live", "{\"name\": \"hundred-thousand\"}").path("run").asString();
        client.post("/api/live/" + run + "/events", "[{\"type\": \"run\", \"data\": {\"name\": \"hundred-thousand\","
                + " \"task\": \"classification\", \"epochs\": 100, \"status\": \"running\"}}]");
        for (int e = 0; e < 100; e++) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                int step = e * 1000 + i + 1;
                points.append(i == 0 ? "" : ",").append('[').append(step).append(',')
                        .append(2.0 / Math.sqrt(step) + 0.01 * Math.sin(step)).append(",null]");
            }
            client.post("/api/live/" + run + "/events", "[{\"type\": \"batch\", \"data\": {\"points\": [" + points
                    + "], \"epoch\": " + (e + 1) + ", \"batch\": 0, \"batches\": 1000}}]");
        }
        long start = System.nanoTime();
        browser.openPage(SHORT);
        WebElement card = browser.waitFor(SHORT, d -> d.findElement(By.cssSelector("#runs > div.run-card[data-run='" + run + "']")));
        WebElement loss = card.findElement(By.cssSelector(".run-loss"));
        browser.waitFor(SHORT, d -> Integer.parseInt(loss.getDomAttribute("data-points")) == 100_000 ? Boolean.TRUE : null);
        double loaded = (System.nanoTime() - start) / 1e9;
        // The page still answers: a control's change takes effect and the stream stays connected.
        long before = System.nanoTime();
        browser.select("curve-part", "train");
        browser.waitFor(SHORT, d -> "train".equals(browser.byId("curve-part").getDomProperty("value")) ? Boolean.TRUE : null);
        Object frame = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t));");
        double answered = (System.nanoTime() - before) / 1e6;
        assertEquals("connected", browser.byId("connection").getDomAttribute("data-state"));
        assertTrue(browser.severeConsoleEntries(e -> false).isEmpty(), browser.severeConsoleEntries(e -> false).toString());
        Files.createDirectories(StudioBrowser.SCREENSHOTS);
        Files.writeString(StudioBrowser.SCREENSHOTS.resolve("hundred-thousand-points.txt"), String.format(java.util.Locale.ROOT,
                "100,000 points: page loaded and drawn in %.2f s; a select answered in %.0f ms; next frame after %.1f ms%n",
                loaded, answered, ((Number) frame).doubleValue()));
    }

    @Test
    void importedYamlRebuildsTheLayersAndABadLayerShowsTheValidatorsMessageByIt() {
        browser.openPage(SHORT);
        WebElement yaml = browser.byId("yaml");
        yaml.clear();
        yaml.sendKeys("""
                seed: 11
                data: {source: synthetic, kind: moons, n: 300, noise: 0.1, validation: 0.2}
                model:
                  layers:
                    - {type: dense, units: 16}
                    - {type: relu}
                    - {type: dropout, p: 0.2}
                    - {type: batchnorm}
                    - {type: dense, units: 2}
                optimizer: {type: sgd, lr: 0.05, momentum: 0.9}
                training: {epochs: 40, batch: 16}
                """);
        browser.byId("import-yaml").click();
        List<String> types = List.of("dense", "relu", "dropout", "batchnorm", "dense");
        browser.waitFor(SHORT, d -> types.equals(browser.byId("layers").findElements(By.cssSelector("li.layer")).stream()
                .map(li -> li.getDomAttribute("data-type")).toList()) ? Boolean.TRUE : null);
        assertEquals("moons", browser.byId("dataset").getDomProperty("value"));
        assertEquals("momentum", browser.byId("optimizer").getDomProperty("value"));
        assertEquals("11", browser.byId("seed").getDomProperty("value"));

        // A dense layer of 0 units: the config validator's message, on that layer.
        WebElement first = browser.byId("layers").findElements(By.cssSelector("li.layer")).getFirst();
        WebElement units = first.findElement(By.cssSelector("input.units"));
        units.clear();
        units.sendKeys("0" + Keys.TAB);
        String message = browser.waitFor(SHORT, d -> nonEmpty(first.findElement(By.cssSelector(".layer-error")).getText()));
        assertTrue(message.contains("model.layers[0].units") && message.contains("must be"), message);
        assertTrue(first.getDomAttribute("class").contains("invalid"));
        units.clear();
        units.sendKeys("12" + Keys.TAB);
        browser.waitFor(SHORT, d -> first.findElement(By.cssSelector(".layer-error")).getText().isEmpty() ? Boolean.TRUE : null);
    }

    @Test
    void hoveringAWeightShowsItsRowColumnAndValue() {
        browser.openPage(SHORT);
        browser.byId("step-batch").click();
        WebElement map = browser.waitFor(SHORT, d -> d.findElements(By.cssSelector("#weights > figure.weight-map canvas"))
                .stream().findFirst().orElse(null));
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(map, 2, 2).perform();
        String tip = browser.waitFor(SHORT, d -> browser.byId("tooltip").isDisplayed() ? nonEmpty(browser.byId("tooltip").getText()) : null);
        assertTrue(tip.matches("[0-9]+\\.weight row [0-9]+, col [0-9]+: -?[0-9.e+-]+"), tip);
    }

    @Test
    void aViewOutOfViewIsDrawnOnlyOnceScrolledTo() throws Exception {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 700));
        try {
            browser.openPage(SHORT);
            browser.setNumber("epochs", "3000");
            String previous = client.playgroundRun();
            browser.byId("play").click();
            awaitNewRun(previous, "running");
            String run = client.playgroundRun();
            // The server sends the histograms while the run plays...
            long sentAt = client.awaitEvent(0, e -> "histograms".equals(e.type())
                    && run.equals(e.data().path("run").asString()), TRAINING).data().path("step").asLong();
            // ...and the page has applied them: it drew the boundary, in view, from a later event.
            browser.waitFor(TRAINING, d -> Long.parseLong(browser.byId("boundary").getDomAttribute("data-step")) >= sentAt
                    ? Boolean.TRUE : null);
            // Below the fold, the histograms were not drawn; scrolled to, they are: a row for each of
            // the 3 dense layers' weight and bias.
            By rows = By.cssSelector("#histograms .histogram-layer");
            assertEquals(0, driver.findElements(rows).size());
            browser.scrollTo("histograms");
            browser.waitFor(SHORT, d -> d.findElements(rows).size() == 6 ? Boolean.TRUE : null);
            browser.byId("pause").click();
        } finally {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
        }
    }

    @Test
    void theGradientFlowViewWarnsOnADeepSigmoidNetworkWithALargeLearningRate() {
        browser.openPage(SHORT);
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            layers.append("    - {type: dense, units: 32}\n    - {type: sigmoid}\n");
        }
        WebElement yaml = browser.byId("yaml");
        yaml.clear();
        yaml.sendKeys("seed: 3\ndata: {source: synthetic, kind: spirals, n: 600, noise: 0.02, validation: 0.2}\n"
                + "model:\n  layers:\n" + layers + "    - {type: dense, units: 2}\n"
                + "optimizer: {type: sgd, lr: 20}\ntraining: {epochs: 50, batch: 32}\n");
        browser.byId("import-yaml").click();
        browser.waitFor(SHORT, d -> browser.byId("layers").findElements(By.cssSelector("li.layer")).size() == 13 ? Boolean.TRUE : null);
        browser.byId("play").click();
        String warning = browser.waitInView(browser.byId("flow"), TRAINING, d -> d.findElements(By.cssSelector("#flow td.flow-warning")).stream()
                .map(e -> e.getDomProperty("textContent")).filter(t -> t != null && !t.isEmpty()).findFirst()
                .orElse(null));
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> browser.byId("flow").findElements(By.cssSelector("tr.flow-row")).size() == 13 ? Boolean.TRUE : null);
        // The large rate's steps, the sigmoids' saturation or the vanished gradient below them.
        assertTrue(warning.contains("far above 1e-3") || warning.contains("far below 1e-3")
                || warning.contains("saturated"), warning);
    }

    @Test
    void savingTheRunWritesAFolderTheCliLoads() throws Exception {
        browser.openPage(SHORT);
        browser.byId("step-epoch").click();
        browser.waitFor(SHORT, d -> browser.byId("step").getText().matches("[1-9][0-9]*") ? Boolean.TRUE : null);
        browser.byId("save-run").click();
        String folder = browser.waitFor(SHORT, d -> browser.byId("saved-folder").getDomAttribute("data-folder"));
        assertTrue(Files.isRegularFile(Path.of(folder, "model.safetensors")), folder);
        try (dev.gatun.tensor.Scope scope = dev.gatun.tensor.Scope.open("saved run")) {
            var model = dev.gatun.config.TrainedModel.load(Path.of(folder));
            assertEquals(2 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2, model.module().parameterCount());
        }
        assertTrue(Files.readString(Path.of(folder, "metrics.csv")).lines().count() >= 2);
    }

    @Test
    void aShareLinkOpenedInAFreshBrowserReproducesTheFirstEpochsLossToTheBit() throws Exception {
        browser.openPage(SHORT);
        browser.setNumber("seed", "505");
        browser.setNumber("samples", "700");
        browser.waitFor(SHORT, d -> browser.byId("play").getDomAttribute("class").contains("stale") ? Boolean.TRUE : null);
        browser.byId("share").click();
        String link = browser.waitFor(SHORT, d -> nonEmpty(browser.byId("share-link").getDomProperty("value")));
        assertTrue(link.contains("/#setup="), link);

        String previous = client.playgroundRun();
        long after = studio.server().events().lastId();
        browser.byId("step-epoch").click();
        double original = client.awaitEvent(after, e -> e.type().equals("epoch") && e.data().path("epoch").asInt() == 1
                && !e.data().path("run").asString().equals(previous)
                && !e.data().path("run").asString().startsWith("live"), TRAINING).data().path("trainLoss").asDouble();

        // A browser of its own, without the first one's cookie: the token URL with the link's setup.
        ChromeDriver fresh = HeadlessChromium.start();
        try {
            String shared = client.playgroundRun();
            long before = studio.server().events().lastId();
            fresh.get(studio.url() + link.substring(link.indexOf('#')));
            String rebuilt = new WebDriverWait(fresh, SHORT, Duration.ofMillis(100)).until(d -> {
                try {
                    String run = StudioBrowser.call(client::playgroundRun);
                    return run.equals(shared) ? null : run;
                } catch (AssertionError replacing) {
                    // Between the old run's stop and the new one's start there is none.
                    return null;
                }
            });
            assertEquals("505", fresh.findElement(By.id("seed")).getDomProperty("value"));
            new WebDriverWait(fresh, SHORT, Duration.ofMillis(100)).until(d ->
                    !d.findElement(By.id("play")).getDomAttribute("class").contains("stale"));
            fresh.findElement(By.id("step-epoch")).click();
            double reproduced = client.awaitEvent(before, e -> e.type().equals("epoch")
                    && e.data().path("run").asString().equals(rebuilt), TRAINING).data().path("trainLoss").asDouble();
            assertEquals(Double.doubleToLongBits(original), Double.doubleToLongBits(reproduced),
                    original + " then " + reproduced);
        } finally {
            fresh.quit();
        }
    }

    @Test
    void aRaceOfThreeOptimizersShowsThreeCurvesAndAFinalTableMatchingTheServer() throws Exception {
        browser.openPage(SHORT);
        browser.setNumber("epochs", "15");
        List<WebElement> setups = browser.byId("race-setups").findElements(By.cssSelector("li.race-setup"));
        assertEquals(4, setups.size());
        setups.get(3).findElement(By.cssSelector("button.remove")).click();
        assertEquals(3, browser.byId("race-setups").findElements(By.cssSelector("li.race-setup")).size());
        browser.byId("race-start").click();
        browser.waitFor(TRAINING, d -> "true".equals(browser.byId("race-table").getDomAttribute("data-final")));
        String race = browser.byId("race-panel").getDomAttribute("data-race");
        assertEquals("3", browser.byId("race-loss-chart").getDomAttribute("data-series"));
        assertEquals("3", browser.byId("race-accuracy-chart").getDomAttribute("data-series"));
        // Every curve has points: the loss of each setup's batches, the accuracy of each of its 15 epochs.
        for (String count : browser.byId("race-loss-chart").getDomAttribute("data-points").split(",")) {
            assertTrue(Integer.parseInt(count) > 0, browser.byId("race-loss-chart").getDomAttribute("data-points"));
        }
        assertEquals("15,15,15", browser.byId("race-accuracy-chart").getDomAttribute("data-points"));
        JsonNode server = client.get("/api/races/" + race);
        List<WebElement> rows = browser.byId("race-table").findElements(By.cssSelector("tbody tr"));
        assertEquals(3, rows.size());
        for (int i = 0; i < 3; i++) {
            JsonNode r = server.path("runs").path(i);
            assertEquals(r.path("run").asString(), rows.get(i).getDomAttribute("data-run"));
            assertEquals("finished", rows.get(i).getDomAttribute("data-status"));
            assertEquals(r.path("lastEpoch").path("valAccuracy").asDouble(),
                    Double.parseDouble(rows.get(i).getDomAttribute("data-val-accuracy")), 0.0);
        }
        assertEquals(1, browser.byId("race-table").findElements(By.cssSelector("tbody tr.best")).size());
        // The playground is untouched by the race.
        assertEquals(client.playgroundRun(), client.get("/api/state").path("runs").path(0).path("run").asString());
        browser.scrollTo("race-panel");
    }

    @Test
    void aPretrainedFashionMlpLoadsAndScoresItsStatedTestAccuracy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(
                dev.gatun.data.FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "Fashion-MNIST is not installed in " + dev.gatun.data.FashionMnist.DEFAULT_DIR
                        + " (apt-get install dataset-fashion-mnist)");
        JsonNode stated = dev.gatun.studio.play.EventJson.MAPPER.readTree(
                StudioBrowser.PRETRAINED.resolve("fashion-mlp").resolve("accuracy.json").toFile());
        browser.openPage(SHORT);
        browser.select("pretrained", "fashion-mlp");
        browser.byId("load-pretrained").click();
        assertEquals("fashion-mlp", browser.byId("pretrained-info").getDomAttribute("data-from"));
        assertEquals("fashion-mnist-sample", browser.byId("dataset").getDomProperty("value"));
        browser.byId("score-test").click();
        String accuracy = browser.waitFor(TRAINING, d -> browser.byId("test-score").getDomAttribute("data-accuracy"));
        // The network as loaded, before any step: exactly the accuracy its folder states.
        assertEquals("0", browser.byId("test-score").getDomAttribute("data-step"));
        assertEquals(stated.path("test_examples").asInt(), Integer.parseInt(browser.byId("test-score").getDomAttribute("data-examples")));
        assertEquals(stated.path("test_accuracy").asDouble(), Double.parseDouble(accuracy), 0.0);
    }

    @Test
    void fineTuningThePretrainedSpiralsMlpOnThreeBlobsLeavesItsFrozenLayersBitIdentical() throws Exception {
        browser.openPage(SHORT);
        browser.select("pretrained", "spirals-mlp");
        browser.byId("load-pretrained").click();
        browser.waitFor(SHORT, d -> browser.byId("layers").findElements(By.cssSelector("li.layer")).size() == 5);
        // A new task with three classes: the head starts fresh with 3 units, the two hidden layers are frozen.
        browser.select("dataset", "blobs");
        List<WebElement> layers = browser.byId("layers").findElements(By.cssSelector("li.layer"));
        assertEquals("3", layers.get(4).findElement(By.cssSelector("input.units")).getDomProperty("value"));
        for (int i : new int[] {0, 2}) {
            browser.byId("layers").findElements(By.cssSelector("li.layer")).get(i).findElement(By.cssSelector("input.trainable")).click();
        }
        browser.byId("fresh-head").click();
        browser.setNumber("epochs", "15");
        browser.setNumber("lr", "0.01");
        browser.byId("play").click();
        browser.waitFor(TRAINING, d -> "finished".equals(browser.byId("status").getDomAttribute("data-status")));
        browser.byId("save-run").click();
        String folder = browser.waitFor(SHORT, d -> browser.byId("saved-folder").getDomAttribute("data-folder"));
        Map<String, byte[]> start = rawBytes(StudioBrowser.PRETRAINED.resolve("spirals-mlp").resolve("model.safetensors"));
        Map<String, byte[]> tuned = rawBytes(Path.of(folder, "model.safetensors"));
        for (String frozen : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
            assertTrue(java.util.Arrays.equals(start.get(frozen), tuned.get(frozen)), frozen + " moved");
        }
        assertEquals(3 * 64 * Float.BYTES, tuned.get("4.weight").length);
        // The numbers are written in the page's next frame, which may come after the status.
        double accuracy = browser.waitFor(SHORT, d -> Double.isNaN(accuracy("val-accuracy")) ? null : accuracy("val-accuracy"));
        assertTrue(accuracy > 0.9, "validation accuracy " + accuracy);
        // The gradient-flow view shows the frozen layers as such, without a ratio warning.
        for (int i : new int[] {0, 2}) {
            String row = browser.waitFor(SHORT, d -> browser.byId("flow").findElements(By.cssSelector("tr.flow-row[data-index=\"" + i + "\"]"))
                    .stream().map(r -> r.getDomAttribute("class")).findFirst().orElse(null));
            assertTrue(row.contains("frozen") && !row.contains("warn"), "layer " + i + ": " + row);
        }
    }

    private static Map<String, byte[]> rawBytes(Path weights) throws IOException {
        try (dev.gatun.tensor.Scope scope = dev.gatun.tensor.Scope.open("weights")) {
            Map<String, byte[]> out = new java.util.LinkedHashMap<>();
            dev.gatun.io.SafetensorsReader.read(weights, scope).forEach((k, t) -> out.put(k,
                    t.contiguous().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            return out;
        }
    }

    private static String units(WebElement layer) {
        List<WebElement> units = layer.findElements(By.cssSelector("input.units"));
        return units.isEmpty() ? "" : " " + units.getFirst().getDomProperty("value");
    }

    private static int dataInt(String id, String attribute) {
        String value = browser.byId(id).getDomAttribute(attribute);
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static String boundaryPixels() {
        return (String) ((JavascriptExecutor) driver).executeScript("return arguments[0].toDataURL();",
                browser.byId("boundary"));
    }

    private static double accuracy(String id) {
        try {
            return Double.parseDouble(browser.byId(id).getText());
        } catch (NumberFormatException none) {
            return Double.NaN;
        }
    }

    /**
     * Waits until the server's playground run is a new one (the page built it) with {@code status}.
     *
     * @return the new run's id
     */
    private static String awaitNewRun(String previous, String status) {
        return browser.waitFor(SHORT, d -> StudioBrowser.call(() -> {
            for (JsonNode r : client.get("/api/state").path("runs")) {
                if ("playground".equals(r.path("kind").asString()) && !previous.equals(r.path("run").asString())
                        && status.equals(r.path("status").asString())) {
                    return r.path("run").asString();
                }
            }
            return null;
        }));
    }

    /** {@return the value, or null (keep waiting) when it is not above 0} */
    private static Integer positive(int value) {
        return value > 0 ? value : null;
    }

    private static String nonEmpty(String text) {
        return text == null || text.isBlank() ? null : text;
    }

}
