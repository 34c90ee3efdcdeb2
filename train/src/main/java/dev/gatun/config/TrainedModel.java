package dev.gatun.config;

import dev.gatun.io.SafetensorsReader;
import dev.gatun.nn.Module;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * A trained network rebuilt from a folder holding {@code config.json}, {@code model.json} and
 * {@code model.safetensors} (a run folder or an export), or from a checkpoint of a config run
 * (whose {@code checkpoint.json} holds both the config and the card). The config builds the
 * network, the card gives its input shape, classes and preprocessing, and the weights are
 * validated (names, dtypes, shapes) before any is copied. {@link #predictor(Path)} loads one for
 * an application to use.
 */
public record TrainedModel(ExperimentConfig config, ModelCard card, Module module) {
    /** The weights file in a trained-model folder. */
    public static final String WEIGHTS = "model.safetensors";
    /** The config file in a trained-model folder. */
    public static final String CONFIG = "config.json";

    /**
     * Loads the model in {@code dir}; its tensors live in the innermost open {@link Scope}.
     *
     * @throws IOException naming the missing or malformed file
     */
    public static TrainedModel load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        Path weights = dir.resolve(WEIGHTS);
        Path configFile = dir.resolve(CONFIG);
        ModelCard card;
        String cardSource;
        ExperimentConfig config;
        if (Files.isRegularFile(dir.resolve(Checkpoint.JSON_FILE))) {
            configFile = dir.resolve(Checkpoint.JSON_FILE);
            JsonNode saved = Checkpoint.readModelConfig(dir);
            if (!saved.path(ExperimentRunner.CONFIG_KEY).isObject() || !saved.path(ExperimentRunner.CARD_KEY).isObject()) {
                throw new IllegalArgumentException(configFile + ": not a checkpoint of a config run (its model_config"
                        + " lacks '" + ExperimentRunner.CONFIG_KEY + "' and '" + ExperimentRunner.CARD_KEY + "')");
            }
            cardSource = configFile + ": model_config." + ExperimentRunner.CARD_KEY;
            card = ModelCard.fromJson(saved.get(ExperimentRunner.CARD_KEY), cardSource);
            config = ConfigLoader.experiment(saved.get(ExperimentRunner.CONFIG_KEY), dir.getFileName().toString(),
                    configFile + ": model_config." + ExperimentRunner.CONFIG_KEY);
        } else {
            for (Path p : new Path[] {configFile, dir.resolve(ModelCard.FILE)}) {
                if (!Files.isRegularFile(p)) {
                    throw new NoSuchFileException(p.toString(), null, "missing: a trained-model folder holds " + CONFIG
                            + ", " + ModelCard.FILE + " and " + WEIGHTS + " (or is a checkpoint)");
                }
            }
            card = ModelCard.read(dir);
            cardSource = dir.resolve(ModelCard.FILE).toString();
            config = ConfigLoader.experiment(ConfigLoader.read(configFile), dir.getFileName().toString(),
                    configFile.toString());
        }
        if (!Files.isRegularFile(weights)) {
            throw new NoSuchFileException(weights.toString(), null, "missing: the trained weights");
        }
        card.checkFits(config, cardSource);
        Module module = ModelFactory.module(config.model(), card.input(), config.seed());
        try {
            SafetensorsReader.loadInto(module, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(weights + " does not fit the network of " + configFile + ": "
                    + e.getMessage(), e);
        }
        module.train(false);
        return new TrainedModel(config, card, module);
    }

    /**
     * The model in {@code dir} (as {@link #load}) as a {@link Predictor}, which owns its memory and
     * applies the saved preprocessing to the raw rows it is given: close it when done.
     *
     * @throws IOException naming the missing or malformed file
     */
    public static Predictor predictor(Path dir) throws IOException {
        return Predictor.load(dir.toString(), () -> load(dir).network());
    }

    /** The network with its input shape, preprocessing and class names, as a {@link Predictor} takes it. */
    public Predictor.Network network() {
        return new Predictor.Network(module, card.input(), card.preprocessing().featureTransform(), card.classNames());
    }
}
