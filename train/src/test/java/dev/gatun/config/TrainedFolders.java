package dev.gatun.config;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A small classifier trained for one epoch by {@link ExperimentRunner}, with a batch norm, a
 * dropout, standardized inputs and early stopping: its run folder and its checkpoint are the
 * valid seeds of the trained-model and checkpoint fuzz tests.
 */
public final class TrainedFolders {
    private TrainedFolders() {}

    /** The run folder (config.json, model.json, model.safetensors) and its checkpoint of epoch 1. */
    public record Run(Path folder, Path checkpoint) {}

    /** Trains the classifier into a run folder under {@code runs}. */
    public static Run train(Path runs) throws IOException {
        String yaml = """
                name: tiny
                seed: 7
                data: {source: synthetic, kind: blobs, n: 48, centers: 3, validation: 0.25, preprocessing: [standardize]}
                model:
                  layers:
                    - {type: dense, units: 4}
                    - {type: batchnorm}
                    - {type: relu}
                    - {type: dropout, p: 0.25}
                    - {type: dense, units: 3}
                optimizer: {type: adam, lr: 0.01}
                early_stopping: {patience: 2, restore_best: true}
                training: {epochs: 1, batch: 16, checkpoint_every: 1}
                """;
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "tiny.yaml"), "tiny");
        ExperimentResult r = ExperimentRunner.run(config, runs,
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        Path folder = r.folder().path();
        return new Run(folder, folder.resolve("checkpoints").resolve("epoch-0001"));
    }
}
