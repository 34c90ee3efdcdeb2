package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code last_state}: the dense head over the recurrent layer's final hidden state, its two
 * directions side by side (forward first) when bidirectional.
 */
final class LastStateEmitter implements LayerEmitter<LayerConfig.LastState> {
    @Override
    public String emit(LayerConfig.LastState layer, LayerInput in, OnnxGraph graph) {
        String state = graph.finalState(in.value());
        if (state == null) {
            throw new UnsupportedLayerException(in.name(), "last_state must follow a recurrent layer");
        }
        // state is [D, B, H]
        String rows = graph.node("Transpose", in.name() + ".batch_first", List.of(state),
                Map.of("perm", new int[] {1, 0, 2}));
        String flat = graph.node("Flatten", in.name() + ".directions", List.of(rows), Map.of("axis", 1L));
        return DenseEmitter.gemm(in, graph, flat, in.shape()[1], layer.units());
    }
}
