package dev.gatun.train;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Prefetcher;
import dev.gatun.nn.Module;
import dev.gatun.ops.Autocast;
import dev.gatun.optim.LossScaler;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.callbacks.BatchContext;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.EpochContext;
import dev.gatun.train.checkpoint.Checkpoint;
import dev.gatun.train.console.ProgressBar;
import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.IoReason;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import dev.gatun.train.parallel.DataParallel;
import dev.gatun.train.parallel.ShardPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training loop: per batch forward, loss, backward and optimizer step, each in its own
 * {@link Scope} so every intermediate is freed before the next batch; after each epoch, loss
 * (and, for int32 class labels, accuracy) on the validation set in no-grad mode. For regression
 * targets accuracy is NaN and is not printed.
 *
 * <p>A run can be continued from a {@link Checkpoint}: {@link #resume} restores the optimizer,
 * dropout counters, callbacks' state and the metrics history, and the next {@code fit} goes on
 * with the epoch after the checkpoint's. On the CPU the continued run is bit-identical to one
 * that was never interrupted.
 *
 * <p>{@link Callback}s run in the order they were added: after every optimizer step and after
 * every epoch (once the epoch is printed and logged). They may change the learning rate, replace
 * the optimizer (the following batches step the new one) or {@link #requestStop() stop} training.
 *
 * <p>With {@link #setDataParallel} the trainer is one rank of a data-parallel run: see
 * {@link DataParallel} for what changes. Batch callbacks then see this rank's own batch loss;
 * epoch metrics are over every rank's examples, so epoch callbacks act alike on every rank.
 *
 * <p>With {@link #setPrecision} at bf16 or fp16 the training steps' forward pass and loss run
 * under {@link Autocast}, and a {@link LossScaler} (fp16's default) scales the loss, skips steps
 * whose gradients overflow and is saved in checkpoints. Evaluation runs in float32 on the float32
 * master weights, as predictions and exports do, so every metric of a run describes one model.
 */
public final class Trainer {
    private final Module model;
    private final Loss loss;
    private final PrintStream out;
    private final boolean interactive;
    private final List<Callback> callbacks = new ArrayList<>();
    // Callbacks may replace the optimizer between batches or epochs.
    private Optimizer optimizer;
    private boolean stopRequested;
    private final List<EpochMetrics> history = new ArrayList<>();
    // Set by resume(), consumed by the next fit().
    private Checkpoint resumeFrom;
    // Null for a single process.
    private DataParallel parallel;
    private Precision precision = Precision.FP32;
    // Null unless the loss is scaled.
    private LossScaler scaler;
    // Steps as device graphs: requested, and the capture of the current optimizer's steps (null until the first).
    private boolean cudaGraphs;
    private StepCapture graphs;
    private boolean dataParallelGraphsRefused;

    /**
     * A trainer printing to {@code out}; {@code interactive} redraws a progress bar in place
     * (use {@link ProgressBar#isTerminal()}), otherwise each epoch writes one plain line.
     *
     * @param model the model to train
     * @param optimizer the optimizer stepping the model's parameters
     * @param loss the loss of one batch, output against target
     * @param out where progress is printed
     * @param interactive whether to redraw a progress bar in place
     */
    public Trainer(Module model, Optimizer optimizer, Loss loss, PrintStream out, boolean interactive) {
        // The chosen backend's device is where training runs: a model built on the host moves
        // there before its optimizer has made any state, so nothing else changes for a GPU run.
        // A model the caller already placed on a device stays there; batches follow the model.
        Device target = BackendRegistry.device();
        if (model.device().isHost() && !target.isHost()) {
            model.to(target);
        }
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.out = out;
        this.interactive = interactive;
    }

    /** {@return the model being trained} */
    public Module model() {
        return model;
    }

    /** {@return the optimizer the next batch will step} */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Replaces the optimizer from the next batch on. The new one starts with its own (empty)
     * state; it should update the model's parameters.
     *
     * @param optimizer the new optimizer
     */
    public void setOptimizer(Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        this.optimizer = optimizer;
    }

    /**
     * Adds a callback, run after those added before it; returns this trainer.
     *
     * @param callback the callback to add
     * @return this trainer
     */
    public Trainer addCallback(Callback callback) {
        if (callback == null) {
            throw new IllegalArgumentException("callback must not be null");
        }
        callbacks.add(callback);
        return this;
    }

    /**
     * Makes this trainer one rank of a data-parallel run from the next {@link #fit} on: the loaders
     * it is given then have the global batch as their batch size.
     *
     * @param parallel the ranks and how they combine gradients and metrics
     */
    public void setDataParallel(DataParallel parallel) {
        if (parallel == null) {
            throw new IllegalArgumentException("parallel must not be null");
        }
        this.parallel = parallel;
    }

    /**
     * Sets the arithmetic of the following training steps: bf16 and fp16 run the forward pass and
     * the loss under {@link Autocast}; with a scaler the loss is scaled and steps with
     * inf/NaN gradients are skipped, and the scaler's state is saved in checkpoints (as the
     * callback {@code loss_scaler}). tf32 is the backend's choice and changes nothing here.
     *
     * @param precision the precision
     * @param scalerOrNull the loss scaler, or null for none
     */
    public void setPrecision(Precision precision, LossScaler scalerOrNull) {
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null; choose one of " + Precision.choices());
        }
        callbacks.removeIf(c -> c instanceof LossScalerState);
        this.precision = precision;
        this.scaler = scalerOrNull;
        if (scalerOrNull != null) {
            callbacks.add(new LossScalerState(scalerOrNull));
        }
    }

    /** {@return the precision of the steps: fp32 unless {@link #setPrecision} chose another} */
    public Precision precision() {
        return precision;
    }

    /** {@return the loss scaler, or null when the loss is not scaled} */
    public LossScaler lossScaler() {
        return scaler;
    }

    /**
     * Captures training steps as CUDA graphs and replays them (see {@link StepCapture}), or stops
     * doing so; off by default. Steps fall back to eager mode, saying why once, where graphs cannot
     * be used; a data-parallel run always steps eagerly.
     *
     * @param on whether to use graphs
     * @return this trainer
     */
    public Trainer useCudaGraphs(boolean on) {
        cudaGraphs = on;
        if (!on) {
            closeGraphs();
        }
        return this;
    }

    /** {@return where progress and messages go, e.g. a callback's notes about the run folder} */
    public PrintStream out() {
        return out;
    }

    /** {@return the callbacks in the order they run, as an unmodifiable copy} */
    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    /**
     * Continues the run saved in {@code checkpoint} (already {@link Checkpoint#load loaded} into
     * this trainer's model): restores the optimizer's state and learning rate, every dropout's
     * mask counter and the metrics history now, and the callbacks' state when the next
     * {@link #fit} starts (after their {@code onFitStart}). That fit runs the epochs after the
     * checkpoint's, up to its {@code epochs}. Everything is checked before anything changes.
     *
     * @param checkpoint a checkpoint loaded into this trainer's model
     */
    public void resume(Checkpoint checkpoint) {
        checkpoint.restore(this);
        history.clear();
        history.addAll(checkpoint.history());
        resumeFrom = checkpoint;
    }

    /**
     * Every epoch of the current run so far, including those before a {@link #resume}; what a
     * checkpoint saves as its history.
     *
     * @return one entry per epoch
     */
    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }

    /**
     * {@return the last epoch completed (0 before the first), counting those before a {@link #resume}}
     */
    public int completedEpochs() {
        return history.isEmpty() ? 0 : history.getLast().epoch();
    }

    /** Makes {@link #fit} return after the current epoch's callbacks (early stopping calls this). */
    public void requestStop() {
        stopRequested = true;
    }

    /** {@return whether a callback asked to stop during the current or last {@link #fit}} */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Trains until epoch {@code epochs}, or fewer if a callback stops it; logs each epoch to
     * {@code logOrNull} as it ends. A fresh run starts at epoch 1; after {@link #resume} it starts
     * after the checkpoint's epoch, and an empty log first gets the checkpoint's history. Without
     * a validation loader ({@code null}) the validation metrics are NaN. Returns one entry per
     * epoch run by this call.
     *
     * @param train the training batches
     * @param validation the validation batches, or null
     * @param epochs the last epoch to train
     * @param logOrNull the metrics log, or null
     * @return one entry per epoch run by this call
     */
    public List<EpochMetrics> fit(DataLoader train, DataLoader validation, int epochs, MetricsLog logOrNull) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        Checkpoint resumed = resumeFrom;
        resumeFrom = null;
        if (resumed == null) {
            history.clear();
        } else if (logOrNull != null && logOrNull.epochs().isEmpty()) {
            logOrNull.restore(history);
        }
        if (logOrNull != null) {
            try {
                // A folder that cannot take the log should fail the run now, not after an epoch.
                RunFolder.probeWrite(logOrNull.folder().path());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write in " + logOrNull.folder() + ": " + IoReason.of(e)
                        + "; nothing was trained", e);
            }
        }
        List<EpochMetrics> ran = new ArrayList<>();
        stopRequested = false;
        for (Callback c : callbacks) {
            c.onFitStart(this);
        }
        if (resumed != null) {
            resumed.restoreCallbacks(this);
        }
        if (parallel != null) {
            parallel.prepare(model, optimizer);
        }
        try {
            fitEpochs(train, validation, epochs, logOrNull, ran);
        } finally {
            closeGraphs();
        }
        return ran;
    }

    private void fitEpochs(DataLoader train, DataLoader validation, int epochs, MetricsLog logOrNull,
                           List<EpochMetrics> ran) {
        for (int epoch = completedEpochs() + 1; epoch <= epochs && !stopRequested; epoch++) {
            long start = System.nanoTime();
            Evaluation trained = trainEpoch(train, epoch, epochs);
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation validated = validation == null ? new Evaluation(Double.NaN, Double.NaN, 0) : evaluate(validation);
            EpochMetrics m = new EpochMetrics(epoch, trained.loss(), trained.accuracy(), validated.loss(),
                    validated.accuracy(), optimizer.learningRate(), seconds, trained.samples() / seconds);
            ran.add(m);
            history.add(m);
            out.printf(Locale.ROOT, "epoch %d/%d: %s%s | %.1f s, %.0f samples/s%n", epoch, epochs,
                    lossAndAccuracy("train", m.trainLoss(), m.trainAccuracy()),
                    validation == null ? "" : " | " + lossAndAccuracy("val", m.valLoss(), m.valAccuracy()),
                    seconds, m.samplesPerSecond());
            if (logOrNull != null) {
                try {
                    logOrNull.add(m);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not write metrics to " + logOrNull.folder() + ": "
                            + IoReason.of(e), e);
                }
            }
            EpochContext context = new EpochContext(this, epochs, m);
            for (Callback c : callbacks) {
                c.onEpochEnd(context);
            }
        }
    }

    /** "train loss 0.1234 acc 0.9876", or a loss with more digits and no accuracy for regression. */
    private static String lossAndAccuracy(String part, double loss, double accuracy) {
        return Double.isNaN(accuracy) ? String.format(Locale.ROOT, "%s loss %.6f", part, loss)
                : String.format(Locale.ROOT, "%s loss %.4f acc %.4f", part, loss, accuracy);
    }

    /**
     * One pass over the training data; returns the running mean loss and accuracy.
     *
     * @param train the training batches
     * @param epoch the epoch, 1-based
     * @param epochs the epochs of the run, for the progress display
     * @return the running mean loss and accuracy
     */
    public Evaluation trainEpoch(DataLoader train, int epoch, int epochs) {
        model.train(true);
        int[] order = train.order(epoch);
        ShardPlan plan = parallel == null ? null : parallel.trainingPlan(train);
        int batches = plan == null ? train.batchCount() : plan.batchCount();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        // Off a terminal (a log, a pipe) the epoch's own line is its only one: no bar to redraw.
        // The loader may prepare the next batches on its own thread; each batch is freed after its step.
        try (ProgressBar bar = interactive ? new ProgressBar("epoch " + epoch + "/" + epochs, train.samplesPerEpoch(),
                out, true) : null; Prefetcher prepared = plan == null ? train.batches(epoch, order) : null) {
            for (int b = 0; b < batches; b++) {
                try (Prefetcher.Loaded loaded = prepared == null ? null : prepared.next();
                        Scope scope = Scope.open("train step")) {
                    DataLoader.Batch batch = loaded != null ? loaded.batch() : parallel.share(train, plan, epoch, order, b);
                    Step step = batch == null ? emptyShare() : step(batch);
                    if (!Double.isFinite(step.loss())) {
                        throw new IllegalStateException("loss became " + step.loss() + " at epoch " + epoch + ", batch "
                                + b + "; lower the learning rate (now " + optimizer.learningRate() + ")");
                    }
                    lossSum += step.loss() * step.size();
                    correct += step.correct();
                    seen += step.size();
                    if (bar != null) {
                        bar.step(step.size(), String.format(Locale.ROOT, "loss %.4f", lossSum / Math.max(seen, 1)));
                    }
                    if (!callbacks.isEmpty()) {
                        BatchContext context = new BatchContext(this, epoch, b, batches, step.loss());
                        for (Callback c : callbacks) {
                            c.onBatchEnd(context);
                        }
                    }
                }
            }
        }
        return evaluation(train, lossSum, correct, seen);
    }

    /** Loss and accuracy from this rank's sums, or from every rank's in a data-parallel run. */
    private Evaluation evaluation(DataLoader data, double lossSum, long correct, int seen) {
        if (parallel == null) {
            return new Evaluation(lossSum / Math.max(seen, 1), accuracy(data, correct, seen), seen);
        }
        double[] sums = {lossSum, correct, seen};
        parallel.sum(sums);
        long allCorrect = (long) sums[1];
        int allSeen = (int) sums[2];
        return new Evaluation(sums[0] / Math.max(allSeen, 1), accuracy(data, allCorrect, allSeen), allSeen);
    }

    /** A data-parallel step in which this rank has no examples: it still takes part in combining gradients. */
    private Step emptyShare() {
        optimizer.zeroGrad();
        parallel.syncGradients(optimizer.parameters(), 0);
        stepOptimizer();
        return new Step(0, 0, 0);
    }

    /**
     * What one optimizer step did.
     *
     * @param loss the batch's loss before the step
     * @param correct the batch's correct predictions (0 for regression targets)
     * @param size the batch's examples
     */
    public record Step(double loss, long correct, int size) {}

    /**
     * One optimizer step on {@code batch}, as every batch of {@link #trainEpoch} takes it: forward,
     * loss, backward, step. Intermediates go to the current scope; callbacks are not run. For
     * drivers that step batch by batch, such as Studio's playground.
     *
     * @param batch the batch, on any device (it moves to the model's)
     * @return the batch's loss, correct predictions and size
     */
    public Step step(DataLoader.Batch batch) {
        model.train(true);
        Tensor[] lossAndOutput;
        if (cudaGraphs && parallel == null) {
            if (graphs == null || graphs.optimizer() != optimizer) {
                closeGraphs();
                graphs = new StepCapture(model.device(), optimizer, StepCapture.DEFAULT_WARMUP_STEPS, out::println);
            }
            lossAndOutput = graphs.step(new Tensor[] {batch.features(), batch.labels()},
                    in -> forwardBackwardStep(in[0], in[1], batch.size()));
        } else {
            if (cudaGraphs && !dataParallelGraphsRefused) {
                dataParallelGraphsRefused = true;
                out.println("cuda graphs off, training steps run eagerly: data-parallel steps combine gradients"
                        + " across processes between backward and the optimizer step");
            }
            lossAndOutput = forwardBackwardStep(batch.features().to(model.device()), batch.labels().to(model.device()),
                    batch.size());
        }
        return new Step(lossAndOutput[0].item(), countCorrect(lossAndOutput[1], batch.labels()), batch.size());
    }

    /** Forward, loss, backward and the optimizer step on device tensors; returns the loss and the output. */
    private Tensor[] forwardBackwardStep(Tensor features, Tensor labels, int size) {
        Tensor output;
        Tensor l;
        try (Autocast ignored = autocast()) {
            output = model.forward(features);
            l = loss.apply(output, labels);
        }
        optimizer.zeroGrad();
        (scaler == null ? l : scaler.scaleLoss(l)).backward();
        if (parallel != null) {
            parallel.syncGradients(optimizer.parameters(), size);
        }
        stepOptimizer();
        return new Tensor[] {l, output};
    }

    private void closeGraphs() {
        if (graphs != null) {
            graphs.close();
            graphs = null;
        }
    }

    /** The autocast scope of a bf16/fp16 forward pass, or null (nothing to close) in float32. */
    private Autocast autocast() {
        return precision.isHalf() ? Autocast.enable(precision) : null;
    }

    /** Steps the optimizer, through the loss scaler when there is one (which may skip the step). */
    private void stepOptimizer() {
        if (scaler == null) {
            optimizer.step();
        } else {
            scaler.step(optimizer);
        }
    }

    /**
     * Adds an epoch trained step by step (with {@link #step}) to the {@link #history()}, as
     * {@link #fit} adds its own; callbacks are not run.
     *
     * @param metrics the epoch's metrics; its epoch must be {@link #completedEpochs()} + 1
     * @throws IllegalArgumentException for any other epoch number
     */
    public void recordEpoch(EpochMetrics metrics) {
        if (metrics.epoch() != completedEpochs() + 1) {
            throw new IllegalArgumentException("epoch " + metrics.epoch() + " does not follow epoch " + completedEpochs());
        }
        history.add(metrics);
    }

    /**
     * Forgets the history, for a run that starts again from new weights.
     */
    public void clearHistory() {
        history.clear();
    }

    /**
     * Mean loss and accuracy over a data set, without recording gradients.
     *
     * @param data the data set's batches
     * @return the mean loss and accuracy
     */
    public Evaluation evaluate(DataLoader data) {
        return evaluate(data, null);
    }

    /**
     * {@link #evaluate} and {@link Predictions#of} in one pass over the data: a test set's loss,
     * accuracy and outputs (for a confusion matrix) at the cost of one forward pass, not two.
     * Under data parallelism, where each rank evaluates its shard, the predictions take a second
     * pass over the whole set.
     *
     * @param data the data set's batches
     * @return the mean loss and accuracy, and the model's outputs with the labels or targets
     */
    public EvaluationWithPredictions evaluateWithPredictions(DataLoader data) {
        if (parallel != null) {
            Evaluation evaluation = evaluate(data);
            return new EvaluationWithPredictions(evaluation, Predictions.of(model, data));
        }
        Predictions.Collector collector = new Predictions.Collector(data);
        Evaluation evaluation = evaluate(data, collector);
        return new EvaluationWithPredictions(evaluation, collector.finish());
    }

    /** The evaluation loop; the outputs also go to {@code collector} unless it is null. */
    private Evaluation evaluate(DataLoader data, Predictions.Collector collector) {
        model.train(false);
        int[] order = data.order(0);
        ShardPlan plan = null;
        if (parallel != null) {
            parallel.broadcastBuffers(model);
            plan = parallel.plan(data);
        }
        int batches = plan == null ? data.batchCount() : plan.batchCount();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        try (Autograd.NoGrad ignored = Autograd.noGrad();
                Prefetcher prepared = plan == null ? data.batches(0, order) : null) {
            for (int b = 0; b < batches; b++) {
                try (Prefetcher.Loaded loaded = prepared == null ? null : prepared.next();
                        Scope step = Scope.open("eval step")) {
                    DataLoader.Batch batch = loaded != null ? loaded.batch() : parallel.share(data, plan, 0, order, b);
                    if (batch == null) {
                        continue;
                    }
                    Tensor output = model.forward(batch.features().to(model.device()));
                    lossSum += loss.apply(output, batch.labels().to(model.device())).item() * batch.size();
                    correct += countCorrect(output, batch.labels());
                    seen += batch.size();
                    if (collector != null) {
                        collector.add(output, batch);
                    }
                }
            }
        } finally {
            model.train(true);
        }
        return evaluation(data, lossSum, correct, seen);
    }

    /** Accuracy for class labels; NaN for regression targets, which have none. */
    private static double accuracy(DataLoader data, long correct, int seen) {
        return data.dataset().targetDType() == DType.INT32 ? (double) correct / Math.max(seen, 1) : Double.NaN;
    }

    /** Correct predictions of a classification batch; 0 for regression targets. */
    private static long countCorrect(Tensor logits, Tensor labels) {
        if (labels.dtype() != DType.INT32) {
            return 0;
        }
        int[] predicted = logits.argmax().toIntArray();
        int[] truth = labels.toIntArray();
        long c = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                c++;
            }
        }
        return c;
    }
}
