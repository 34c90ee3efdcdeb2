package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code conv2d}: Conv with strides, symmetric pads, dilations and groups; weight [out, in/groups, kH, kW]. */
final class Conv2dEmitter implements LayerEmitter<LayerConfig.Conv2d> {
    @Override
    public String emit(LayerConfig.Conv2d c, LayerInput in, OnnxGraph graph) {
        int[] k = c.kernel();
        List<String> inputs = new ArrayList<>(List.of(in.value(), graph.floats(in.name() + ".weight", in.floats("weight"),
                c.filters(), in.shape()[0] / c.groups(), k[0], k[1])));
        if (in.has("bias")) {
            inputs.add(graph.floats(in.name() + ".bias", in.floats("bias"), c.filters()));
        }
        int[] p = c.padding();
        return graph.node("Conv", in.name(), inputs, Map.of("kernel_shape", k, "strides", c.stride(),
                "pads", new int[] {p[0], p[1], p[0], p[1]}, "dilations", c.dilation(), "group", (long) c.groups()));
    }
}
