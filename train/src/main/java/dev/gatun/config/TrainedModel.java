package dev.gatun.config;

import dev.gatun.io.SafetensorsReader;
import dev.gatun.nn.Module;
import dev.gatun.predict.Predictor;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A trained network rebuilt from a folder holding {@code config.json}, {@code model.json} and
 * {@code model.safetensors} (a run folder or an export), or from a checkpoint of a config run
 * (whose {@code checkpoint.json} holds both the config and the card). The config builds the
 * network, the card gives its input shape, classes and preprocessing, and the weights are
 * validated (names, dtypes, shapes) before any is copied. The network's size is checked against
 * the memory budget and the weights file before it is built. {@link #predictor(Path)} loads one for
 * an application to use.
 *
 * @param config the config the network was built from
 * @param card the input shape, classes and preprocessing
 * @param module the network, with the trained weights
 */
public record TrainedModel(ExperimentConfig config, ModelCard card, Module module) {
    // PyTorch's batch norm counter, which a weights file may hold beside the network's own tensors.
    private static final String BATCH_COUNTER = "num_batches_tracked";

    /** The weights file in a trained-model folder. */
    public static final String WEIGHTS = "model.safetensors";
    /** The config file in a trained-model folder. */
    public static final String CONFIG = "config.json";

    /**
     * Loads the model in {@code dir}; its tensors live in the innermost open {@link Scope}.
     *
     * @param dir a run folder, an export or a checkpoint directory
     * @return the model
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
                throw new ModelCardException(configFile.toString(), "model_config", "not a checkpoint of a config run"
                        + " (it lacks '" + ExperimentRunner.CONFIG_KEY + "' and '" + ExperimentRunner.CARD_KEY + "')");
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
        checkSizes(config, card, configFile, dir.resolve(ModelCard.FILE), weights);
        Module module = ModelFactory.module(config.model(), card.input(), config.seed());
        try {
            SafetensorsReader.loadInto(module, weights);
        } catch (IllegalArgumentException e) {
            throw new ModelCardException(weights.toString(), "", "does not fit the network of " + configFile + ": "
                    + e.getMessage(), e);
        }
        module.train(false);
        return new TrainedModel(config, card, module);
    }

    /**
     * Refuses a network over the memory budget ({@link ModelMemory#requireInference}), and one whose
     * size differs from the weights file's, before anything is built: sizes come from files that
     * may have been edited, and a wrong input size would otherwise build a network of any size
     * first and find the mismatch only when loading the weights into it.
     */
    private static void checkSizes(ExperimentConfig config, ModelCard card, Path configFile, Path cardFile,
                                   Path weights) throws IOException {
        String input = "the input " + Shape.str(card.input()) + " of "
                + (Files.isRegularFile(cardFile) ? cardFile : configFile);
        ModelMemory memory;
        try {
            memory = ModelMemory.requireInference(config, card.input(), configFile + " with " + input);
        } catch (ConfigException e) {
            throw new ConfigException(e.path(), e.problem() + " (for " + input + ")", e).in(configFile.toString());
        }
        long inFile = 0;
        for (Map.Entry<String, int[]> e : SafetensorsReader.shapes(weights).entrySet()) {
            if (!e.getKey().endsWith(BATCH_COUNTER)) {
                inFile = Math.addExact(inFile, Shape.checkedSize(e.getValue()));
            }
        }
        long values = memory.parameters() + memory.buffers();
        if (inFile != values) {
            throw new ModelCardException(weights.toString(), "", "holds " + inFile + " values but the network of "
                    + configFile + " for " + input + " has " + values + ": the files do not belong together");
        }
    }

    /**
     * The model in {@code dir} (as {@link #load}) as a {@link Predictor}, which owns its memory and
     * applies the saved preprocessing to the raw rows it is given: close it when done.
     *
     * @param dir a run folder, an export or a checkpoint directory
     * @return the predictor; close it when done
     * @throws IOException naming the missing or malformed file
     */
    public static Predictor predictor(Path dir) throws IOException {
        return Predictor.load(dir.toString(), () -> load(dir).network());
    }

    /**
     * The network with its input shape, preprocessing and class names, as a {@link Predictor} takes it.
     *
     * @return the network as a predictor takes it
     */
    public Predictor.Network network() {
        return new Predictor.Network(module, card.input(), card.preprocessing().featureTransform(), card.classNames());
    }
}
