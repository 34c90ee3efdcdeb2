package dev.gatun.studio.live;

import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.PreparedExperiment;
import dev.gatun.studio.play.ConfusionJson;
import dev.gatun.studio.play.CurvePoints;
import dev.gatun.studio.play.PlaygroundRun;
import dev.gatun.train.Predictions;
import dev.gatun.studio.play.ConfigYaml;
import dev.gatun.studio.play.EventJson;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.BatchContext;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a CLI run's training to a Studio ({@code gatun train --live}): batch losses at most
 * {@value #EVENTS_PER_SECOND} times a second, each epoch's metrics, and the run's end. The
 * training thread only appends to a list; a sender thread posts the events. When Studio cannot be
 * reached the run goes on without it, after one warning, and a full queue drops events rather than
 * wait.
 */
public final class LiveReporter implements Callback, AutoCloseable {
    /** The most batch events a second. */
    public static final int EVENTS_PER_SECOND = 4;
    /** Put after the last event: the sender posts what came before and ends. */
    private static final ObjectNode END = EventJson.object();
    private static final int QUEUE = 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final URI base;
    private final String token;
    private final ExperimentConfig config;
    private final PrintStream warnings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final BlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread sender;
    private final CurvePoints points = new CurvePoints();
    private volatile String run;
    private volatile boolean broken;
    private volatile boolean closed;
    private volatile PreparedExperiment watched;
    private long step;
    private long lastSent;
    private long fitStart;
    private boolean finished;

    /**
     * A reporter to the Studio at {@code base}, for the run of {@code config}.
     *
     * @param base Studio's address, e.g. {@code http://127.0.0.1:8123/}
     * @param token Studio's access token
     * @param config the run's config
     * @param warnings where the one warning goes when Studio cannot be reached
     */
    public LiveReporter(URI base, String token, ExperimentConfig config, PrintStream warnings) {
        this.base = base.resolve("/");
        this.token = token;
        this.config = config;
        this.warnings = warnings;
        this.sender = new Thread(this::send, "studio-live-sender");
        this.sender.setDaemon(true);
    }

    /**
     * Lets the run's event carry its classes and layers, and each epoch a confusion matrix on the
     * validation part (computed on the training thread once an epoch).
     *
     * @param prepared the prepared training this reporter watches
     * @return this reporter
     */
    public LiveReporter watching(PreparedExperiment prepared) {
        this.watched = prepared;
        return this;
    }

    /** {@return the run's id in Studio, or null before it registered (or when it could not)} */
    public String run() {
        return run;
    }

    @Override
    public void onFitStart(Trainer trainer) {
        try {
            ObjectNode body = EventJson.object();
            body.put("name", config.name());
            body.set("config", config.normalized());
            JsonNode answer = post("/api/live", EventJson.text(body));
            run = answer.path("run").asString();
        } catch (IOException | RuntimeException e) {
            warn(e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        ObjectNode o = EventJson.event(run);
        o.put("name", config.name());
        o.put("kind", "live");
        o.put("task", config.data().classification() ? "classification" : "regression");
        o.put("parameters", trainer.model().parameterCount());
        o.put("epochs", config.training().epochs());
        o.set("config", config.normalized());
        o.put("yaml", ConfigYaml.write(config.normalized()));
        o.put("seed", config.seed());
        o.put("status", "running");
        PreparedExperiment p = watched;
        if (p != null) {
            ArrayNode classes = o.putArray("classes");
            p.data().classNames().forEach(classes::add);
            ArrayNode input = o.putArray("inputShape");
            for (int d : p.data().exampleShape()) {
                input.add(d);
            }
            o.set("layers", PlaygroundRun.layers(config, p.data().exampleShape()));
            o.put("batchesPerEpoch", p.train().batchCount());
        }
        enqueue("run", o);
        fitStart = System.nanoTime();
        step = 0;
        sender.start();
    }

    @Override
    public void onBatchEnd(BatchContext context) {
        if (run == null || broken) {
            return;
        }
        step++;
        points.add(step, context.loss(), Double.NaN);
        long now = System.nanoTime();
        if (now - lastSent > 1_000_000_000L / EVENTS_PER_SECOND) {
            lastSent = now;
            sendPoints(context.epoch(), context.batch(), context.batches(), context.trainer().optimizer().learningRate(),
                    now);
        }
    }

    private void sendPoints(int epoch, int batch, int batches, double lr, long now) {
        if (points.isEmpty()) {
            return;
        }
        double seconds = (now - fitStart) / 1e9;
        enqueue("batch", CurvePoints.batchEvent(run, points.drain(), epoch, batch, batches, lr,
                step * (double) config.training().batch() / Math.max(seconds, 1e-9)));
    }

    @Override
    public void onEpochEnd(EpochContext context) {
        if (run == null || broken) {
            return;
        }
        EpochMetrics m = context.metrics();
        sendPoints(m.epoch(), 0, 0, m.learningRate(), System.nanoTime());
        ObjectNode o = EventJson.event(run);
        o.put("epoch", m.epoch());
        o.put("epochs", context.epochs());
        o.put("step", step);
        EventJson.number(o, "trainLoss", m.trainLoss());
        EventJson.number(o, "trainAccuracy", m.trainAccuracy());
        EventJson.number(o, "valLoss", m.valLoss());
        EventJson.number(o, "valAccuracy", m.valAccuracy());
        EventJson.number(o, "lr", m.learningRate());
        EventJson.number(o, "seconds", m.seconds());
        EventJson.number(o, "samplesPerSecond", m.samplesPerSecond());
        enqueue("epoch", o);
        PreparedExperiment p = watched;
        if (p != null && p.validation() != null && p.data().classes() > 0) {
            enqueue("confusion", ConfusionJson.of(run, step, "validation", p.data().classNames(),
                    Predictions.of(p.module(), p.validation()).confusion()));
        }
        if (m.epoch() >= context.epochs()) {
            finished = true;
        }
    }

    /**
     * Sends the run's end ({@code finished}, or {@code stopped} when it ended early) and waits up
     * to a few seconds for the queue to drain.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (run != null && !broken) {
            ObjectNode o = EventJson.event(run);
            o.put("status", finished ? "finished" : "stopped");
            o.put("message", finished ? "trained " + config.training().epochs() + " epochs" : "ended early");
            enqueue("status", o);
        }
        closed = true;
        if (!queue.offer(END)) {
            queue.poll();
            queue.offer(END);
        }
        if (sender.isAlive()) {
            try {
                sender.join(TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void enqueue(String type, ObjectNode data) {
        ObjectNode event = EventJson.object();
        event.put("type", type);
        event.set("data", data);
        if (!queue.offer(event)) {
            // Training never waits for Studio: a batch event is dropped, the curve keeps its shape.
            queue.poll();
            queue.offer(event);
        }
    }

    private void send() {
        // Blocks until there is something to post: a sleeping sender wakes no core that training uses.
        boolean done = false;
        while (!broken && !done) {
            try {
                List<ObjectNode> events = new ArrayList<>();
                events.add(queue.take());
                queue.drainTo(events, 255);
                done = events.remove(END);
                if (events.isEmpty()) {
                    continue;
                }
                ArrayNode batch = EventJson.array();
                events.forEach(batch::add);
                post("/api/live/" + run + "/events", EventJson.MAPPER.writeValueAsString(batch));
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                warn(e);
            }
        }
    }

    private JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Gatun-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Studio answered " + response.statusCode() + " to " + path + ": "
                    + response.body().strip());
        }
        return EventJson.MAPPER.readTree(response.body());
    }

    private void warn(Exception e) {
        if (!broken) {
            broken = true;
            warnings.println("warning: Studio at " + base + " cannot be reached (" + e.getMessage()
                    + "); training goes on without the live view");
        }
    }
}
