package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code dropout}: ONNX Dropout with its ratio, which runtimes apply as the identity outside
 * training, as Gatun does when predicting; keeping the op keeps the rate for an import.
 */
final class DropoutEmitter implements LayerEmitter<LayerConfig.Dropout> {
    @Override
    public String emit(LayerConfig.Dropout d, LayerInput in, OnnxGraph graph) {
        String ratio = graph.floats(in.name() + ".ratio", new float[] {(float) d.p()});
        return graph.node("Dropout", in.name(), List.of(in.value(), ratio), Map.of());
    }
}
