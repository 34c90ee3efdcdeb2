package dev.gatun.onnx;

import dev.gatun.backend.UnaryFn;
import dev.gatun.config.LayerConfig;
import dev.gatun.nn.Activation;
import dev.gatun.nn.ActivationTypes;
import java.util.List;
import java.util.Map;

/**
 * Every activation: ONNX's own op where it has one (Gelu in both forms since opset 20), SiLU as
 * x·Sigmoid(x), and Softmax over the last axis.
 */
final class ActivationEmitter implements LayerEmitter<LayerConfig.Activation> {
    @Override
    public String emit(LayerConfig.Activation a, LayerInput in, OnnxGraph graph) {
        Activation layer = ActivationTypes.layer(a.type(), a.option(), a.parameter());
        UnaryFn fn = layer.function();
        String x = in.value();
        String n = in.name();
        if (fn == null) {
            return graph.node("Softmax", n, List.of(x), Map.of("axis", -1L));
        }
        return switch (fn.op()) {
            case RELU -> graph.node("Relu", n, List.of(x), Map.of());
            case SIGMOID -> graph.node("Sigmoid", n, List.of(x), Map.of());
            case TANH -> graph.node("Tanh", n, List.of(x), Map.of());
            case EXP -> graph.node("Exp", n, List.of(x), Map.of());
            case LOG -> graph.node("Log", n, List.of(x), Map.of());
            case GELU -> graph.node("Gelu", n, List.of(x), Map.of());
            case GELU_TANH -> graph.node("Gelu", n, List.of(x), Map.of("approximate", "tanh"));
            case LEAKY_RELU -> graph.node("LeakyRelu", n, List.of(x), Map.of("alpha", fn.parameter()));
            case ELU -> graph.node("Elu", n, List.of(x), Map.of("alpha", fn.parameter()));
            case SOFTPLUS -> graph.node("Softplus", n, List.of(x), Map.of());
            case SILU -> graph.node("Mul", n, List.of(x, graph.node("Sigmoid", n + ".sigmoid", List.of(x), Map.of())),
                    Map.of());
        };
    }
}
