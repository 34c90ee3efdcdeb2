package dev.gatun.samples;

import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ModelCard;
import dev.gatun.nn.Module;
import dev.gatun.data.DataLoader;
import dev.gatun.tracking.RunRecorder;
import dev.gatun.tracking.RunState;
import dev.gatun.report.ConfusionMatrixFile;
import dev.gatun.report.HistogramRecorder;
import dev.gatun.report.RunReport;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Trainer;
import dev.gatun.train.checkpoint.Checkpoint;
import dev.gatun.train.checkpoint.CheckpointCallback;
import dev.gatun.train.checkpoint.ModelExport;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A sample's run on disk: its run folder and metrics log, checkpoints every
 * {@code --checkpoint-every} epochs, continuing from {@code --resume}, and at the end the test
 * results in {@code metrics.json}'s {@code "final"} plus the exported model
 * ({@code model.safetensors} and {@code config.json}, and {@code model.json} where a config
 * builds the network).
 *
 * <p>A resumed run continues in the run folder the checkpoint belongs to, so one folder holds
 * the whole run's curves and checkpoints. The options that shape training (sample, batch, lr,
 * seed, limit, validation) must be those the run started with; {@code --epochs} may grow.
 */
final class SampleRun {
    // Checkpoints kept by --checkpoint-every: enough to survive a crash during a save.
    private static final int KEEP_LAST = 2;
    private static final int HISTOGRAM_BINS = 30;

    private final SampleOptions options;
    private final RunFolder folder;
    private final MetricsLog log;
    private final ObjectNode config;
    private final Path checkpoint;
    private final RunRecorder recorder;

    private SampleRun(SampleOptions options, RunFolder folder, MetricsLog log, ObjectNode config, Path checkpoint,
            RunRecorder recorder) {
        this.options = options;
        this.folder = folder;
        this.log = log;
        this.config = config;
        this.checkpoint = checkpoint;
        this.recorder = recorder;
    }

    /**
     * A new run folder under {@code --out} named after the sample, or, with {@code --resume}, the
     * folder of the checkpoint to continue. {@code facts} go to the metrics' {@code "run"} object.
     */
    static SampleRun open(SampleOptions o, String sample, Map<String, String> facts) throws IOException {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("sample", sample);
        config.put("batch", o.batch());
        config.put("lr", o.lr());
        config.put("seed", o.seed());
        config.put("limit", o.limit());
        config.put("validation", o.validation());
        Path checkpoint = o.resume() == null ? null : locate(o.resume());
        RunFolder folder = checkpoint == null ? RunFolder.create(o.out(), sample)
                : RunFolder.open(Checkpoint.runFolderOf(checkpoint));
        // Tracked like a config's run, in the store of the folder's runs directory (or GATUN_TRACKING's).
        RunRecorder recorder = RunRecorder.start(folder.path(), sample, config, System.err);
        return new SampleRun(o, folder, new MetricsLog(folder, facts), config, checkpoint, recorder);
    }

    /** The checkpoint directory {@code --resume} names: itself, or the newest in a run folder. */
    private static Path locate(Path dir) throws IOException {
        try {
            return Checkpoint.locate(dir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resume: " + e.getMessage(), e);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("--resume: " + e.getMessage());
        }
    }

    /**
     * Adds the checkpoint callback (as the trainer's last) and, when resuming, loads the
     * checkpoint into the trainer's model and resumes the trainer; optimizer state goes to
     * {@code scope}.
     */
    void attach(Trainer trainer, Scope scope, PrintStream out) throws IOException {
        trainer.addCallback(new HistogramRecorder(folder, HISTOGRAM_BINS));
        trainer.addCallback(recorder);
        if (options.checkpointEvery() > 0) {
            trainer.addCallback(new CheckpointCallback(folder.path(), config, Map.of("seed", options.seed()),
                    options.checkpointEvery(), KEEP_LAST));
        }
        if (checkpoint != null) {
            Checkpoint cp = Checkpoint.load(checkpoint, trainer.model(), scope);
            requireSameConfig(cp.modelConfig());
            trainer.resume(cp);
            out.printf("resumed from %s after epoch %d%n", cp.directory(), cp.epoch());
        }
    }

    /** Trains, recording a failure in the tracking store before it propagates. */
    void fit(Trainer trainer, DataLoader train, DataLoader validation, int epochs) {
        try {
            trainer.fit(train, validation, epochs, log);
        } catch (RuntimeException | Error e) {
            recorder.failed(e);
            throw e;
        }
    }

    private void requireSameConfig(JsonNode saved) {
        List<String> differences = new ArrayList<>();
        for (String key : config.propertyNames()) {
            JsonNode mine = config.get(key);
            JsonNode theirs = saved.get(key);
            // Compared as JSON text: the seed is written as a long but reads back as an int node.
            if (theirs == null || !theirs.toString().equals(mine.toString())) {
                differences.add(key + " " + theirs + " in the checkpoint but " + mine + " now");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--resume: the options differ from the run's: "
                    + String.join("; ", differences));
        }
    }

    /**
     * Records the end results in {@code metrics.json}, exports the model and writes the run's
     * plots and {@code report.html}.
     */
    void finish(Module model, Map<String, Double> results) throws IOException {
        finish(model, results, config, null);
    }

    /**
     * {@link #finish(Module, Map)} for a network a config can build: {@code config.json} is then
     * that config and {@code model.json} the card, so that {@link dev.gatun.config.TrainedModel}
     * ({@code gatun eval}, {@code gatun predict}, a predictor) loads the run folder.
     */
    void finish(Module model, Map<String, Double> results, ExperimentConfig trained, ModelCard card)
            throws IOException {
        finish(model, results, trained.normalized(), card);
    }

    private void finish(Module model, Map<String, Double> results, JsonNode exported, ModelCard cardOrNull)
            throws IOException {
        log.setFinal(results);
        ModelExport.write(folder, model, exported);
        if (cardOrNull != null) {
            cardOrNull.write(folder);
        }
        RunReport.write(folder.path());
        recorder.end(RunState.FINISHED, results, null);
    }

    /** Writes the test set's confusion matrix ({@code confusion.json}) for the report. */
    void confusion(ConfusionMatrix matrix, List<String> classNames) throws IOException {
        ConfusionMatrixFile.write(folder, matrix, classNames);
    }

    RunFolder folder() {
        return folder;
    }

    MetricsLog log() {
        return log;
    }
}
