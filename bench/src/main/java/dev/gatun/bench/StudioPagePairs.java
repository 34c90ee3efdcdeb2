package dev.gatun.bench;

import dev.gatun.studio.Studio;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What a browser drawing Studio's page costs the spirals playground, in short paired windows of
 * one run that plays throughout. One headless Chromium stays open; between windows it is sent to
 * {@code about:blank} (no page connected) or to Studio (the page connected and drawing every view
 * in sight). {@link StudioOverhead}'s turns start a run and a browser each time and run the
 * variants seconds apart, so the host's drift between them is as large as the effect; here the
 * two windows of a pair are adjacent, and their order alternates.
 *
 * <p>{@code java ... dev.gatun.bench.StudioPagePairs [pairs] [seconds per window]}; with
 * {@code -Dgatun.pairs.screenshot=FILE.png} it saves the page as a last window with the page shows it.
 */
public final class StudioPagePairs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private StudioPagePairs() {}

    /**
     * Runs the pairs and prints each window and the summary.
     *
     * @param args pairs (default 16) and seconds per window (default 5)
     * @throws Exception when Studio, the browser or the training fails
     */
    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        Path home = Files.createTempDirectory("studio-pairs");
        System.setProperty("gatun.studio.home", home.toString());
        try (Studio studio = Studio.start(new Studio.Options("127.0.0.1", 0, home.resolve("workspace")));
                Browser browser = Browser.start()) {
            // The run is made as the page makes it, so that the page adopts it when it loads.
            Api api = new Api(studio);
            String run = api.post("/api/playground", JSON.createObjectNode()
                    .set("config", StudioOverhead.spiralsTree())).path("run").asString();
            api.post("/api/runs/" + run + "/control", JSON.createObjectNode().put("action", "play"));
            Window warm = new Window(browser, api, run, true);
            warm.measure(seconds);

            new Window(browser, api, run, false).measure(seconds);
            List<Double> ratios = new ArrayList<>();
            List<Double> alone = new ArrayList<>();
            List<Double> watched = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            long browserCpu = 0;
            double browserSeconds = 0;
            for (int p = 0; p < pairs; p++) {
                double without = 0;
                double with = 0;
                double cpuWithout = 0;
                double cpuWith = 0;
                for (int i = 0; i < 2; i++) {
                    boolean page = (p % 2 == 0) == (i == 1);
                    Window w = new Window(browser, api, run, page);
                    double rate = w.measure(seconds);
                    if (page) {
                        with = rate;
                        cpuWith = w.cpuPerStep;
                        browserCpu += w.browserCpu;
                        browserSeconds += seconds;
                    } else {
                        without = rate;
                        cpuWithout = w.cpuPerStep;
                    }
                }
                ratios.add(with / without);
                alone.add(without);
                watched.add(with);
                cpuRatios.add(cpuWith / cpuWithout);
                System.out.printf(Locale.ROOT, "pair %d: no page %.0f steps/s (%.1f us CPU a step), page %.0f (%.1f),"
                        + " ratio %.3f%n", p + 1, without, cpuWithout, with, cpuWith, with / without);
            }
            String shot = System.getProperty("gatun.pairs.screenshot");
            if (shot != null) {
                new Window(browser, api, run, true).measure(seconds);
                browser.screenshot(Path.of(shot));
            }
            api.post("/api/runs/" + run + "/control", JSON.createObjectNode().put("action", "pause"));
            long slower = ratios.stream().filter(r -> r < 1).count();
            System.out.printf(Locale.ROOT,
                    "spirals playground, Chromium page against no page: median ratio %.1f%%, slower in %d of %d"
                            + " (medians: %.0f against %.0f steps/s); this process's CPU a step %.1f%% of no page's;"
                            + " Chromium used %.0f%% of a core%n",
                    100 * median(ratios), slower, ratios.size(), median(watched), median(alone),
                    100 * median(cpuRatios), 100 * browserCpu / 1e9 / browserSeconds);
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One timed window: the page sent to Studio or away, then the run's optimizer steps counted. */
    private static final class Window {
        private final Browser browser;
        private final Api api;
        private final String run;
        private final boolean page;
        private long browserCpu;
        /** Microseconds of this process's CPU time (training, Studio's threads, the collector) a step. */
        private double cpuPerStep;

        Window(Browser browser, Api api, String run, boolean page) {
            this.browser = browser;
            this.api = api;
            this.run = run;
            this.page = page;
        }

        double measure(double seconds) throws Exception {
            var events = api.studio().server().events();
            browser.navigate(page ? api.studio().url().toString() : "about:blank");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((events.clients() > 0) != page) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the page did not " + (page ? "connect" : "leave") + " in 30 s");
                }
                Thread.sleep(20);
            }
            // The page's load and first frames, which a user who keeps it open does not pay again.
            Thread.sleep(page ? 2000 : 500);
            long cpu = browser.cpu();
            long own = ownCpu();
            long steps = step();
            long start = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long done = step() - steps;
            double rate = done / ((System.nanoTime() - start) / 1e9);
            browserCpu = browser.cpu() - cpu;
            cpuPerStep = (ownCpu() - own) / 1e3 / Math.max(1, done);
            return rate;
        }

        private static long ownCpu() {
            return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        private long step() throws Exception {
            return api.get("/api/runs/" + run + "/optimizer").path("step").asLong();
        }
    }

    /** Studio's JSON API with its token, as the page calls it. */
    private record Api(Studio studio, HttpClient http) {
        Api(Studio studio) {
            this(studio, HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build());
        }

        JsonNode get(String path) throws Exception {
            return send(HttpRequest.newBuilder(studio.url().resolve(path)).GET(), path);
        }

        JsonNode post(String path, JsonNode body) throws Exception {
            return send(HttpRequest.newBuilder(studio.url().resolve(path))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path);
        }

        private JsonNode send(HttpRequest.Builder request, String path) throws Exception {
            HttpResponse<String> answer = http.send(request.header("X-Gatun-Token", studio.server().token().value())
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
            }
            return JSON.readTree(answer.body());
        }
    }

    /** Headless Chromium, steered over the DevTools protocol: one page, navigated between windows. */
    private static final class Browser implements AutoCloseable {
        private final Process process;
        private final WebSocket socket;
        private final Replies replies;
        private int lastId;

        private Browser(Process process, WebSocket socket, Replies replies) {
            this.process = process;
            this.socket = socket;
            this.replies = replies;
        }

        /** The DevTools answers, each completing the call of its id. */
        private static final class Replies implements WebSocket.Listener {
            private final Map<Integer, CompletableFuture<JsonNode>> waiting =
                    new ConcurrentHashMap<>();
            private final StringBuilder message = new StringBuilder();

            CompletableFuture<JsonNode> expect(int id) {
                return waiting.computeIfAbsent(id, i -> new CompletableFuture<>());
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    JsonNode n = JSON.readTree(message.toString());
                    message.setLength(0);
                    CompletableFuture<JsonNode> call = n.has("id") ? waiting.remove(n.path("id").asInt()) : null;
                    if (call != null) {
                        call.complete(n);
                    }
                }
                ws.request(1);
                return null;
            }
        }

        static Browser start() throws Exception {
            Path profile = Files.createTempDirectory("studio-pairs-chromium");
            Process p = new ProcessBuilder(StudioOverhead.CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--no-proxy-server", "--window-size=1400,1000", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile, "about:blank").redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String browserUrl = null;
            for (String line; browserUrl == null && (line = out.readLine()) != null; ) {
                Matcher m = DEVTOOLS.matcher(line);
                if (m.find()) {
                    browserUrl = m.group(1);
                }
            }
            if (browserUrl == null) {
                p.destroyForcibly();
                throw new IllegalStateException(StudioOverhead.CHROMIUM + " printed no DevTools address");
            }
            Thread.ofVirtual().start(() -> out.lines().forEach(line -> { }));
            URI base = URI.create(browserUrl.replaceFirst("^ws://([^/]+)/.*", "http://$1/"));
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
            String pageUrl = null;
            for (JsonNode target : JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("json/list"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body())) {
                if ("page".equals(target.path("type").asString())) {
                    pageUrl = target.path("webSocketDebuggerUrl").asString();
                }
            }
            if (pageUrl == null) {
                p.destroyForcibly();
                throw new IllegalStateException("Chromium has no page to steer");
            }
            Replies replies = new Replies();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), replies)
                    .get(10, TimeUnit.SECONDS);
            return new Browser(p, socket, replies);
        }

        void navigate(String url) throws Exception {
            call("Page.navigate", Map.of("url", url));
        }

        /** Saves what the page shows as a PNG. */
        void screenshot(Path file) throws Exception {
            String png = call("Page.captureScreenshot", Map.of()).path("result").path("data").asString();
            Files.write(file, java.util.Base64.getDecoder().decode(png));
        }

        private synchronized JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ++lastId;
            CompletableFuture<JsonNode> answer = replies.expect(id);
            String command = JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params));
            socket.sendText(command, true).get(10, TimeUnit.SECONDS);
            JsonNode reply = answer.get(30, TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " " + params + ": " + reply.path("error"));
            }
            return reply;
        }

        /** The CPU time of the browser's processes so far. */
        long cpu() {
            return StudioOverhead.Page.cpu(process);
        }

        @Override
        public void close() throws Exception {
            socket.abort();
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
