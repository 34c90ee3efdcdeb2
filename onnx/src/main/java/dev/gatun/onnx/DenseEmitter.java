package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code dense}: Gemm with the weight [out, in] transposed, as PyTorch exports nn.Linear. */
final class DenseEmitter implements LayerEmitter<LayerConfig.Dense> {
    @Override
    public String emit(LayerConfig.Dense layer, LayerInput in, OnnxGraph graph) {
        return gemm(in, graph, in.value(), in.shape()[0], layer.units());
    }

    /** y = x·Wᵀ + b for the layer's {@code weight} [out, in] and {@code bias} [out] (if any). */
    static String gemm(LayerInput in, OnnxGraph graph, String x, int features, int units) {
        List<String> inputs = new ArrayList<>(List.of(x,
                graph.floats(in.name() + ".weight", in.floats("weight"), units, features)));
        if (in.has("bias")) {
            inputs.add(graph.floats(in.name() + ".bias", in.floats("bias"), units));
        }
        return graph.node("Gemm", in.name(), inputs, Map.of("transB", 1L));
    }
}
