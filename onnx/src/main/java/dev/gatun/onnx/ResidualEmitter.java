package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import dev.gatun.config.ModelConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code residual}: the inner layers through their own emitters, the skip path (the input, or its
 * projection when the block changes the shape: a 1×1 Conv without bias, or a Gemm without bias
 * between flat examples), and their sum.
 */
final class ResidualEmitter implements LayerEmitter<LayerConfig.Residual> {
    @Override
    public String emit(LayerConfig.Residual r, LayerInput in, OnnxGraph graph) {
        int[] shape = in.shape();
        List<int[]> shapes = ModelFactory.outputShapes(new ModelConfig(shape, r.layers(), List.of()), shape);
        String branch = in.value();
        for (int k = 0; k < r.layers().size(); k++) {
            LayerConfig inner = r.layers().get(k);
            String name = in.name() + ".body." + k + "." + OnnxExporter.typeName(inner);
            branch = OnnxExporter.emitLayer(inner, new LayerInput(name, branch, k == 0 ? shape : shapes.get(k - 1),
                    within(in.weights(), "body." + k + ".")), graph);
        }
        int[] out = shapes.getLast();
        String skip = in.value();
        if (!java.util.Arrays.equals(out, shape)) {
            skip = projection(in, shape, out, graph);
        }
        return graph.node("Add", in.name(), List.of(branch, skip), Map.of());
    }

    /** ResidualProjection's layer: stride s with (in − 1) / s + 1 == out on each side. */
    private static String projection(LayerInput in, int[] from, int[] to, OnnxGraph graph) {
        Map<String, Tensor> w = within(in.weights(), "projection.");
        LayerInput p = new LayerInput(in.name() + ".projection", in.value(), from, w);
        if (from.length == 1) {
            return DenseEmitter.gemm(p, graph, in.value(), from[0], to[0]);
        }
        int[] stride = {stride(from[1], to[1]), stride(from[2], to[2])};
        String weight = graph.floats(p.name() + ".weight", p.floats("weight"), to[0], from[0], 1, 1);
        return graph.node("Conv", p.name(), List.of(in.value(), weight), Map.of("kernel_shape", new int[] {1, 1},
                "strides", stride, "pads", new int[] {0, 0, 0, 0}));
    }

    private static int stride(int in, int out) {
        return out == 1 ? in : (in - 1) / (out - 1);
    }

    /** The tensors under {@code prefix}, by their names within it. */
    private static Map<String, Tensor> within(Map<String, Tensor> weights, String prefix) {
        Map<String, Tensor> out = new HashMap<>();
        weights.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(OnnxExporter.localName(k.substring(prefix.length())), v);
            }
        });
        return out;
    }
}
