package dev.gatun.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code init} section: start a run from a trained model's weights instead of the seed's.
 * <pre>
 * init:
 *   from: pretrained/fashion-mlp   # a run folder, an export or a checkpoint (what gatun eval reads)
 *   fresh: [last]                  # layers that start from the seed's weights (last: the last with weights)
 * </pre>
 * Weights are matched by parameter name, layer by layer; every layer with parameters that is not
 * fresh must find its tensors in {@code from} with the same shapes, or the run is refused before
 * it starts ({@link PretrainedStart}). The data is preprocessed with {@code from}'s fitted
 * statistics, so the config's {@code data.preprocessing} must list the same steps.
 *
 * @param from the trained model's folder (relative paths are to the working directory)
 * @param fresh the indices of the layers that start fresh, ascending
 */
public record InitConfig(Path from, List<Integer> fresh) {
    /** The section's keys. */
    static final String[] KEYS = {"from", "fresh"};

    /** Copies the list of fresh layers. */
    public InitConfig {
        fresh = List.copyOf(fresh);
    }

    /**
     * Reads an {@code init} section for a model of the given layers.
     *
     * @param n the section
     * @param model the {@code model} section, whose layers {@code fresh} indexes
     * @return the section
     * @throws ConfigException naming {@code init.from} or {@code init.fresh[i]}
     */
    static InitConfig from(ConfigNode n, ModelConfig model) {
        n.allowKeys(KEYS);
        String from = n.string("from");
        List<LayerConfig> layers = model.layers();
        int last = layers.size() - 1;
        while (last > 0 && !LayerConfig.hasParameters(layers.get(last))) {
            last--;
        }
        List<Integer> fresh = n.layerIndices("fresh", layers.size(), last);
        for (int i : fresh) {
            if (!LayerConfig.hasParameters(layers.get(i))) {
                throw n.error("fresh", "model.layers[" + i + "] (" + LayerConfig.typeName(layers.get(i))
                        + ") has no weights to start fresh");
            }
        }
        return new InitConfig(Path.of(from), fresh);
    }

    /**
     * {@return whether layer {@code index} starts from the seed's weights rather than {@link #from()}'s}
     *
     * @param index the layer's index in {@code model.layers}
     */
    public boolean isFresh(int index) {
        return fresh.contains(index);
    }
}
