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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * What Studio's streaming costs training, in alternating turns: the spirals playground (2-8-8-2,
 * tanh, batch 32) against the same training in a plain {@link Trainer} loop, with and without a
 * page (an event-stream reader) connected; and the Fashion-MNIST MLP config (20,000 images) with
 * {@code --live} and a connected page against without. Prints a Markdown table of the medians.
 *
 * <p>{@code java ... dev.gatun.bench.StudioOverhead [turns] [seconds per spirals turn] [spirals,mlp]}
 */
public final class StudioOverhead {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream(), false,
            StandardCharsets.UTF_8);

    private StudioOverhead() {}

    /**
     * Runs the comparison.
     *
     * @param args turns (default 5), seconds per spirals turn (default 4), and the workloads
     *     (default {@code spirals,mlp})
     * @throws Exception when Studio or training fails
     */
    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 4;
        List<String> workloads = List.of((args.length > 2 ? args[2] : "spirals,mlp").split(","));
        Path home = Files.createTempDirectory("studio-overhead");
        System.setProperty("gatun.studio.home", home.toString());
        try (Studio studio = Studio.start(new Studio.Options("127.0.0.1", 0, home.resolve("workspace")))) {
            List<Double> plain = new ArrayList<>();
            List<Double> unwatched = new ArrayList<>();
            List<Double> watched = new ArrayList<>();
            List<Double> mlpPlain = new ArrayList<>();
            List<Double> mlpLive = new ArrayList<>();
            for (int t = 0; workloads.contains("spirals") && t < turns; t++) {
                plain.add(plainSpirals(seconds));
                unwatched.add(playground(studio, seconds, false, home));
                watched.add(playground(studio, seconds, true, home));
                System.out.printf(Locale.ROOT, "turn %d spirals steps/s: plain %.0f, playground %.0f, with a page %.0f%n",
                        t + 1, plain.getLast(), unwatched.getLast(), watched.getLast());
            }
            boolean fashion = workloads.contains("mlp") && fashionAvailable();
            for (int t = 0; fashion && t < turns; t++) {
                mlpPlain.add(mlp(studio, false, home));
                mlpLive.add(mlp(studio, true, home));
                System.out.printf(Locale.ROOT, "turn %d MLP samples/s: plain %.0f, --live with a page %.0f%n", t + 1,
                        mlpPlain.getLast(), mlpLive.getLast());
            }
            System.out.println();
            System.out.println("| workload | without Studio | with Studio and a page | overhead |");
            System.out.println("|---|---|---|---|");
            if (!plain.isEmpty()) {
                row("spirals playground, steps/s (playground alone: " + String.format(Locale.ROOT, "%.0f",
                        median(unwatched)) + ")", median(plain), median(watched));
            }
            if (fashion) {
                row("Fashion-MNIST MLP 784-256-128-10, batch 128, 20,000 images, samples/s", median(mlpPlain),
                        median(mlpLive));
            } else {
                System.out.println("| Fashion-MNIST MLP | no data set found | | |");
            }
        }
    }

    private static void row(String name, double without, double with) {
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.1f%% |%n", name, without, with,
                100 * (1 - with / without));
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static JsonNode spiralsTree() {
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
            return steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Optimizer steps a second of the playground playing, its events going to Studio's stream. */
    private static double playground(Studio studio, double seconds, boolean page, Path home) throws Exception {
        var events = studio.server().events();
        EventSink sink = new EventSink() {
            @Override
            public long publish(String type, String json) {
                return events.publish(type, json);
            }

            @Override
            public long publishLatest(String type, String run, String json) {
                return events.publish(type, json, run + "/" + type);
            }
        };
        try (Page reader = page ? Page.open(studio) : null;
                PlaygroundRun run = PlaygroundRun.start("bench", spiralsTree(), home.resolve("runs"), sink)) {
            long start = System.nanoTime();
            run.control("play", false);
            Thread.sleep((long) (seconds * 1000));
            run.control("pause", false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            return run.optimizer().path("step").asLong() / elapsed;
        }
    }

    private static boolean fashionAvailable() {
        String dir = System.getenv().getOrDefault("GATUN_DATA", System.getProperty("gatun.data",
                "/usr/share/datasets/fashion-mnist"));
        return Files.isDirectory(Path.of(dir));
    }

    /** Training samples a second of the MLP config on 20,000 images: the median of three epochs after a warm-up one. */
    private static double mlp(Studio studio, boolean live, Path home) throws Exception {
        JsonNode tree = ConfigLoader.parseYaml("""
                name: overhead-mlp
                seed: 42
                data: {source: fashion-mnist, limit: 20000, validation: 0}
                model:
                  input: [784]
                  layers:
                    - {type: dense, units: 256}
                    - {type: relu}
                    - {type: dense, units: 128}
                    - {type: relu}
                    - {type: dense, units: 10}
                optimizer: {type: adam, lr: 0.001}
                training: {epochs: 4, batch: 128}
                """, "mlp");
        ExperimentConfig c = ConfigLoader.experiment(tree, "overhead-mlp", "mlp");
        ExperimentResult r;
        if (live) {
            try (Page reader = Page.open(studio);
                    LiveReporter reporter = new LiveReporter(studio.url(), studio.server().token().value(), c, QUIET)) {
                r = ExperimentRunner.run(c, home.resolve("runs"), QUIET, prepared -> List.of(reporter.watching(prepared)));
            }
        } else {
            r = ExperimentRunner.run(c, home.resolve("runs"), QUIET);
        }
        return median(r.history().subList(1, r.history().size()).stream().map(m -> m.samplesPerSecond()).toList());
    }

    /** A page's stand-in: reads Studio's event stream as fast as it comes, on its own thread. */
    private record Page(Thread thread, AtomicLong bytes, InputStream in) implements AutoCloseable {
        static Page open(Studio studio) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            URI events = studio.url().resolve("/api/events");
            HttpRequest request = HttpRequest.newBuilder(events).header("X-Gatun-Token",
                    studio.server().token().value()).header("Last-Event-ID",
                    Long.toString(studio.server().events().lastId())).build();
            InputStream in = http.send(request, HttpResponse.BodyHandlers.ofInputStream()).body();
            AtomicLong bytes = new AtomicLong();
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[1 << 16];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        bytes.addAndGet(n);
                    }
                } catch (java.io.IOException e) {
                    // The stream ends when the page closes.
                }
            }, "page");
            t.setDaemon(true);
            t.start();
            return new Page(t, bytes, in);
        }

        @Override
        public void close() throws Exception {
            in.close();
            thread.join(2000);
        }
    }
}
