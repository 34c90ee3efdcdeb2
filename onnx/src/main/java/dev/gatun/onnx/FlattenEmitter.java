package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.List;
import java.util.Map;

/** {@code flatten}: Flatten at axis 1, [N, ...] → [N, features]. */
final class FlattenEmitter implements LayerEmitter<LayerConfig.Flatten> {
    @Override
    public String emit(LayerConfig.Flatten layer, LayerInput in, OnnxGraph graph) {
        return graph.node("Flatten", in.name(), List.of(in.value()), Map.of("axis", 1L));
    }
}
