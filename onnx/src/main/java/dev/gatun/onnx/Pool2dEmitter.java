package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code maxpool2d} and {@code avgpool2d}: MaxPool and AveragePool (floor mode). Gatun's average
 * pool counts the zero padding, as PyTorch's does by default, so it sets count_include_pad.
 */
final class Pool2dEmitter implements LayerEmitter<LayerConfig.Pool2d> {
    @Override
    public String emit(LayerConfig.Pool2d p, LayerInput in, OnnxGraph graph) {
        int[] pad = p.padding();
        Map<String, Object> attributes = new java.util.HashMap<>(Map.of("kernel_shape", p.kernel(),
                "strides", p.stride(), "pads", new int[] {pad[0], pad[1], pad[0], pad[1]}));
        if (!p.max()) {
            attributes.put("count_include_pad", 1L);
        }
        return graph.node(p.max() ? "MaxPool" : "AveragePool", in.name(), List.of(in.value()), attributes);
    }
}
