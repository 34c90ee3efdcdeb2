package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code batchnorm} in inference form: BatchNormalization with the running statistics. ONNX's
 * momentum weighs the old running value (PyTorch's weighs the new batch), hence 1 − momentum.
 */
final class BatchNormEmitter implements LayerEmitter<LayerConfig.BatchNorm> {
    @Override
    public String emit(LayerConfig.BatchNorm b, LayerInput in, OnnxGraph graph) {
        int c = in.shape()[0];
        String n = in.name();
        return graph.node("BatchNormalization", n, List.of(in.value(),
                graph.floats(n + ".weight", in.floats("weight"), c), graph.floats(n + ".bias", in.floats("bias"), c),
                graph.floats(n + ".running_mean", in.floats("running_mean"), c),
                graph.floats(n + ".running_var", in.floats("running_var"), c)),
                Map.of("epsilon", b.eps(), "momentum", 1 - b.momentum()));
    }
}
