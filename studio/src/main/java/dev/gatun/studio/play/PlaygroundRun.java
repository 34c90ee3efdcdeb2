package dev.gatun.studio.play;

import dev.gatun.autograd.Autograd;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.config.OptimizerFactory;
import dev.gatun.config.PreparedExperiment;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.io.TaskFailures;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Module;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Evaluation;
import dev.gatun.train.Loss;
import dev.gatun.train.Predictions;
import dev.gatun.train.Regularization;
import dev.gatun.tracking.RunRecorder;
import dev.gatun.tracking.RunState;
import dev.gatun.train.Trainer;
import dev.gatun.train.checkpoint.Checkpoint;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One playground run: a config built the way {@code gatun train} builds it
 * ({@link PreparedExperiment}), trained batch by batch on its own thread, which the page plays,
 * pauses, steps, resets and steers (learning rate, optimizer, batch size, L1/L2, dropout) between
 * batches. Everything touching the model happens on that thread; the page's requests are commands
 * it runs between two batches. Events go to an {@link EventSink}: batch points and epochs at most
 * {@value #BATCH_EVENTS_PER_SECOND} times a second each, pictures of the model at most
 * {@value #SNAPSHOTS_PER_SECOND}, serialized on another thread.
 *
 * <p>Like a CLI run it has a run folder with {@code config.json}, {@code model.json} and
 * {@code metrics.csv} (after each epoch); when it stops it saves a checkpoint of the weights as
 * they are then, and {@code model.safetensors}.
 */
public final class PlaygroundRun implements AutoCloseable {
    /**
     * The most {@code batch} events, and {@code epoch} events while the run plays, a second: the
     * page draws at most 4 frames a second, and every event it gets costs its browser work on the
     * cores the training runs on.
     */
    public static final int BATCH_EVENTS_PER_SECOND = 4;
    /** The most decision boundaries (or regression fits) a second while the run trains, one a frame of the page. */
    public static final int SNAPSHOTS_PER_SECOND = 4;
    /** The most pictures of the weights and histograms a second while the run trains; confusion matrices, one. */
    public static final int PICTURES_PER_SECOND = 2;
    /** The most of the training thread's time snapshots may take. */
    static final double SNAPSHOT_SHARE = 0.02;
    /** Cells along each side of the decision-boundary grid. */
    static final int BOUNDARY_CELLS = 64;
    /** The most examples the {@code data} event shows. */
    static final int DATA_POINTS = 2000;
    private static final long COMMAND_SECONDS = 600;
    private static final String MOMENTUM = "momentum";

    private final String id;
    private final Path runsDir;
    private final EventSink sink;
    private final BooleanSupplier watched;
    private final RunRole role;
    private final Predicate<String> viewOpen;
    private final AtomicLong networkEvents = new AtomicLong();
    private final ExecutorService encoder;
    private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile RunStatus status = RunStatus.PAUSED;
    private volatile ObjectNode runInfo = JsonNodeFactory.instance.objectNode();
    private volatile ObjectNode optimizerView = JsonNodeFactory.instance.objectNode();
    private volatile boolean ended;
    private volatile ObjectNode lastEpoch;

    // Owned by the worker thread.
    private JsonNode tree;
    private ExperimentConfig config;
    private Scope scope;
    private PreparedExperiment prepared;
    private Trainer trainer;
    private DataLoader train;
    private RunFolder folder;
    private MetricsLog log;
    // The run's record in the tracking store: start, epochs and end (finished, failed, or stopped when closed).
    private RunRecorder recorder = RunRecorder.none();
    private Loss baseLoss;
    private volatile Loss loss;
    private String optimizerType;
    private double l1;
    private double l2;
    private String view = "validation";
    private int xFeature;
    private int yFeature = 1;
    /** The 3-D view's third feature; -1 while no page asked for one, which keeps the data event small. */
    private int zFeature = -1;
    private double[] bounds;
    private Tensor probe;
    private List<String> layerTypes;
    private Map<Tensor, float[]> before;
    private long beforeStep;
    private int epoch;
    private int cursor;
    private int[] order;
    private long step;
    private double lossSum;
    private long correct;
    private int seen;
    private long trainingNanos;
    private long epochNanos;
    private final CurvePoints points = new CurvePoints();
    private long lastBatchEvent;
    private long lastEpochEvent;
    // Epochs not sent yet while the run plays: the next epoch event carries them.
    private final List<ObjectNode> heldEpochs = new ArrayList<>();
    private long nextSnapshot;
    private long nextPictures;
    private long nextConfusion;
    private long nextMetricsWrite;

    private PlaygroundRun(String id, Path runsDir, EventSink sink, BooleanSupplier watched,
            Predicate<String> viewOpen, RunRole role) {
        this.id = id;
        this.runsDir = runsDir;
        this.sink = sink;
        this.watched = watched;
        this.role = role;
        this.viewOpen = viewOpen;
        this.encoder = Executors.newSingleThreadExecutor(r -> daemon(r, "studio-events-" + id));
        this.worker = daemon(this::work, "studio-run-" + id);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Builds a run of {@code tree} (a config the page built, already confined to Studio's
     * workspace), paused before its first batch, and announces it with a {@code run} event.
     *
     * @param id the run's id
     * @param tree the config tree
     * @param runsDir where its run folder is made
     * @param sink where its events go
     * @return the run
     * @throws dev.gatun.config.ConfigException for a config that does not validate or fit its data
     * @throws dev.gatun.tensor.MemoryBudgetException when it would pass the memory budget
     * @throws IOException when its data cannot be read or its folder written
     */
    public static PlaygroundRun start(String id, JsonNode tree, Path runsDir, EventSink sink) throws IOException {
        return start(id, tree, runsDir, sink, () -> true);
    }

    /**
     * Like {@link #start(String, JsonNode, Path, EventSink)}, computing the deep views (the
     * gradient flow) only while {@code watched} says a page looks.
     *
     * @param id the run's id
     * @param tree the config tree
     * @param runsDir where its run folder is made
     * @param sink where its events go
     * @param watched whether a page is connected now
     * @return the run
     * @throws dev.gatun.config.ConfigException for a config that does not validate or fit its data
     * @throws dev.gatun.tensor.MemoryBudgetException when it would pass the memory budget
     * @throws IOException when its data cannot be read or its folder written
     */
    public static PlaygroundRun start(String id, JsonNode tree, Path runsDir, EventSink sink, BooleanSupplier watched)
            throws IOException {
        return start(id, tree, runsDir, sink, watched, view -> true);
    }

    /**
     * Like {@link #start(String, JsonNode, Path, EventSink, BooleanSupplier)}, computing a deep view
     * that a page opens for itself (the {@code network} view's neuron pictures) only while a page is
     * connected and {@code viewOpen} says that view is open.
     *
     * @param id the run's id
     * @param tree the config tree
     * @param runsDir where its run folder is made
     * @param sink where its events go
     * @param watched whether a page is connected now
     * @param viewOpen whether some page has the named view open now
     * @return the run
     * @throws dev.gatun.config.ConfigException for a config that does not validate or fit its data
     * @throws dev.gatun.tensor.MemoryBudgetException when it would pass the memory budget
     * @throws IOException when its data cannot be read or its folder written
     */
    public static PlaygroundRun start(String id, JsonNode tree, Path runsDir, EventSink sink, BooleanSupplier watched,
            Predicate<String> viewOpen) throws IOException {
        return start(id, tree, runsDir, sink, watched, viewOpen, RunRole.PLAYGROUND);
    }

    /**
     * Like {@link #start(String, JsonNode, Path, EventSink, BooleanSupplier, Predicate)}, for a run
     * with {@code role}: the playground's, or one setup of a race (which sends no per-layer pictures).
     *
     * @param id the run's id
     * @param tree the config tree
     * @param runsDir where its run folder is made
     * @param sink where its events go
     * @param watched whether a page is connected now
     * @param viewOpen whether some page has the named view open now
     * @param role what the run is for
     * @return the run
     * @throws dev.gatun.config.ConfigException for a config that does not validate or fit its data
     * @throws dev.gatun.tensor.MemoryBudgetException when it would pass the memory budget
     * @throws IOException when its data cannot be read or its folder written
     */
    public static PlaygroundRun start(String id, JsonNode tree, Path runsDir, EventSink sink, BooleanSupplier watched,
            Predicate<String> viewOpen, RunRole role) throws IOException {
        PlaygroundRun run = new PlaygroundRun(id, runsDir, sink, watched, viewOpen, role);
        run.worker.start();
        try {
            run.call(() -> {
                run.build(tree);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /** {@return the run's id} */
    public String id() {
        return id;
    }

    /** {@return where the run stands} */
    public RunStatus status() {
        return status;
    }

    /** {@return the latest {@code run} event's data, with the status and, once one has ended, the last epoch's {@code epoch} event} */
    public ObjectNode info() {
        ObjectNode o = runInfo.deepCopy();
        o.put("status", status.wire());
        ObjectNode last = lastEpoch;
        if (last != null) {
            o.set("lastEpoch", last);
        }
        return o;
    }

    /** {@return what the next batch will use: optimizer type, lr, step, batch, l1, l2, dropout} */
    public ObjectNode optimizer() {
        return optimizerView.deepCopy();
    }

    /**
     * Plays, pauses, steps or resets the run, between two batches.
     *
     * @param action {@code play}, {@code pause}, {@code step_batch}, {@code step_epoch}, {@code reset}, or
     *     {@code save}: the run folder's weights, a checkpoint and the metrics as they are now
     * @param newSeed for a reset, whether to draw a new seed (else the same weights and order again)
     * @return the run's status, step and epoch after the action
     * @throws IllegalArgumentException for an unknown action
     * @throws IllegalStateException when the run has stopped, or has finished and is asked to train
     * @throws IOException when a reset cannot read its data or write its folder
     */
    public ObjectNode control(String action, boolean newSeed) throws IOException {
        return call(() -> {
            switch (action) {
                case "play" -> {
                    requireTrainable(action);
                    setStatus(RunStatus.RUNNING, "");
                }
                case "pause" -> {
                    if (status == RunStatus.RUNNING) {
                        setStatus(RunStatus.PAUSED, "");
                    }
                    flush(true);
                }
                case "step_batch" -> {
                    requireTrainable(action);
                    setStatus(RunStatus.PAUSED, "");
                    trainBatch();
                    flush(true);
                }
                case "step_epoch" -> {
                    requireTrainable(action);
                    setStatus(RunStatus.PAUSED, "");
                    int at = epoch;
                    while (epoch == at && status == RunStatus.PAUSED) {
                        trainBatch();
                    }
                    flush(true);
                }
                case "save" -> {
                    // The run folder as the CLI's eval and predict read it, with the weights of now.
                    writeMetrics();
                    saveFinal();
                }
                case "reset" -> {
                    ObjectNode next = (ObjectNode) tree.deepCopy();
                    if (newSeed) {
                        next.put("seed", new SplittableRandom().nextLong(1L << 31));
                    }
                    release(false);
                    build(next);
                }
                default -> throw new IllegalArgumentException("action: unknown '" + action
                        + "' (known: play, pause, step_batch, step_epoch, reset, save)");
            }
            updateOptimizerView();
            return position();
        });
    }

    /**
     * Applies settings before the next batch; each change is announced by a {@code marker} event
     * at the step it takes effect.
     *
     * @param settings the changes
     * @return the changes as applied
     * @throws IOException never in practice; declared by the command mechanism
     */
    public ObjectNode apply(RunSettings settings) throws IOException {
        return call(() -> {
            ObjectNode applied = EventJson.object();
            List<String> changes = new ArrayList<>();
            Optimizer current = trainer.optimizer();
            if (settings.optimizer() != null && !settings.optimizer().equals(optimizerType)) {
                double lr = settings.lr() != null ? settings.lr() : current.learningRate();
                trainer.setOptimizer(newOptimizer(settings.optimizer(), lr));
                changes.add("optimizer " + optimizerType + " → " + settings.optimizer());
                optimizerType = settings.optimizer();
                applied.put("optimizer", optimizerType);
            }
            if (settings.lr() != null && settings.lr() != current.learningRate()) {
                changes.add(String.format(Locale.ROOT, "lr %s → %s", number(current.learningRate()), number(settings.lr())));
                trainer.optimizer().setLearningRate(settings.lr());
                applied.put("lr", settings.lr());
            }
            if (settings.batch() != null && settings.batch() != train.batchSize()) {
                changes.add("batch " + train.batchSize() + " → " + settings.batch());
                train = loader(settings.batch());
                applied.put("batch", settings.batch());
            }
            if ((settings.l1() != null && settings.l1() != l1) || (settings.l2() != null && settings.l2() != l2)) {
                double n1 = settings.l1() != null ? settings.l1() : l1;
                double n2 = settings.l2() != null ? settings.l2() : l2;
                changes.add("L1 " + number(l1) + " → " + number(n1) + ", L2 " + number(l2) + " → " + number(n2));
                l1 = n1;
                l2 = n2;
                loss = penalized(baseLoss, prepared.module(), l1, l2);
                applied.put("l1", l1);
                applied.put("l2", l2);
            }
            if (settings.dropout() != null) {
                List<Dropout> dropouts = dropouts(prepared.module());
                if (dropouts.isEmpty()) {
                    throw new RunSettings.SettingException("dropout", "the network has no dropout layer");
                }
                if (dropouts.getFirst().probability() != settings.dropout()) {
                    changes.add("dropout " + number(dropouts.getFirst().probability()) + " → " + number(settings.dropout()));
                    dropouts.forEach(d -> d.setProbability(settings.dropout()));
                    applied.put("dropout", settings.dropout());
                }
            }
            if (settings.x() != null || settings.y() != null || settings.z() != null) {
                int features = prepared.data().exampleShape().length == 1 ? prepared.data().exampleShape()[0] : 0;
                int nx = settings.x() != null ? settings.x() : xFeature;
                int ny = settings.y() != null ? settings.y() : yFeature;
                int nz = settings.z() != null ? settings.z() : zFeature;
                String outside = nx >= features ? "x" : ny >= features ? "y" : nz >= features ? "z" : null;
                if (outside != null) {
                    throw new RunSettings.SettingException(outside, "the examples have "
                            + features + " features (0 to " + (features - 1) + ")");
                }
                xFeature = nx;
                yFeature = ny;
                zFeature = nz;
                applied.put("x", xFeature);
                applied.put("y", yFeature);
                applied.put("z", zFeature);
                publishData();
            }
            if (settings.view() != null && !settings.view().equals(view)) {
                view = settings.view();
                applied.put("view", view);
                publishConfusion();
            }
            for (String change : changes) {
                ObjectNode m = EventJson.event(id);
                m.put("step", step + 1);
                m.put("text", change);
                sink.publish("marker", EventJson.text(m));
            }
            updateOptimizerView();
            ObjectNode answer = EventJson.object();
            answer.put("run", id);
            answer.set("applied", applied);
            return answer;
        });
    }

    /**
     * Trains the next batch layer by layer for the page's step-by-step view (see
     * {@link BackpropWalk}): it counts as exactly one trained batch, as {@code step_batch} does, and
     * leaves the run paused.
     *
     * @return {@code {run, step, loss, size, correct, labels, layers: [...]}}: each layer's input,
     *     output, output gradient, parameter gradients and updates, and its top neurons and weights
     * @throws IllegalStateException when the run has stopped, or has finished
     * @throws IOException never in practice; declared by the command mechanism
     */
    public ObjectNode backprop() throws IOException {
        Walked walked = call(() -> {
            requireTrainable("step_backprop");
            BackpropWalk.requireStack(prepared.module());
            setStatus(RunStatus.PAUSED, "");
            List<BackpropWalk> taken = new ArrayList<>(1);
            trainBatch(batch -> {
                BackpropWalk w = BackpropWalk.take(prepared.module(), layerTypes, trainer.optimizer(), loss, batch);
                taken.add(w);
                return w.result();
            });
            flush(true);
            updateOptimizerView();
            return new Walked(taken.getFirst(), step);
        });
        // The answer is built here, off the run's thread.
        return walked.walk().json(id, walked.step());
    }

    /** A walk and the optimizer steps taken once it was done. */
    private record Walked(BackpropWalk walk, long step) {}

    /**
     * Sends the pictures of the deep views open now at once, between two batches: a view a page has
     * just opened need not wait for the next batch (a paused run takes none).
     *
     * @throws IOException never in practice; declared by the command mechanism
     */
    public void showViews() throws IOException {
        call(() -> {
            publishNetwork();
            return null;
        });
    }

    /** {@return {run, open: {network}, sent: {network}}: whether the view is open and how many of its events the run computed} */
    public ObjectNode views() {
        ObjectNode o = EventJson.event(id);
        o.putObject("open").put("network", networkWatched());
        o.putObject("sent").put("network", networkEvents.get());
        return o;
    }

    /**
     * Stops the run for good: its folder keeps its metrics, a checkpoint of the weights as they are
     * and {@code model.safetensors}. Waits for the batch in progress; idempotent.
     */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        try {
            if (worker.isAlive()) {
                call(() -> {
                    release(true);
                    ended = true;
                    return null;
                });
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("studio: run " + id + ": " + e.getMessage());
        } finally {
            ended = true;
            worker.interrupt();
            encoder.shutdown();
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
                encoder.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the worker ------------------------------------------------------------------------

    private void work() {
        while (!ended) {
            try {
                Runnable command = status == RunStatus.RUNNING ? commands.poll() : commands.poll(1, TimeUnit.SECONDS);
                if (command != null) {
                    command.run();
                } else if (status == RunStatus.RUNNING) {
                    trainBatch();
                    flush(false);
                }
            } catch (InterruptedException e) {
                if (ended) {
                    return;
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }
    }

    private interface Command<T> {
        T run() throws IOException;
    }

    /** Runs {@code command} on the worker between batches and waits for its result. */
    private <T> T call(Command<T> command) throws IOException {
        if (ended) {
            throw new IllegalStateException("run " + id + " has stopped");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        commands.add(() -> {
            try {
                result.complete(command.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(COMMAND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for run " + id, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("run " + id + " did not answer within " + COMMAND_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(TaskFailures.rethrowCause(e));
        }
    }

    private void build(JsonNode configTree) throws IOException {
        ExperimentConfig c = ConfigLoader.experiment(configTree, "playground", "the playground's config");
        Scope s = Scope.open("studio run " + id);
        try {
            PreparedExperiment p = PreparedExperiment.prepare(c, null, "the playground's config", s);
            Tensor probeBatch = probe(p.data().train());
            // The run's memory outlives this command; the commands after it open their own scopes.
            s.detach();
            RunFolder f = RunFolder.create(runsDir, c.name());
            f.writeAtomically(TrainedModel.CONFIG, (ConfigLoader.toJson(c.normalized()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            p.card().write(f);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("config", c.name());
            facts.put("seed", Long.toString(c.seed()));
            facts.put("parameters", Long.toString(p.module().parameterCount()));
            facts.put("train_examples", Integer.toString(p.data().train().size()));
            this.tree = c.normalized();
            this.config = c;
            this.scope = s;
            this.prepared = p;
            this.folder = f;
            this.log = new MetricsLog(f, facts);
            recorder.close();
            this.recorder = RunRecorder.start(f.path(), c.name(), c.normalized(), System.err);
            this.baseLoss = PreparedExperiment.withPenalties(c, List.of());
            this.l1 = c.regularization().l1();
            this.l2 = c.regularization().l2();
            // The config's own loss first: the first epoch then equals gatun train's to the bit.
            this.loss = p.loss();
            this.trainer = new Trainer(p.module(), p.optimizer(), (o, t) -> loss.apply(o, t), quiet(), false);
            this.optimizerType = optimizerName(c);
            this.train = p.train();
            this.epoch = 1;
            this.xFeature = 0;
            this.yFeature = 1;
            this.zFeature = -1;
            this.cursor = 0;
            this.order = null;
            this.step = 0;
            this.trainingNanos = 0;
            this.epochNanos = 0;
            this.points.drain();
            this.heldEpochs.clear();
            resetEpochSums();
            this.bounds = Arrays.equals(p.data().exampleShape(), new int[] {2}) ? bounds(p.data().train()) : null;
            this.probe = probeBatch;
            this.layerTypes = new ArrayList<>();
            this.tree.path("model").path("layers").forEach(l -> layerTypes.add(l.path("type").asString("")));
            this.before = null;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        runInfo = describe();
        updateOptimizerView();
        status = RunStatus.PAUSED;
        sink.publish("run", EventJson.text(info()));
        publishData();
        flush(true);
    }

    private static String optimizerName(ExperimentConfig c) {
        String type = c.optimizer().type();
        return type.equals("sgd") && c.optimizer().momentum() > 0 ? MOMENTUM : type;
    }

    private void requireTrainable(String action) {
        if (status == RunStatus.FINISHED) {
            throw new IllegalStateException("the run has trained all its " + config.training().epochs()
                    + " epochs; reset it to " + action.replace('_', ' ') + " again");
        }
        if (status == RunStatus.FAILED || status == RunStatus.STOPPED) {
            throw new IllegalStateException("the run has " + status.wire() + "; reset it first");
        }
    }

    private void trainBatch() {
        trainBatch(trainer::step);
    }

    /** One batch trained by {@code stepper} (the trainer's step, or a walk of it), counted as any batch is. */
    private void trainBatch(Function<DataLoader.Batch, Trainer.Step> stepper) {
        long start = System.nanoTime();
        int n = train.dataset().size();
        if (cursor == 0) {
            order = train.order(epoch);
        }
        try (Scope s = Scope.open("studio step")) {
            DataLoader.Batch batch = train.batchAt(epoch, order, cursor);
            // The weights before a step whose snapshot a page will see: the flow view's updates.
            boolean capture = role.pictures() && (status != RunStatus.RUNNING || System.nanoTime() >= nextSnapshot)
                    && watched.getAsBoolean();
            before = capture ? LayerFlow.copy(prepared.module()) : null;
            Trainer.Step result = stepper.apply(batch);
            step++;
            beforeStep = step;
            if (!Double.isFinite(result.loss())) {
                throw new IllegalStateException("loss became " + result.loss() + " at step " + step
                        + "; lower the learning rate (now " + number(trainer.optimizer().learningRate()) + ") and reset");
            }
            lossSum += result.loss() * result.size();
            correct += result.correct();
            seen += result.size();
            cursor += result.size();
            double accuracy = classification() ? (double) result.correct() / result.size() : Double.NaN;
            points.add(step, result.loss(), accuracy);
        }
        long spent = System.nanoTime() - start;
        trainingNanos += spent;
        epochNanos += spent;
        if (cursor >= n) {
            endEpoch();
        }
        if (!points.isEmpty() && System.nanoTime() - lastBatchEvent > 1_000_000_000L / BATCH_EVENTS_PER_SECOND) {
            publishPoints();
        }
    }

    private void endEpoch() {
        double seconds = epochNanos / 1e9;
        Evaluation validation = prepared.validation() == null ? new Evaluation(Double.NaN, Double.NaN, 0)
                : trainer.evaluate(prepared.validation());
        double trainAccuracy = classification() ? (double) correct / Math.max(seen, 1) : Double.NaN;
        EpochMetrics m = new EpochMetrics(epoch, lossSum / Math.max(seen, 1), trainAccuracy, validation.loss(),
                validation.accuracy(), trainer.optimizer().learningRate(), seconds, seen / Math.max(seconds, 1e-9));
        trainer.recordEpoch(m);
        log.record(m);
        recorder.epoch(epoch, RunRecorder.metricsOf(m));
        // Epochs of a small network take milliseconds, and the files hold every epoch: they are
        // rewritten at most once a second, and within the snapshots' share of the time.
        if (System.nanoTime() > nextMetricsWrite) {
            writeMetrics();
        }
        // A small network trains thousands of epochs a second: while it plays, a page gets at most
        // BATCH_EVENTS_PER_SECOND epoch events a second (the first and last always), each with the
        // batch points before it and the epochs held since the last one ("earlier"). One event per
        // epoch made Chromium spend 75% of a core updating the page, on the cores the training runs on.
        long now = System.nanoTime();
        boolean send = status != RunStatus.RUNNING || epoch == 1 || epoch >= config.training().epochs()
                || now - lastEpochEvent >= 1_000_000_000L / BATCH_EVENTS_PER_SECOND;
        ObjectNode o = EventJson.event(id);
        o.put("epoch", epoch);
        o.put("step", step);
        EventJson.number(o, "trainLoss", m.trainLoss());
        EventJson.number(o, "trainAccuracy", m.trainAccuracy());
        EventJson.number(o, "valLoss", m.valLoss());
        EventJson.number(o, "valAccuracy", m.valAccuracy());
        EventJson.number(o, "lr", m.learningRate());
        EventJson.number(o, "seconds", m.seconds());
        EventJson.number(o, "samplesPerSecond", m.samplesPerSecond());
        if (send) {
            lastEpochEvent = now;
            publishPoints();
            ObjectNode event = o;
            if (!heldEpochs.isEmpty()) {
                event = o.deepCopy();
                ArrayNode earlier = event.putArray("earlier");
                heldEpochs.forEach(earlier::add);
                heldEpochs.clear();
            }
            sink.publish("epoch", EventJson.text(event));
        } else {
            heldEpochs.add(o);
        }
        lastEpoch = o;
        epoch++;
        cursor = 0;
        epochNanos = 0;
        resetEpochSums();
        updateOptimizerView();
        if (epoch > config.training().epochs()) {
            recorder.end(RunState.FINISHED, finalMetrics(m), null);
            setStatus(RunStatus.FINISHED, "trained " + config.training().epochs() + " epochs");
            flush(true);
        }
    }

    private void writeMetrics() {
        long start = System.nanoTime();
        try {
            log.write();
        } catch (IOException e) {
            sink.publish("error", EventJson.text(EventJson.event(id).put("message",
                    "could not write metrics to " + folder + ": " + e.getMessage())));
        }
        long spent = System.nanoTime() - start;
        nextMetricsWrite = System.nanoTime() + Math.max(1_000_000_000L, (long) (spent / SNAPSHOT_SHARE));
    }

    /** The last epoch's validation metrics, as a finished run's final metrics in the tracking store. */
    private static Map<String, Double> finalMetrics(EpochMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("val_loss", m.valLoss());
        out.put("val_accuracy", m.valAccuracy());
        out.put("train_loss", m.trainLoss());
        out.put("train_accuracy", m.trainAccuracy());
        return out;
    }

    private void resetEpochSums() {
        lossSum = 0;
        correct = 0;
        seen = 0;
    }

    private void fail(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        sink.publish("error", EventJson.text(EventJson.event(id).put("message", message)));
        recorder.failed(e);
        setStatus(RunStatus.FAILED, message);
    }

    private void setStatus(RunStatus next, String message) {
        status = next;
        ObjectNode o = EventJson.event(id);
        o.put("status", next.wire());
        o.put("message", message);
        sink.publish("status", EventJson.text(o));
        updateOptimizerView();
    }

    /** Frees the run's memory; with {@code stop}, saves its final state first and marks it stopped. */
    private void release(boolean stop) throws IOException {
        if (scope == null) {
            return;
        }
        try {
            writeMetrics();
            if (step > 0) {
                saveFinal();
            }
        } finally {
            if (stop) {
                recorder.close();
                setStatus(RunStatus.STOPPED, "stopped; the run folder keeps its metrics and a checkpoint");
            }
            scope.close();
            scope = null;
        }
    }

    private void saveFinal() throws IOException {
        try (Scope s = Scope.open("studio save")) {
            save();
        }
    }

    private void save() throws IOException {
        ObjectNode modelConfig = EventJson.object();
        modelConfig.set("config", tree);
        modelConfig.set("model", prepared.card().toJson());
        Checkpoint.save(folder.path(), trainer, modelConfig, Map.of("seed", config.seed()));
        Map<String, String> facts = log.run();
        folder.writeAtomically(TrainedModel.WEIGHTS, out -> SafetensorsWriter.write(prepared.module().state(), facts, out));
    }

    // ---- settings ----------------------------------------------------------------------------

    private Optimizer newOptimizer(String type, double lr) {
        ObjectNode o = EventJson.object();
        o.put("type", type.equals(MOMENTUM) ? "sgd" : type);
        o.put("lr", lr);
        if (type.equals(MOMENTUM)) {
            o.put("momentum", 0.9);
        }
        ObjectNode t = (ObjectNode) tree.deepCopy();
        t.set("optimizer", o);
        t.remove("schedule");
        t.remove("switch");
        ExperimentConfig c = ConfigLoader.experiment(t, "playground", "the playground's optimizer");
        return prepared.newOptimizer(c.optimizer());
    }

    private DataLoader loader(int batch) {
        DataLoader plain = new DataLoader(prepared.data().train(), batch, true, config.seed(), false);
        return prepared.data().augmentationOrNull() == null ? plain
                : plain.withAugmentation(prepared.data().augmentationOrNull());
    }

    /** The base loss plus L1 and L2 over every parameter, as the regularization section applies them. */
    static Loss penalized(Loss base, Module net, double l1, double l2) {
        List<Regularization> terms = new ArrayList<>();
        if (l1 > 0) {
            terms.add(Regularization.l1(net, l1));
        }
        if (l2 > 0) {
            terms.add(Regularization.l2(net, l2));
        }
        return terms.isEmpty() ? base : Regularization.addTo(base, terms.toArray(Regularization[]::new));
    }

    private static List<Dropout> dropouts(Module net) {
        List<Dropout> out = new ArrayList<>();
        collect(net, out);
        return out;
    }

    private static void collect(Module m, List<Dropout> out) {
        if (m instanceof Dropout d) {
            out.add(d);
        }
        for (Module child : m.children()) {
            collect(child, out);
        }
    }

    private void updateOptimizerView() {
        if (trainer == null) {
            return;
        }
        ObjectNode o = EventJson.object();
        o.put("run", id);
        o.put("type", optimizerType);
        o.put("optimizerClass", trainer.optimizer().getClass().getSimpleName());
        EventJson.number(o, "lr", trainer.optimizer().learningRate());
        o.put("step", step);
        o.put("epoch", epoch);
        o.put("batch", train.batchSize());
        EventJson.number(o, "l1", l1);
        EventJson.number(o, "l2", l2);
        List<Dropout> d = dropouts(prepared.module());
        if (d.isEmpty()) {
            o.putNull("dropout");
        } else {
            EventJson.number(o, "dropout", d.getFirst().probability());
        }
        o.put("status", status.wire());
        optimizerView = o;
    }

    // ---- events ----------------------------------------------------------------------------

    private ObjectNode position() {
        ObjectNode o = EventJson.object();
        o.put("run", id);
        o.put("status", status.wire());
        o.put("step", step);
        o.put("epoch", epoch);
        o.put("folder", folder.path().toString());
        return o;
    }

    /**
     * Scores the network as it is now on one part of its data, between two batches: what
     * {@code gatun eval} gives for a saved run (the test part's figures equal the run report's).
     *
     * @param part {@code test}, {@code validation} or {@code train}
     * @return {@code {run, part, step, loss, accuracy, examples}} (accuracy null for regression)
     * @throws IllegalArgumentException for another part, or a part the run's data does not have
     * @throws IOException never in practice; declared by the command mechanism
     */
    public ObjectNode evaluate(String part) throws IOException {
        return call(() -> {
            DataLoader data = switch (part) {
                case "test" -> prepared.test();
                case "validation" -> prepared.validation();
                case "train" -> new DataLoader(prepared.data().train(), config.training().evalBatch(), false, 0, false);
                default -> throw new IllegalArgumentException("part: must be test, validation or train, got '" + part + "'");
            };
            if (data == null) {
                throw new IllegalArgumentException("part: the run's data has no " + part + " part");
            }
            Evaluation e = trainer.evaluate(data);
            ObjectNode o = EventJson.event(id);
            o.put("part", part);
            o.put("step", step);
            EventJson.number(o, "loss", e.loss());
            EventJson.number(o, "accuracy", classification() ? e.accuracy() : Double.NaN);
            o.put("examples", e.samples());
            return o;
        });
    }

    /**
     * The run's metrics so far as {@code metrics.csv} holds them, one row per epoch.
     *
     * @return the CSV text
     * @throws IOException never in practice; declared by the command mechanism
     */
    public String metricsCsv() throws IOException {
        return call(() -> log.csv());
    }

    /**
     * The network's activations for one example, computed between two batches on the run's thread
     * in eval mode without autograd. Callers encode it ({@link Activations#json}) off that thread.
     *
     * @param splitOrNull {@code test}, {@code validation} or {@code train}; null for the first the run has
     *     of test, validation, train
     * @param index the example's index in the split
     * @return the activations
     * @throws RunSettings.SettingException naming {@code split} or {@code index} when the run has no such
     *     split or the index is outside it
     * @throws IOException never in practice; declared by the command mechanism
     */
    public Activations activations(String splitOrNull, int index) throws IOException {
        return call(() -> {
            String split = splitOrNull != null ? splitOrNull : prepared.data().testOrNull() != null ? "test"
                    : prepared.data().validationOrNull() != null ? "validation" : "train";
            Dataset data = switch (split) {
                case "test" -> prepared.data().testOrNull();
                case "validation" -> prepared.data().validationOrNull();
                case "train" -> prepared.data().train();
                default -> throw new RunSettings.SettingException("split", "must be test, validation or train, got '"
                        + split + "'");
            };
            if (data == null) {
                throw new RunSettings.SettingException("split", "the run has no " + split + " split");
            }
            if (index < 0 || index >= data.size()) {
                throw new RunSettings.SettingException("index", index + " is outside the " + split + " split's "
                        + data.size() + " examples (0 to " + (data.size() - 1) + ")");
            }
            try (Scope s = Scope.open("studio example")) {
                Tensor x = Tensor.zeros(DType.FLOAT32, targetShape(1, data.featureShape()));
                Tensor t = Tensor.zeros(data.targetDType(), targetShape(1, data.targetShape()));
                data.fill(new int[] {index}, 0, 1, x, t);
                int label = data.targetDType() == DType.INT32 ? t.toIntArray()[0] : -1;
                return Activations.capture(prepared.module(), layerTypes, x,
                        new Activations.Example(split, index, data.size(), label), prepared.data().classNames(), step);
            }
        });
    }

    private boolean classification() {
        return prepared.data().classes() > 0;
    }

    private boolean isPlane() {
        return classification() && Arrays.equals(prepared.data().exampleShape(), new int[] {2});
    }

    private boolean isCurve() {
        return !classification() && Arrays.equals(prepared.data().exampleShape(), new int[] {1});
    }

    private ObjectNode describe() {
        ObjectNode o = EventJson.event(id);
        o.put("name", config.name());
        o.put("kind", role.kind());
        if (role.race() != null) {
            o.put("race", role.race());
            o.put("label", role.label());
        }
        o.put("task", classification() ? "classification" : "regression");
        ArrayNode classes = o.putArray("classes");
        prepared.data().classNames().forEach(classes::add);
        ArrayNode input = o.putArray("inputShape");
        for (int d : prepared.data().exampleShape()) {
            input.add(d);
        }
        o.put("parameters", prepared.module().parameterCount());
        o.set("layers", layers(config, prepared.data().exampleShape()));
        o.set("config", tree);
        o.put("yaml", ConfigYaml.write(tree));
        o.put("folder", folder.path().toString());
        o.put("seed", config.seed());
        o.put("epochs", config.training().epochs());
        o.put("batchesPerEpoch", train.batchCount());
        o.put("trainExamples", prepared.data().train().size());
        return o;
    }

    /**
     * Each layer of a config with the shape it outputs, for the page's builder.
     *
     * @param c the config
     * @param input the shape of one example
     * @return {@code [{index, type, label, shape}]}
     */
    public static ArrayNode layers(ExperimentConfig c, int[] input) {
        ArrayNode layers = EventJson.array();
        List<int[]> shapes = ModelFactory.outputShapes(c.model(), input);
        JsonNode configured = c.normalized().path("model").path("layers");
        for (int i = 0; i < shapes.size(); i++) {
            ObjectNode l = layers.addObject();
            l.put("index", i);
            String type = configured.path(i).path("type").asString("");
            l.put("type", type);
            l.put("label", i + ": " + type);
            ArrayNode shape = l.putArray("shape");
            for (int d : shapes.get(i)) {
                shape.add(d);
            }
        }
        return layers;
    }

    private void publishData() {
        Dataset trainData = prepared.data().train();
        if (prepared.data().exampleShape().length != 1) {
            return;
        }
        ObjectNode o = EventJson.event(id);
        ArrayNode x = o.putArray("x");
        ArrayNode y = o.putArray("y");
        ArrayNode label = o.putArray("label");
        ArrayNode part = o.putArray("part");
        ArrayNode z = zFeature >= 0 ? o.putArray("z") : null;
        // For regression y holds the target: the 3-D view's second feature comes apart.
        ArrayNode yFeatureValues = zFeature >= 0 && !classification() ? o.putArray("yFeature") : null;
        Dataset validation = prepared.data().validationOrNull();
        int validationShare = validation == null ? 0 : Math.min(validation.size(), DATA_POINTS / 5);
        PointColumns columns = new PointColumns(x, y, z, yFeatureValues, label, part);
        addPoints(trainData, DATA_POINTS - validationShare, "train", columns);
        if (validation != null) {
            addPoints(validation, validationShare, "validation", columns);
        }
        int features = prepared.data().exampleShape()[0];
        o.put("xName", isCurve() ? "x" : featureName(xFeature));
        o.put("yName", isCurve() ? "target" : featureName(yFeature));
        o.put("xIndex", xFeature);
        o.put("yIndex", yFeature);
        o.put("zIndex", zFeature);
        if (zFeature >= 0) {
            o.put("zName", featureName(zFeature));
        }
        o.put("features", features);
        ArrayNode names = o.putArray("featureNames");
        for (int i = 0; i < features; i++) {
            names.add(featureName(i));
        }
        sink.publishLatest("data", id, EventJson.text(o));
    }

    /** {@return a feature's name: its CSV column's, else {@code feature N} counted from 1} */
    private String featureName(int index) {
        List<String> names = prepared.data().featureNames();
        return names.size() == prepared.data().exampleShape()[0] ? names.get(index) : "feature " + (index + 1);
    }

    /** The arrays of the data event that {@link #addPoints} fills; {@code z} and {@code yFeature} may be null. */
    private record PointColumns(ArrayNode x, ArrayNode y, ArrayNode z, ArrayNode yFeature, ArrayNode label,
            ArrayNode part) {}

    private void addPoints(Dataset data, int most, String name, PointColumns columns) {
        int n = Math.min(data.size(), most);
        if (n <= 0) {
            return;
        }
        int[] all = new int[n];
        // An even spread over the set, not its first examples.
        Arrays.setAll(all, i -> (int) ((long) i * data.size() / n));
        int features = data.featureShape()[0];
        try (Scope s = Scope.open("studio data")) {
            Tensor f = Tensor.zeros(DType.FLOAT32, n, features);
            Tensor t = Tensor.zeros(data.targetDType(), targetShape(n, data.targetShape()));
            data.fill(all, 0, n, f, t);
            float[] fv = f.toFloatArray();
            boolean classes = data.targetDType() == DType.INT32;
            int[] iv = classes ? t.toIntArray() : null;
            float[] tv = classes ? null : t.toFloatArray();
            int targetWidth = classes ? 1 : tv.length / n;
            for (int i = 0; i < n; i++) {
                EventJson.number(columns.x(), fv[i * features + Math.min(xFeature, features - 1)]);
                float yValue = features > 1 ? fv[i * features + Math.min(yFeature, features - 1)] : 0;
                if (classes) {
                    EventJson.number(columns.y(), yValue);
                    columns.label().add(iv[i]);
                } else {
                    EventJson.number(columns.y(), tv[i * targetWidth]);
                    columns.label().addNull();
                }
                if (columns.z() != null) {
                    EventJson.number(columns.z(), fv[i * features + Math.min(zFeature, features - 1)]);
                }
                if (columns.yFeature() != null) {
                    EventJson.number(columns.yFeature(), yValue);
                }
                columns.part().add(name);
            }
        }
    }

    /** The first examples of the training set (256, or 64 images), in the current scope: the flow view's fixed batch. */
    private static Tensor probe(Dataset data) {
        int n = Math.min(data.featureShape().length > 1 ? 64 : 256, data.size());
        int[] first = new int[n];
        Arrays.setAll(first, i -> i);
        int[] shape = data.featureShape();
        int[] batch = new int[shape.length + 1];
        batch[0] = n;
        System.arraycopy(shape, 0, batch, 1, shape.length);
        Tensor x = Tensor.zeros(DType.FLOAT32, batch);
        data.fill(first, 0, n, x, Tensor.zeros(data.targetDType(), targetShape(n, data.targetShape())));
        return x;
    }

    private static int[] targetShape(int n, int[] perExample) {
        int[] shape = new int[perExample.length + 1];
        shape[0] = n;
        System.arraycopy(perExample, 0, shape, 1, perExample.length);
        return shape;
    }

    private static double[] bounds(Dataset data) {
        int n = data.size();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        float[] f;
        try (Scope s = Scope.open("studio bounds")) {
            Tensor features = Tensor.zeros(DType.FLOAT32, n, 2);
            Tensor targets = Tensor.zeros(data.targetDType(), targetShape(n, data.targetShape()));
            data.fill(all, 0, n, features, targets);
            f = features.toFloatArray();
        }
        double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (int i = 0; i < f.length; i += 2) {
            if (Float.isFinite(f[i]) && Float.isFinite(f[i + 1])) {
                b[0] = Math.min(b[0], f[i]);
                b[1] = Math.max(b[1], f[i]);
                b[2] = Math.min(b[2], f[i + 1]);
                b[3] = Math.max(b[3], f[i + 1]);
            }
        }
        if (b[0] > b[1]) {
            return new double[] {-1, 1, -1, 1};
        }
        double dx = b[1] > b[0] ? (b[1] - b[0]) * 0.1 : 1;
        double dy = b[3] > b[2] ? (b[3] - b[2]) * 0.1 : 1;
        return new double[] {b[0] - dx, b[1] + dx, b[2] - dy, b[3] + dy};
    }

    private void publishPoints() {
        lastBatchEvent = System.nanoTime();
        if (points.isEmpty()) {
            return;
        }
        updateOptimizerView();
        double[][] copy = points.drain();
        int batches = train.batchCount();
        int batchIndex = Math.max(0, (int) Math.ceil((double) cursor / train.batchSize()) - 1);
        double lr = trainer.optimizer().learningRate();
        double rate = trainingNanos > 0 ? step * (double) train.batchSize() / (trainingNanos / 1e9) : Double.NaN;
        int currentEpoch = epoch;
        encode("batch", () -> CurvePoints.batchEvent(id, copy, currentEpoch, batchIndex, batches, lr, rate));
    }

    /**
     * Snapshots of the model: when {@code now}, at once; otherwise at most
     * {@value #SNAPSHOTS_PER_SECOND} a second, and never more than {@value #SNAPSHOT_SHARE} of the
     * training thread's time: a large network's boundary or confusion matrix spaces them further.
     */
    private void flush(boolean now) {
        long start = System.nanoTime();
        if (!now && start < nextSnapshot) {
            return;
        }
        snapshot(now);
        long spent = System.nanoTime() - start;
        nextSnapshot = System.nanoTime() + Math.max(1_000_000_000L / SNAPSHOTS_PER_SECOND,
                (long) (spent / SNAPSHOT_SHARE));
    }

    private void snapshot(boolean now) {
        publishPoints();
        long at = step;
        if (isPlane()) {
            BoundaryGrid grid = BoundaryGrid.of(prepared.module(), BOUNDARY_CELLS, bounds);
            encode("boundary", () -> grid.json(id, at));
        } else if (isCurve()) {
            float[] fit = curve();
            encode("fit", () -> {
                ObjectNode o = EventJson.event(id);
                o.put("step", at);
                ArrayNode x = o.putArray("x");
                ArrayNode y = o.putArray("y");
                for (int i = 0; i < fit.length / 2; i++) {
                    EventJson.number(x, fit[2 * i]);
                    EventJson.number(y, fit[2 * i + 1]);
                }
                return o;
            });
        }
        // The boundary moves fastest; weights, histograms and the confusion matrix come less often,
        // as the page that draws them shares the machine with the training.
        long time = System.nanoTime();
        if (role.pictures() && (now || time >= nextPictures)) {
            nextPictures = time + 1_000_000_000L / PICTURES_PER_SECOND;
            LayerPictures pictures = LayerPictures.take(prepared.module().parameters(), at);
            encode("weights", () -> pictures.weights(id));
            encode("histograms", () -> pictures.histograms(id));
        }
        if (role.pictures()) {
            publishNetwork();
        }
        if (role.pictures() && watched.getAsBoolean()) {
            ObjectNode flow = LayerFlow.measure(id, at, prepared.module(), layerTypes, probe,
                    beforeStep == at ? before : null);
            encode("flow", () -> flow);
        }
        if (role.pictures() && (now || time >= nextConfusion)) {
            nextConfusion = time + 1_000_000_000L;
            publishConfusion();
        }
        if (now && log != null) {
            writeMetrics();
        }
    }

    private boolean networkWatched() {
        return watched.getAsBoolean() && viewOpen.test("network");
    }

    /**
     * The {@code network} event, only while a page is connected and has the view open: the diagram's
     * weights and, for 2-feature data, each drawn neuron's output over the plane.
     */
    private void publishNetwork() {
        if (prepared == null || !networkWatched()) {
            return;
        }
        long at = step;
        NetworkDiagram diagram = NetworkDiagram.of(prepared.module(), layerTypes, prepared.data().exampleShape());
        NeuronPlanes planes = bounds == null || !diagram.unsupported().isEmpty() ? null
                : NeuronPlanes.of(prepared.module(), diagram, NeuronPlanes.CELLS, bounds);
        networkEvents.incrementAndGet();
        encode("network", () -> diagram.json(id, at, planes));
    }

    /** The model's prediction at 200 points across the one feature's range, as (x, y) pairs. */
    private float[] curve() {
        Dataset data = prepared.data().train();
        int n = data.size();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        int samples = 200;
        float[] xs = new float[samples];
        float[] out;
        boolean wasTraining = prepared.module().isTraining();
        prepared.module().train(false);
        try (Scope s = Scope.open("studio fit"); Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor f = Tensor.zeros(DType.FLOAT32, n, 1);
            Tensor t = Tensor.zeros(data.targetDType(), targetShape(n, data.targetShape()));
            data.fill(all, 0, n, f, t);
            float[] fv = f.toFloatArray();
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : fv) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            for (int i = 0; i < samples; i++) {
                xs[i] = lo + (hi - lo) * i / (samples - 1);
            }
            Tensor y = prepared.module().forward(Tensor.of(xs, samples, 1).to(prepared.module().device()));
            out = y.toFloatArray();
        } finally {
            prepared.module().train(wasTraining);
        }
        int width = out.length / samples;
        float[] pairs = new float[2 * samples];
        for (int i = 0; i < samples; i++) {
            pairs[2 * i] = xs[i];
            pairs[2 * i + 1] = out[i * width];
        }
        return pairs;
    }

    private void publishConfusion() {
        if (!classification()) {
            return;
        }
        boolean onValidation = view.equals("validation") && prepared.validation() != null;
        DataLoader data = onValidation ? prepared.validation()
                : new DataLoader(prepared.data().train(), config.training().evalBatch(), false, 0, false);
        ConfusionMatrix cm = Predictions.of(prepared.module(), data).confusion();
        long at = step;
        List<String> names = prepared.data().classNames();
        String part = onValidation ? "validation" : "train";
        encode("confusion", () -> ConfusionJson.of(id, at, part, names, cm));
    }

    private void encode(String type, Supplier<ObjectNode> event) {
        if (encoder.isShutdown()) {
            return;
        }
        // Batch points add to a curve; every other snapshot replaces the one before it.
        boolean picture = !type.equals("batch");
        encoder.execute(() -> {
            try {
                String json = EventJson.text(event.get());
                if (picture) {
                    sink.publishLatest(type, id, json);
                } else {
                    sink.publish(type, json);
                }
            } catch (RuntimeException e) {
                // A picture that cannot be drawn is reported, and training goes on.
                sink.publish("error", EventJson.text(EventJson.event(id).put("message",
                        "could not send the " + type + " event: " + e.getMessage())));
            }
        });
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceFirst("\\.?0+(e|$)", "$1");
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }
}
