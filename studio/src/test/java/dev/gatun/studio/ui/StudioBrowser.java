package dev.gatun.studio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.studio.Studio;
import dev.gatun.studio.api.PretrainedModels;
import dev.gatun.studio.server.StudioFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One Studio and one headless Chromium for a browser-test class, and what every such test does
 * with them: open the page and wait until it is ready, wait for a condition (a failed wait reports
 * the page's status and the server's runs), fill inputs, save the final page as a screenshot.
 */
final class StudioBrowser implements AutoCloseable {
    /** Where each test's final page goes, for people to look at. */
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    /** The checkout's pre-trained models (make pretrained). */
    static final Path PRETRAINED = Path.of("..", "pretrained").toAbsolutePath().normalize();
    private static final List<String> STATE_IDS = List.of("connection", "status", "step", "epoch", "settings-error",
            "config-error", "upload-error");

    private final Studio studio;
    private final ChromeDriver driver;
    private final StudioClient client;
    private final List<String> stateIds;

    private StudioBrowser(Studio studio, ChromeDriver driver, List<String> stateIds) {
        this.studio = studio;
        this.driver = driver;
        this.client = new StudioClient(studio.url(), studio.server().token().value());
        this.stateIds = stateIds;
    }

    /**
     * Starts Chromium and a Studio whose home is {@code home}, with the checkout's pre-trained models.
     *
     * @param home the Studio home (a test's temporary folder)
     * @param moreStateIds page elements a failed wait reports besides the usual ones
     */
    static StudioBrowser start(Path home, String... moreStateIds) throws IOException {
        System.setProperty(StudioFile.HOME_PROPERTY, home.toString());
        ChromeDriver driver = HeadlessChromium.start();
        try {
            Studio studio = Studio.start(new Studio.Options("127.0.0.1", 0, home.resolve("workspace"),
                    new PretrainedModels(PRETRAINED)));
            List<String> ids = new ArrayList<>(STATE_IDS);
            ids.addAll(List.of(moreStateIds));
            return new StudioBrowser(studio, driver, List.copyOf(ids));
        } catch (IOException | RuntimeException e) {
            driver.quit();
            throw e;
        }
    }

    Studio studio() {
        return studio;
    }

    ChromeDriver driver() {
        return driver;
    }

    StudioClient client() {
        return client;
    }

    /** Opens the page afresh; ready when connected, a playground run adopted or built, and its config the page's. */
    void openPage(Duration timeout) {
        driver.manage().logs().get(LogType.BROWSER);
        driver.get(studio.url().toString());
        waitFor(timeout, d -> "connected".equals(byId("connection").getDomAttribute("data-state"))
                && !"none".equals(byId("status").getDomAttribute("data-status"))
                && !byId("play").getDomAttribute("class").contains("stale")
                && !byId("layers").findElements(By.cssSelector("li.layer")).isEmpty());
    }

    /**
     * Polls condition until it gives a value (not null or false). An element the page re-rendered
     * between finding and reading it (the live views redraw every frame) is retried, not a failure.
     */
    <T> T waitFor(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).withMessage(this::pageState)
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** {@return what a failed wait reports: the page's status and messages, and the server's runs} */
    String pageState() {
        StringBuilder sb = new StringBuilder("page:");
        for (String id : stateIds) {
            sb.append(' ').append(id).append('=').append(driver.findElements(By.id(id)).stream()
                    .map(e -> e.getDomProperty("textContent")).findFirst().orElse("(none)"));
        }
        try {
            sb.append("; runs: ").append(client.get("/api/state").path("runs"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            sb.append("; runs unknown: ").append(e);
        }
        return sb.toString();
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    /** Scrolls the element with this id into view, as a user would to look at it: views out of view are not drawn. */
    void scrollTo(String id) {
        scrollTo(byId(id));
    }

    void scrollTo(WebElement element) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", element);
    }

    /**
     * Waits for a condition on a view, keeping the view in sight: views out of view are not drawn,
     * and the views above it grow as a run's events come.
     */
    <T> T waitInView(WebElement view, Duration timeout, Function<WebDriver, T> condition) {
        return waitFor(timeout, d -> {
            scrollTo(view);
            return condition.apply(d);
        });
    }

    /** Types {@code value} into a number input and leaves it, as a user would. */
    void setNumber(String id, String value) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(value + Keys.TAB);
    }

    /** Picks {@code value} in a select and fires its change, as a user's choice does. */
    void select(String id, String value) {
        ((JavascriptExecutor) driver).executeScript("""
                const s = arguments[0];
                if (s.value !== arguments[1]) {
                  s.focus();
                  s.value = arguments[1];
                  s.dispatchEvent(new Event('change'));
                }""", byId(id), value);
        assertEquals(value, byId(id).getDomProperty("value"));
    }

    /** Saves the page as {@code target/ui-screenshots/<test>.png}, scrolled to {@code scrollToIdOrNull}. */
    void screenshot(TestInfo test, String scrollToIdOrNull) throws IOException {
        Path dir = Files.createDirectories(SCREENSHOTS);
        String name = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse(test.getDisplayName());
        if (scrollToIdOrNull != null && !driver.findElements(By.id(scrollToIdOrNull)).isEmpty()) {
            scrollTo(scrollToIdOrNull);
        }
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** {@return the page's SEVERE console entries since it was opened, but the favicon's and those ignored} */
    List<String> severeConsoleEntries(Predicate<LogEntry> ignored) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("favicon"))
                .filter(ignored.negate())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** A request of the client inside a wait's condition. */
    interface ClientCall<T> {
        T call() throws IOException, InterruptedException;
    }

    /** {@return the request's answer (in a wait, null or false waits on)} */
    static <T> T call(ClientCall<T> request) {
        try {
            return request.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            studio.close();
            System.clearProperty(StudioFile.HOME_PROPERTY);
        }
    }
}
