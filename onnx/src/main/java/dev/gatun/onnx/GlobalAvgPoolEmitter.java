package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.List;
import java.util.Map;

/** {@code globalavgpool2d}: GlobalAveragePool, then Flatten, since Gatun's layer gives [N, C], not [N, C, 1, 1]. */
final class GlobalAvgPoolEmitter implements LayerEmitter<LayerConfig.GlobalAvgPool2d> {
    @Override
    public String emit(LayerConfig.GlobalAvgPool2d layer, LayerInput in, OnnxGraph graph) {
        String pooled = graph.node("GlobalAveragePool", in.name(), List.of(in.value()), Map.of());
        return graph.node("Flatten", in.name() + ".flatten", List.of(pooled), Map.of("axis", 1L));
    }
}
