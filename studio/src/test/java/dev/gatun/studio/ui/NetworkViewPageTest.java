package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.PreparedExperiment;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.studio.Studio;
import dev.gatun.studio.play.EventJson;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * The network view in a headless Chromium against a real Studio: the neurons' pictures over the
 * input plane appear and move as the network trains, closing the view stops the server computing
 * them, and "Step through one batch" walks forward and backward through every layer showing the
 * runtime's own numbers, which a separate forward and backward of the same batch here reproduces.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class NetworkViewPageTest {
    private static final Duration SHORT = Duration.ofSeconds(20);
    /** The spirals 2-8-8-2 tanh network of the page's defaults, Adam 0.03, batch 32. */
    private static final String SPIRALS = """
            {"config": {"seed": %d, "data": {"source": "synthetic", "kind": "spirals", "n": 1000, "noise": 0.02,
             "validation": 0.2}, "model": {"layers": [{"type": "dense", "units": 8}, {"type": "tanh"},
             {"type": "dense", "units": 8}, {"type": "tanh"}, {"type": "dense", "units": 2}]},
             "loss": "cross_entropy", "optimizer": {"type": "adam", "lr": 0.03}, "regularization": {"l1": 0, "l2": 0},
             "training": {"epochs": 100000, "batch": 32}}}""";

    @TempDir
    static Path home;

    private static StudioBrowser browser;
    private static Studio studio;
    private static ChromeDriver driver;
    private static StudioClient client;

    @BeforeAll
    static void start() throws IOException {
        browser = StudioBrowser.start(home, "backprop-stage");
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

    /** A fresh spirals run before the page opens, which the page then adopts with its config. */
    @BeforeEach
    void freshRun() throws Exception {
        client.post("/api/playground", SPIRALS.formatted(7));
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        browser.screenshot(test, null);
    }

    @Test
    void neuronHeatmapsAppearAndChangeDuringTraining() {
        browser.openPage(SHORT);
        // The view is open by default: a picture per neuron, 2 inputs, 8 + 8 hidden, 2 outputs.
        browser.waitFor(SHORT, d -> canvases().size() == 20 ? true : null);
        assertEquals(List.of("input: 2 features", "0: dense 8, tanh", "2: dense 8, tanh", "4: dense 2"),
                driver.findElements(By.cssSelector("#network .network-label")).stream().map(WebElement::getText).toList());
        assertEquals(2 * 8 + 8 * 8 + 8 * 2, driver.findElements(By.cssSelector("#network path.link")).size());
        String before = neuronPixels(1, 3);
        String output = neuronPixels(3, 0);
        assertTrue(before.length() > 100, before);
        int step = dataInt("network", "data-step");

        browser.byId("play").click();
        browser.waitFor(SHORT, d -> dataInt("network", "data-step") > step + 50 && !neuronPixels(1, 3).equals(before)
                && !neuronPixels(3, 0).equals(output));
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> "paused".equals(browser.byId("status").getDomAttribute("data-status")));

        // Hover and click name the neuron's layer, index and bias.
        browser.byId("network").findElement(By.cssSelector(".neuron[data-column='2'][data-unit='5']")).click();
        String info = browser.byId("network-info").getText();
        assertTrue(info.startsWith("2: dense 8, tanh — layer 2+3, neuron 5, bias "), info);
        assertEquals(List.of(), browser.severeConsoleEntries(e -> false));
    }

    @Test
    void closingTheViewStopsItsEventOnTheServer() throws Exception {
        browser.openPage(SHORT);
        String run = client.playgroundRun();
        browser.waitFor(SHORT, d -> canvases().size() == 20 ? true : null);
        browser.byId("play").click();
        browser.waitFor(SHORT, d -> sent(run) > 3 ? true : null);

        browser.byId("network-panel").findElement(By.tagName("summary")).click();
        browser.waitFor(SHORT, d -> StudioBrowser.call(() -> !client.get("/api/runs/" + run + "/views").path("open").path("network")
                .asBoolean()) ? true : null);
        long closed = sent(run);
        long stepAtClose = client.optimizer(run).path("step").asLong();
        Thread.sleep(1500);
        assertEquals(closed, sent(run), "no network picture is computed while the view is closed");
        assertTrue(client.optimizer(run).path("step").asLong() > stepAtClose + 10, "training went on");

        browser.byId("network-panel").findElement(By.tagName("summary")).click();
        browser.waitFor(SHORT, d -> sent(run) > closed + 2 ? true : null);
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> "paused".equals(browser.byId("status").getDomAttribute("data-status")));
    }

    @Test
    void stepModeWalksForwardAndBackwardThroughEveryLayerWithTheRuntimesTensors() throws Exception {
        browser.openPage(SHORT);
        String run = client.playgroundRun();
        JsonNode config = client.get("/api/state").path("runs").get(0).path("config");
        browser.waitFor(SHORT, d -> canvases().size() == 20 ? true : null);

        // The test keeps the server's answer as the page received it.
        ((JavascriptExecutor) driver).executeScript("""
                const original = window.fetch;
                window.fetch = async (...args) => {
                  const response = await original(...args);
                  if (String(args[0]).endsWith('/backprop')) {
                    window.walkAnswer = await response.clone().text();
                  }
                  return response;
                };""");
        browser.byId("backprop-step").click();
        browser.waitFor(SHORT, d -> dataInt("backprop", "data-step") == 1 ? true : null);
        JsonNode answer = EventJson.MAPPER.readTree((String) ((JavascriptExecutor) driver)
                .executeScript("return window.walkAnswer;"));
        assertEquals(1, answer.path("step").asInt());
        assertEquals(1, client.optimizer(run).path("step").asInt(), "the walk is one trained batch");
        assertEquals("paused", browser.byId("status").getDomAttribute("data-status"));
        assertEquals(11, dataInt("backprop", "data-stages"));

        try (Scope scope = Scope.open("the same batch, here")) {
            Recomputed same = recompute(config, scope);
            List<String> stages = new ArrayList<>();
            for (int stage = 0; stage < 11; stage++) {
                if (stage > 0) {
                    browser.byId("backprop-next").click();
                }
                int expected = stage;
                browser.waitFor(SHORT, d -> dataInt("backprop-stage", "data-index") == expected ? true : null);
                String name = browser.byId("backprop-stage").getDomAttribute("data-stage");
                stages.add(name);
                if (name.startsWith("forward:")) {
                    int layer = Integer.parseInt(name.substring(8));
                    assertSlice(same.outputs.get(layer), "#backprop-values table.bp-output", name);
                    assertShown(answer.path("layers").path(layer).path("output"), "#backprop-values table.bp-output", name);
                    // The diagram marks the column that holds the layer.
                    int column = layer / 2 + 1;
                    List<WebElement> active = driver.findElements(By.cssSelector("#network .neuron.active"));
                    assertEquals(column == 3 ? 2 : 8, active.size(), name);
                    assertTrue(active.stream().allMatch(e -> e.getDomAttribute("data-column").equals("" + column)), name);
                } else if (name.equals("loss")) {
                    double shown = Double.parseDouble(browser.byId("backprop-loss").getDomAttribute("data-value"));
                    assertEquals(Double.doubleToLongBits(same.loss), Double.doubleToLongBits(shown));
                    assertEquals(answer.path("loss").asDouble(), shown, 0.0);
                } else {
                    int layer = Integer.parseInt(name.substring(9));
                    Tensor grad = same.outputGrads.get(layer);
                    assertSlice(grad, "#backprop-values table.bp-grad", name);
                    assertShown(answer.path("layers").path(layer).path("outputGrad"), "#backprop-values table.bp-grad", name);
                    List<Integer> top = driver.findElements(By.cssSelector("#backprop-values ol.bp-top-units li")).stream()
                            .map(li -> Integer.parseInt(li.getDomAttribute("data-unit"))).toList();
                    assertEquals(topUnits(grad), top, name);
                    assertEquals(top.size(), driver.findElements(By.cssSelector("#network .neuron.hot")).size(), name);
                    if (layer % 2 == 0) {
                        Parameter weight = same.net.children().get(layer).parameters().get(0);
                        Parameter bias = same.net.children().get(layer).parameters().get(1);
                        assertSlice(weight.grad(), "#backprop-values table.bp-param[data-param='weight']", name);
                        assertSlice(bias.grad(), "#backprop-values table.bp-param[data-param='bias']", name);
                        // Dense layers 0, 2 and 4 hold parameters (0, 1), (2, 3) and (4, 5).
                        int w = layer;
                        assertSlice(Tensor.of(same.updates.get(w), weight.tensor().shape()),
                                "#backprop-values table.bp-update[data-param='weight']", name);
                        assertSlice(Tensor.of(same.updates.get(w + 1), bias.tensor().shape()),
                                "#backprop-values table.bp-update[data-param='bias']", name);
                        // The weights marked are those the step changed most.
                        List<String> marked = driver.findElements(By.cssSelector("#backprop-values ol.bp-top-weights li"))
                                .stream().map(li -> li.getDomAttribute("data-row") + "," + li.getDomAttribute("data-col"))
                                .toList();
                        assertEquals(topWeights(same.updates.get(w), weight.grad().toFloatArray(), weight.tensor().dim(1)), marked,
                                name);
                        assertEquals(3, driver.findElements(By.cssSelector("#network path.link.hot")).size(), name);
                    }
                }
            }
            assertEquals(List.of("forward:0", "forward:1", "forward:2", "forward:3", "forward:4", "loss",
                    "backward:4", "backward:3", "backward:2", "backward:1", "backward:0"), stages);
            assertEquals("true", browser.byId("backprop-next").getDomAttribute("disabled"));
        }
        browser.byId("backprop-prev").click();
        browser.waitFor(SHORT, d -> "backward:1".equals(browser.byId("backprop-stage").getDomAttribute("data-stage")) ? true : null);
        assertEquals(List.of(), browser.severeConsoleEntries(e -> false));
    }

    @Test
    void theNetworkViewForTheReadme() throws Exception {
        driver.manage().window().setSize(new Dimension(1400, 1400));
        try {
            readmePicture();
        } finally {
            driver.manage().window().setSize(new Dimension(1400, 1000));
        }
    }

    /** Spirals trained a while, then a walk stopped at the second dense layer's backward stage. */
    private void readmePicture() throws Exception {
        browser.openPage(SHORT);
        browser.waitFor(SHORT, d -> canvases().size() == 20 ? true : null);
        String run = client.playgroundRun();
        browser.byId("play").click();
        browser.waitFor(Duration.ofSeconds(60), d -> StudioBrowser.call(() -> client.optimizer(run).path("step").asInt()) > 1500 ? true : null);
        browser.byId("pause").click();
        browser.waitFor(SHORT, d -> "paused".equals(browser.byId("status").getDomAttribute("data-status")));
        browser.byId("backprop-step").click();
        browser.waitFor(SHORT, d -> dataInt("backprop", "data-stages") == 11 ? true : null);
        for (int i = 0; i < 8; i++) {
            browser.byId("backprop-next").click();
        }
        browser.waitFor(SHORT, d -> "backward:2".equals(browser.byId("backprop-stage").getDomAttribute("data-stage")) ? true : null);
        Thread.sleep(300);
        // The panel down to the first table of the stage: the diagram, the controls and the gradients.
        WebElement panel = browser.byId("network-panel");
        browser.scrollTo(panel);
        BufferedImage page = ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        Rectangle at = panel.getRect();
        Number scrolled = (Number) ((JavascriptExecutor) driver).executeScript("return window.scrollY;");
        WebElement table = browser.byId("backprop-values").findElement(By.cssSelector("table.bp-grad"));
        int top = at.getY() - scrolled.intValue();
        int bottom = table.getRect().getY() + table.getRect().getHeight() + 8 - scrolled.intValue();
        BufferedImage picture = page.getSubimage(at.getX(), Math.max(0, top), at.getWidth(),
                Math.min(page.getHeight(), bottom) - Math.max(0, top));
        Path dir = Files.createDirectories(StudioBrowser.SCREENSHOTS);
        ImageIO.write(picture, "png", dir.resolve("studio-network.png").toFile());
    }

    /** The batch of the run's first step, forwarded and back-propagated here, apart from the server. */
    private record Recomputed(Module net, List<Tensor> outputs, List<Tensor> outputGrads, double loss,
            List<float[]> updates) {}

    /**
     * The run's config prepared again (the same seed: the same weights and batches), its first batch
     * forwarded through the whole graph at once with a zero added to each layer's output, whose
     * gradient is then the loss's gradient with respect to that output.
     */
    private static Recomputed recompute(JsonNode tree, Scope scope) throws IOException {
        ExperimentConfig config = ConfigLoader.experiment(tree, "page", "the page's run");
        PreparedExperiment p = PreparedExperiment.prepare(config, null, "the page's run", scope);
        DataLoader train = p.train();
        DataLoader.Batch batch = train.batchAt(1, train.order(1), 0);
        Module net = p.module();
        net.train(true);
        List<Tensor> outputs = new ArrayList<>();
        List<Tensor> probes = new ArrayList<>();
        Tensor x = batch.features();
        for (Module layer : net.children()) {
            x = layer.forward(x);
            outputs.add(x);
            Tensor zero = Tensor.zeros(DType.FLOAT32, x.shape()).requiresGrad(true);
            probes.add(zero);
            x = x.add(zero);
        }
        Tensor loss = p.loss().apply(x, batch.labels());
        p.optimizer().zeroGrad();
        loss.backward();
        List<float[]> before = net.parameters().stream().map(q -> q.tensor().toFloatArray()).toList();
        p.optimizer().step();
        List<float[]> updates = new ArrayList<>();
        for (int k = 0; k < before.size(); k++) {
            float[] now = net.parameters().get(k).tensor().toFloatArray();
            float[] change = new float[now.length];
            for (int i = 0; i < now.length; i++) {
                change[i] = now[i] - before.get(k)[i];
            }
            updates.add(change);
        }
        return new Recomputed(net, outputs, probes.stream().map(Tensor::grad).toList(), loss.item(), updates);
    }

    /** The table's cells are the tensor's first rows × columns, value for value. */
    private static void assertSlice(Tensor expected, String table, String stage) {
        @SuppressWarnings("unchecked")
        List<Object> info = (List<Object>) ((JavascriptExecutor) driver).executeScript("""
                const t = document.querySelector(arguments[0]);
                if (!t) { return null; }
                return [Number(t.dataset.rows), Number(t.dataset.cols),
                  Array.from(t.querySelectorAll('td')).map((td) => td.dataset.value)];""", table);
        assertTrue(info != null, stage + ": no " + table);
        int rows = ((Number) info.get(0)).intValue();
        int cols = ((Number) info.get(1)).intValue();
        @SuppressWarnings("unchecked")
        List<String> cells = (List<String>) info.get(2);
        float[] all = expected.toFloatArray();
        int width = expected.rank() == 1 ? all.length : all.length / expected.dim(0);
        assertEquals(expected.rank() == 1 ? 1 : Math.min(8, expected.dim(0)), rows, stage + " rows");
        assertEquals(Math.min(16, width), cols, stage + " cols");
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float want = all[r * width + c];
                float shown = (float) Double.parseDouble(cells.get(r * cols + c));
                // Equal values: the same bits, but for a zero's sign, which the added zeros may flip.
                assertTrue(want == shown, stage + " " + table + " [" + r + "][" + c + "]: page " + shown + ", here " + want);
            }
        }
    }

    /** The table's cells are the server's answer's values, as its JSON wrote them. */
    private static void assertShown(JsonNode slice, String table, String stage) {
        @SuppressWarnings("unchecked")
        List<String> cells = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelector(arguments[0]).querySelectorAll('td')).map((td) => td.dataset.value);",
                table);
        List<Double> answered = new ArrayList<>();
        slice.path("values").forEach(v -> answered.add(v.asDouble()));
        assertEquals(answered, cells.stream().map(Double::parseDouble).toList(), stage + " " + table);
    }

    /**
     * The (row, col) of the 3 weights of the first 16 × 16 with the largest |update|; ties (Adam's
     * first steps are all about ±lr) go to the larger |gradient|, then to the first.
     */
    private static List<String> topWeights(float[] update, float[] grad, int cols) {
        int rows = update.length / cols;
        List<int[]> entries = new ArrayList<>();
        for (int r = 0; r < Math.min(rows, 16); r++) {
            for (int c = 0; c < Math.min(cols, 16); c++) {
                entries.add(new int[] {r, c});
            }
        }
        return entries.stream().sorted(Comparator.comparingDouble((int[] e) -> -Math.abs(update[e[0] * cols + e[1]]))
                        .thenComparingDouble(e -> -Math.abs(grad[e[0] * cols + e[1]])))
                .limit(3).map(e -> e[0] + "," + e[1]).toList();
    }

    /** The 3 units (or all, if fewer) with the largest mean |gradient| over the batch. */
    private static List<Integer> topUnits(Tensor grad) {
        float[] g = grad.toFloatArray();
        int batch = grad.dim(0);
        int units = g.length / batch;
        double[] mean = new double[units];
        for (int s = 0; s < batch; s++) {
            for (int u = 0; u < units; u++) {
                mean[u] += Math.abs(g[s * units + u]) / batch;
            }
        }
        return IntStream.range(0, units).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -mean[u]).thenComparing(u -> u)).limit(3).toList();
    }

    private static long sent(String run) {
        return StudioBrowser.call(() -> client.get("/api/runs/" + run + "/views").path("sent").path("network").asLong());
    }

    private static List<WebElement> canvases() {
        return driver.findElements(By.cssSelector("#network canvas.neuron-map"));
    }

    private static String neuronPixels(int column, int unit) {
        return (String) ((JavascriptExecutor) driver).executeScript("""
                const c = document.querySelector(`#network .neuron[data-column="${arguments[0]}"][data-unit="${arguments[1]}"] canvas`);
                return c ? c.toDataURL() : '';""", column, unit);
    }

    private static int dataInt(String id, String attribute) {
        String value = browser.byId(id).getDomAttribute(attribute);
        return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
    }

}
