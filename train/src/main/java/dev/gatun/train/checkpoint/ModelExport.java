package dev.gatun.train.checkpoint;

import dev.gatun.io.SafetensorsWriter;
import dev.gatun.nn.Module;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * A trained model as others use it: {@code model.safetensors} (its {@link Module#state() state},
 * readable by the reference safetensors library) and {@code config.json} (what builds it), each
 * written atomically. {@link dev.gatun.io.SafetensorsReader#loadInto} reads the weights back.
 */
public final class ModelExport {
    /** The weights' file name. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** The config's file name. */
    public static final String CONFIG_FILE = "config.json";

    private ModelExport() {}

    /**
     * Writes the model and its config (a JSON object) into {@code dir}, creating it if needed.
     *
     * @param dir the directory
     * @param model the model whose state is written
     * @param config a JSON object describing the model
     * @throws IOException when a file cannot be written
     */
    public static void write(Path dir, Module model, JsonNode config) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        write(RunFolder.open(dir), model, config);
    }

    /**
     * Writes the model and its config (a JSON object) into a run folder.
     *
     * @param folder the run folder
     * @param model the model whose state is written
     * @param config a JSON object describing the model
     * @throws IOException when a file cannot be written
     */
    public static void write(RunFolder folder, Module model, JsonNode config) throws IOException {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("the model config must be a JSON object, got " + config);
        }
        byte[] json = Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
        folder.writeAtomically(WEIGHTS_FILE, out -> SafetensorsWriter.write(model.state(), null, out));
        folder.writeAtomically(CONFIG_FILE, json);
    }
}
