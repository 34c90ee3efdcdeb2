package dev.gatun.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code model} section: the shape of one example ({@code input}, or null to take it from
 * the data set) and the layers in order, at most {@link #MAX_LAYERS} of them. A layer with
 * parameters may say {@code trainable: false}: it is frozen (no gradient, no optimizer state, no
 * penalty), as fine-tuning a pre-trained model does; {@code config.json} records the key only on
 * frozen layers. A layer without parameters (an activation, pooling, dropout) refuses it.
 *
 * <p>Layers may have a {@code name} and read named layers with {@code inputs} (see {@link
 * ModelGraph}); without them the layers form a stack.
 *
 * @param inputOrNull the shape of one example, or null when the data set gives it
 * @param layers the layers in order
 * @param frozenLayers the indices of the layers with {@code trainable: false}, ascending
 * @param names each layer's {@code name}, empty when it has none
 * @param inputs each layer's {@code inputs}, empty when it reads the layer before
 */
public record ModelConfig(int[] inputOrNull, List<LayerConfig> layers, List<Integer> frozenLayers, List<String> names,
                          List<List<String>> inputs) {
    /**
     * The most entries {@code model.layers} may list: far beyond any network a sequential config
     * describes, and a bound on the objects a config file can make the factory build.
     */
    public static final int MAX_LAYERS = 10_000;

    /**
     * Copies the arguments, so that later changes to them do not reach this config, and checks the
     * wiring ({@link ModelGraph#of}).
     */
    public ModelConfig {
        inputOrNull = inputOrNull == null ? null : inputOrNull.clone();
        layers = List.copyOf(layers);
        frozenLayers = List.copyOf(frozenLayers);
        names = List.copyOf(names);
        inputs = inputs.stream().map(List::copyOf).toList();
        if (names.size() != layers.size() || inputs.size() != layers.size()) {
            throw new IllegalArgumentException("model: " + layers.size() + " layers but " + names.size() + " names and "
                    + inputs.size() + " input lists");
        }
        ModelGraph.of(layers, names, inputs);
    }

    /**
     * A stack: each layer reads the one before.
     *
     * @param inputOrNull the shape of one example, or null when the data set gives it
     * @param layers the layers in order
     * @param frozenLayers the indices of the layers with {@code trainable: false}, ascending
     */
    public ModelConfig(int[] inputOrNull, List<LayerConfig> layers, List<Integer> frozenLayers) {
        this(inputOrNull, layers, frozenLayers, Collections.nCopies(layers.size(), ""),
                Collections.nCopies(layers.size(), List.of()));
    }

    /** {@return how the layers connect} */
    public ModelGraph graph() {
        return ModelGraph.of(layers, names, inputs);
    }

    /**
     * {@return whether layer {@code index} is trained, i.e. not frozen by {@code trainable: false}}
     *
     * @param index the layer's index in {@link #layers()}
     */
    public boolean trainable(int index) {
        return !frozenLayers.contains(index);
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
        List<Integer> frozen = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<List<String>> inputs = new ArrayList<>();
        for (ConfigNode node : nodes) {
            // Each layer on its own: a config's problems in several layers are reported together.
            LayerConfig layer = node.attempt(() -> LayerConfig.from(node), null);
            if (layer == null) {
                continue;
            }
            if (!node.flag(LayerConfig.TRAINABLE, true)) {
                if (!LayerConfig.hasParameters(layer)) {
                    throw node.error(LayerConfig.TRAINABLE, "a " + LayerConfig.typeName(layer)
                            + " layer has no parameters to freeze; set trainable: false on layers with weights");
                }
                frozen.add(layers.size());
            }
            layers.add(layer);
            names.add(node.has(LayerConfig.NAME) ? node.string(LayerConfig.NAME) : "");
            inputs.add(node.has(LayerConfig.INPUTS) ? node.strings(LayerConfig.INPUTS) : List.of());
        }
        if (!frozen.isEmpty() && layers.stream().filter(LayerConfig::hasParameters).count() == frozen.size()) {
            throw n.error("layers", "every layer with parameters has trainable: false, so nothing would train");
        }
        if (layers.size() < nodes.size()) {
            // A layer that could not be read shifts the indices the wiring refers to: report what was found so far.
            return new ModelConfig(input, layers, frozen);
        }
        return new ModelConfig(input, layers, frozen, names, inputs);
    }
}
