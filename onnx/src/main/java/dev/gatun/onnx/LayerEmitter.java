package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;

/**
 * Writes the ONNX nodes of one layer type. {@link OnnxExporter} keeps one emitter per
 * {@link LayerConfig} type and chains them by value names: each emitter reads its input value,
 * adds its nodes and constants, and returns the name of its output value. A layer type without an
 * emitter is refused by name; a new layer type plugs in by {@link OnnxExporter#register}.
 *
 * @param <L> the layer type
 */
@FunctionalInterface
public interface LayerEmitter<L extends LayerConfig> {
    /**
     * Adds the layer's nodes.
     *
     * @param layer the layer's config
     * @param in the layer's name, input value, input shape and trained tensors
     * @param graph the graph being written
     * @return the output value's name
     * @throws UnsupportedLayerException when ONNX cannot express this layer as configured
     */
    String emit(L layer, LayerInput in, OnnxGraph graph);
}
