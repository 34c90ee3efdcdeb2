package dev.gatun.bench;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.config.PreparedExperiment;
import dev.gatun.studio.Studio;
import dev.gatun.studio.live.LiveReporter;
import dev.gatun.studio.play.EventSink;
import dev.gatun.studio.play.PlaygroundRun;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * What Studio costs training, in alternating turns after a warm-up one: the spirals playground
 * (2-8-8-2, tanh, batch 32) against the same training in a plain {@link Trainer} loop, and the
 * Fashion-MNIST MLP config (60,000 images) with {@code --live} against without. Each with Studio
 * alone, with a process reading the event stream (what streaming costs), and with headless
 * Chromium drawing the page (what watching costs, the browser's drawing included, on the same
 * cores). With a page connected the playground computes every view: the network view's neuron
 * pictures, the gradient flow, weights, histograms, boundary and confusion matrix. Timing starts once
 * a page has loaded and gone quiet, as a page a user already has open would be. Prints the turns
 * and a Markdown table of the medians with the pages' CPU use and the network pictures a second.
 *
 * <p>{@code java ... dev.gatun.bench.StudioOverhead [turns] [seconds per spirals turn] [spirals,mlp]}
 */
public final class StudioOverhead {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream(), false,
            StandardCharsets.UTF_8);

    /** The browser that draws the page: Debian's. */
    static final String CHROMIUM = "/usr/bin/chromium";

    private StudioOverhead() {}

    /**
     * Runs the comparison.
     *
     * @param args turns (default 5), seconds per spirals turn (default 4), and the workloads
     *     (default {@code spirals,mlp})
     * @throws Exception when Studio or training fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("page")) {
            readEvents(args[1], args[2]);
            return;
        }
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 4;
        List<String> workloads = List.of((args.length > 2 ? args[2] : "spirals,mlp").split(","));
        Path home = Files.createTempDirectory("studio-overhead");
        System.setProperty("gatun.studio.home", home.toString());
        List<PageKind> pages = Page.browserAvailable() ? List.of(PageKind.NONE, PageKind.READER, PageKind.BROWSER)
                : List.of(PageKind.NONE, PageKind.READER);
        try (Studio studio = Studio.start(new Studio.Options("127.0.0.1", 0, home.resolve("workspace")))) {
            if (workloads.contains("spirals")) {
                measure("spirals, steps/s", turns, pages,
                        () -> plainSpirals(seconds), page -> playground(studio, seconds, page, home));
            }
            if (workloads.contains("mlp") && fashionAvailable()) {
                measure("Fashion-MNIST MLP 784-256-128-10, batch 128, samples/s", turns, pages,
                        () -> mlp(studio, PageKind.NONE, false, home), page -> mlp(studio, page, true, home));
            } else if (workloads.contains("mlp")) {
                System.out.println("Fashion-MNIST MLP: no data set found");
            }
        }
    }

    private interface Workload {
        double run() throws Exception;
    }

    private interface WatchedWorkload {
        double run(PageKind page) throws Exception;
    }

    /** The CPU time the page of the current variant used while the training was timed, for the table. */
    private static final long[] PAGE_CPU = new long[1];
    /** The seconds over which {@link #PAGE_CPU} was counted. */
    private static final double[] PAGE_SECONDS = new double[1];
    /** The network-view pictures the playground computed in the current variant: every view is open when it is above 0. */
    private static final long[] NETWORK_PICTURES = new long[1];
    /** The optimizer steps of the current spirals turn, for the CPU time a step costs this process. */
    private static final long[] STEPS = new long[1];

    /**
     * Runs the workload without Studio, then with Studio and each page, {@code turns} times, in
     * alternating order; prints each turn and a table of medians with each variant's overhead
     * and the CPU its page used.
     */
    private static void measure(String name, int turns, List<PageKind> pages, Workload plain, WatchedWorkload watched)
            throws Exception {
        int variants = pages.size() + 1;
        List<List<Double>> rates = new ArrayList<>();
        long[] cpu = new long[variants];
        double[] pageWall = new double[variants];
        long[] pictures = new long[variants];
        long[] steps = new long[variants];
        long[] ownCpu = new long[variants];
        double[] wall = new double[variants];
        for (int v = 0; v < variants; v++) {
            rates.add(new ArrayList<>());
        }
        // One turn of each variant first, not counted: the JIT compiles what each one runs.
        for (int v = 0; v < variants; v++) {
            if (v == 0) {
                plain.run();
            } else {
                watched.run(pages.get(v - 1));
            }
        }
        for (int t = 0; t < turns; t++) {
            StringBuilder line = new StringBuilder("turn " + (t + 1) + " " + name + ":");
            for (int i = 0; i < variants; i++) {
                // Every other turn in reverse order, so that no variant always runs first or last.
                int v = t % 2 == 0 ? i : variants - 1 - i;
                PAGE_CPU[0] = 0;
                PAGE_SECONDS[0] = 0;
                NETWORK_PICTURES[0] = 0;
                STEPS[0] = 0;
                long start = System.nanoTime();
                long cpuStart = processCpu();
                double rate = v == 0 ? plain.run() : watched.run(pages.get(v - 1));
                ownCpu[v] += processCpu() - cpuStart;
                steps[v] += STEPS[0];
                wall[v] += (System.nanoTime() - start) / 1e9;
                cpu[v] += PAGE_CPU[0];
                pageWall[v] += PAGE_SECONDS[0];
                pictures[v] += NETWORK_PICTURES[0];
                rates.get(v).add(rate);
            }
            for (int v = 0; v < variants; v++) {
                line.append(String.format(Locale.ROOT, " %s %.0f", label(v, pages), rates.get(v).getLast()));
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.println("| " + name + " | median | against no Studio | against Studio with no page"
                + " | the page's CPU | network-view pictures a second |");
        System.out.println("|---|---|---|---|---|---|");
        double base = median(rates.getFirst());
        int alone = pages.indexOf(PageKind.NONE) + 1;
        for (int v = 0; v < variants; v++) {
            double m = median(rates.get(v));
            System.out.printf(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %s |%n", label(v, pages), m,
                    v == 0 ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (m / base - 1)),
                    v <= alone ? "" : String.format(Locale.ROOT, "%.1f%%; %s", 100 * m / median(rates.get(alone)),
                            perTurn(rates.get(v), rates.get(alone))),
                    v < 2 && (v == 0 || pages.get(v - 1) == PageKind.NONE) ? ""
                            : String.format(Locale.ROOT, "%.0f%% of a core", 100 * cpu[v] / 1e9 / pageWall[v]),
                    pictures[v] == 0 ? "" : String.format(Locale.ROOT, "%.1f", pictures[v] / wall[v]));
        }
        if (steps[0] > 0) {
            // CPU time is steadier than speed on a shared host: what a step costs this process,
            // Studio's threads (events, JSON, the stream's writer) included, the page's process not.
            System.out.println("| " + name + " | this process's CPU per step | against no Studio |");
            System.out.println("|---|---|---|");
            double plainCost = (double) ownCpu[0] / steps[0];
            for (int v = 0; v < variants; v++) {
                double cost = (double) ownCpu[v] / Math.max(steps[v], 1);
                System.out.printf(Locale.ROOT, "| %s | %.1f µs | %s |%n", label(v, pages), cost / 1e3,
                        v == 0 ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (cost / plainCost - 1)));
            }
            System.out.println();
        }
        System.out.println();
    }

    /** {@return the CPU time this process has used, in nanoseconds} */
    private static long processCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static String label(int variant, List<PageKind> pages) {
        if (variant == 0) {
            return "without Studio";
        }
        return switch (pages.get(variant - 1)) {
            case NONE -> "Studio, no page";
            case READER -> "Studio, a stream reader";
            case BROWSER -> "Studio, Chromium page";
        };
    }

    /**
     * The median of each turn's ratio, and how many turns were slower: turns run back to back, so
     * their ratios leave out the host's drift from turn to turn, which the medians of the whole
     * columns keep.
     */
    private static String perTurn(List<Double> variant, List<Double> alone) {
        List<Double> ratios = new java.util.ArrayList<>();
        for (int t = 0; t < variant.size(); t++) {
            ratios.add(variant.get(t) / alone.get(t));
        }
        long slower = ratios.stream().filter(r -> r < 1).count();
        return String.format(Locale.ROOT, "by turn %.1f%%, slower in %d of %d", 100 * median(ratios), slower,
                ratios.size());
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The spirals playground's config: 2-8-8-2 tanh, Adam 0.03, batch 32, as the page builds it. */
    static JsonNode spiralsTree() {
        return ConfigLoader.parseYaml("""
                name: playground
                seed: 7
                data: {source: synthetic, kind: spirals, n: 1000, noise: 0.02, validation: 0.2}
                model:
                  layers:
                    - {type: dense, units: 8}
                    - {type: tanh}
                    - {type: dense, units: 8}
                    - {type: tanh}
                    - {type: dense, units: 2}
                optimizer: {type: adam, lr: 0.03}
                training: {epochs: 1000000, batch: 32}
                """, "spirals");
    }

    /** Optimizer steps a second of the same training in Trainer's own epoch loop. */
    private static double plainSpirals(double seconds) throws Exception {
        ExperimentConfig c = ConfigLoader.experiment(spiralsTree(), "playground", "spirals");
        try (Scope scope = Scope.open("plain spirals")) {
            PreparedExperiment p = PreparedExperiment.prepare(c, null, "spirals", scope);
            Trainer trainer = new Trainer(p.module(), p.optimizer(), p.loss(), QUIET, false);
            long start = System.nanoTime();
            long steps = 0;
            for (int epoch = 1; System.nanoTime() - start < seconds * 1e9; epoch++) {
                trainer.trainEpoch(p.train(), epoch, Integer.MAX_VALUE);
                if (p.validation() != null) {
                    trainer.evaluate(p.validation());
                }
                steps += p.train().batchCount();
            }
            STEPS[0] = steps;
            return steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Optimizer steps a second of the playground playing, its events going to Studio's stream. */
    private static double playground(Studio studio, double seconds, PageKind page, Path home) throws Exception {
        var events = studio.server().events();
        EventSink sink = EventSink.of(events);
        try (Page reader = Page.open(studio, page, "");
                PlaygroundRun run = PlaygroundRun.start("bench", spiralsTree(), home.resolve("runs"), sink,
                        () -> events.clients() > 0)) {
            Page.settle(reader);
            long pageCpu = Page.cpu(reader);
            long start = System.nanoTime();
            run.control("play", false);
            Thread.sleep((long) (seconds * 1000));
            run.control("pause", false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            countPage(reader, pageCpu, elapsed);
            NETWORK_PICTURES[0] += run.views().path("sent").path("network").asLong();
            STEPS[0] = run.optimizer().path("step").asLong();
            return STEPS[0] / elapsed;
        }
    }

    private static boolean fashionAvailable() {
        String dir = System.getenv().getOrDefault("GATUN_DATA", System.getProperty("gatun.data",
                "/usr/share/datasets/fashion-mnist"));
        return Files.isDirectory(Path.of(dir));
    }

    /** Training samples a second of the MLP config on the 60,000 images: the mean of two epochs after a warm-up one. */
    private static double mlp(Studio studio, PageKind page, boolean live, Path home) throws Exception {
        JsonNode tree = ConfigLoader.parseYaml("""
                name: overhead-mlp
                seed: 42
                data: {source: fashion-mnist, validation: 0}
                model:
                  input: [784]
                  layers:
                    - {type: dense, units: 256}
                    - {type: relu}
                    - {type: dense, units: 128}
                    - {type: relu}
                    - {type: dense, units: 10}
                optimizer: {type: adam, lr: 0.001}
                training: {epochs: 3, batch: 128}
                """, "mlp");
        ExperimentConfig c = ConfigLoader.experiment(tree, "overhead-mlp", "mlp");
        ExperimentResult r;
        if (live) {
            // The page opens at the live runs, as `gatun train --live` prints it: the run's card in view.
            try (Page reader = Page.open(studio, page, "#live-runs");
                    LiveReporter reporter = new LiveReporter(studio.url(), studio.server().token().value(), c, QUIET)) {
                Page.settle(reader);
                long pageCpu = Page.cpu(reader);
                long start = System.nanoTime();
                r = ExperimentRunner.run(c, home.resolve("runs"), QUIET, prepared -> List.of(reporter.watching(prepared)));
                countPage(reader, pageCpu, (System.nanoTime() - start) / 1e9);
            }
        } else {
            r = ExperimentRunner.run(c, home.resolve("runs"), QUIET);
        }
        // Samples over time after the first (warm-up) epoch, not the mean of the epochs' rates.
        double samples = 0;
        double seconds = 0;
        for (EpochMetrics m : r.history().subList(1, r.history().size())) {
            samples += m.samplesPerSecond() * m.seconds();
            seconds += m.seconds();
        }
        return samples / seconds;
    }

    /** Counts the page's CPU time since {@code before} over {@code seconds} of timed training. */
    private static void countPage(Page page, long before, double seconds) {
        if (page != null) {
            PAGE_CPU[0] += Page.cpu(page) - before;
            PAGE_SECONDS[0] += seconds;
        }
    }

    /** What stands for the page, always in a process of its own, as a browser is. */
    enum PageKind {
        /** No page connected. */
        NONE,
        /** A second JVM that reads the event stream as fast as it comes: what streaming itself costs. */
        READER,
        /** Headless Chromium showing Studio, its charts, boundary and heat maps drawn as for a user. */
        BROWSER
    }

    /** A connected page: its processes, whose CPU time the table shows, and the server's clients with it. */
    record Page(Process process, Studio studio, int connected) implements AutoCloseable {

        static Page open(Studio studio, PageKind kind, String fragment) throws Exception {
            if (kind == PageKind.NONE) {
                return null;
            }
            int before = studio.server().events().clients();
            List<String> command = kind == PageKind.BROWSER
                    ? List.of(CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-proxy-server",
                            "--window-size=1400,1000", "--remote-debugging-port=0", studio.url() + fragment)
                    : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                            System.getProperty("java.class.path"), StudioOverhead.class.getName(), "page",
                            studio.url().resolve("/api/events").toString(), studio.server().token().value());
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (studio.server().events().clients() <= before) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the page (" + command.getFirst() + ") did not connect in 60 s");
                }
                Thread.sleep(50);
            }
            return new Page(p, studio, studio.server().events().clients());
        }

        /**
         * Waits until the page has loaded and drawn what it had: its CPU over half a second below a
         * twentieth of a core, or 20 s. A user watches a page that is already open, so its start-up
         * (Chromium's processes, parsing, first layout) is not what watching training costs.
         */
        static void settle(Page page) throws InterruptedException {
            if (page == null) {
                return;
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            long before = cpu(page);
            while (System.nanoTime() < deadline) {
                Thread.sleep(500);
                long now = cpu(page);
                if (now - before < 25_000_000L) {
                    return;
                }
                before = now;
            }
        }

        static boolean browserAvailable() {
            return Files.isExecutable(Path.of(CHROMIUM));
        }

        /** The CPU time of the page's processes so far, 0 for no page. */
        static long cpu(Page page) {
            return page == null ? 0 : cpu(page.process);
        }

        /** The CPU time of the process and its children so far. */
        static long cpu(Process p) {
            long total = p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
            for (ProcessHandle h : p.descendants().toList()) {
                total += h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
            }
            return total;
        }

        @Override
        public void close() throws Exception {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
            // The next page is known by the count of clients going up: wait until the server has
            // seen this one go (at the latest when its next write fails, within a ping's 15 s).
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (studio.server().events().clients() >= connected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    /** The stand-in page without Chromium: {@code page URL TOKEN} reads the stream until it ends. */
    private static void readEvents(String url, String token) throws Exception {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestProperty("X-Gatun-Token", token);
        try (InputStream in = c.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
