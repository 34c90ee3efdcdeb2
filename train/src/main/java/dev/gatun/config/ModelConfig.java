package dev.gatun.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code model} section: the shape of one example ({@code input}, or null to take it from
 * the data set) and the layers in order, at most {@link #MAX_LAYERS} of them.
 *
 * @param inputOrNull the shape of one example, or null when the data set gives it
 * @param layers the layers in order
 */
public record ModelConfig(int[] inputOrNull, List<LayerConfig> layers) {
    /**
     * The most entries {@code model.layers} may list: far beyond any network a sequential config
     * describes, and a bound on the objects a config file can make the factory build.
     */
    public static final int MAX_LAYERS = 10_000;

    /** Copies {@code inputOrNull} and {@code layers}, so that later changes to them do not reach this config. */
    public ModelConfig {
        inputOrNull = inputOrNull == null ? null : inputOrNull.clone();
        layers = List.copyOf(layers);
    }

    /** {@return the shape of one example (a copy), or null when the data set gives it} */
    @Override
    public int[] inputOrNull() {
        return inputOrNull == null ? null : inputOrNull.clone();
    }

    static ModelConfig from(ConfigNode n) {
        n.allowKeys("input", "layers");
        int[] input = n.intList("input");
        if (input != null) {
            for (int i = 0; i < input.length; i++) {
                if (input[i] <= 0) {
                    throw new ConfigException(n.pathOf("input") + "[" + i + "]", "must be > 0");
                }
            }
        }
        List<ConfigNode> nodes = n.objects("layers");
        if (nodes.isEmpty()) {
            throw n.error("layers", "must list at least one layer");
        }
        if (nodes.size() > MAX_LAYERS) {
            throw n.error("layers", "must list at most " + MAX_LAYERS + " layers, got " + nodes.size());
        }
        List<LayerConfig> layers = new ArrayList<>();
        for (ConfigNode layer : nodes) {
            layers.add(LayerConfig.from(layer));
        }
        return new ModelConfig(input, layers);
    }
}
