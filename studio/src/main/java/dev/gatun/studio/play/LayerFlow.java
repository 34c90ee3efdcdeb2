package dev.gatun.studio.play;

import dev.gatun.autograd.Autograd;
import dev.gatun.nn.Graph;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How gradients and activations flow through a network at one step, layer by layer, as the
 * Deeplearning4j UI shows them: each layer's gradient norm, its update:parameter ratio (the step's
 * change of its weights over their size; about 1e-3 is healthy), and the spread of its outputs on a
 * fixed probe batch, with a warning for a dead ReLU layer, a saturated tanh or sigmoid layer, or a
 * ratio far from 1e-3. Computed on the training thread from the runtime's own tensors.
 */
final class LayerFlow {
    /** A ReLU layer is dead when at least this share of its units output 0 for every probe example. */
    static final double DEAD_UNITS = 0.5;
    /** A tanh or sigmoid layer is saturated when at least this share of its outputs is at a limit. */
    static final double SATURATED = 0.9;
    /** Ratios outside [{@value #LOW_RATIO}, {@value #HIGH_RATIO}] are far from the healthy 1e-3. */
    static final double LOW_RATIO = 1e-6;
    static final double HIGH_RATIO = 1e-1;

    private LayerFlow() {}

    /** The weights before a step, by tensor: what the step's update is measured against. */
    static Map<Tensor, float[]> copy(Module net) {
        Map<Tensor, float[]> before = new IdentityHashMap<>();
        for (Parameter p : net.parameters()) {
            before.put(p.tensor(), p.tensor().toFloatArray());
        }
        return before;
    }

    /**
     * The {@code flow} event: one entry per layer (the network's children, a graph's layers in the
     * order they run, or the network itself).
     *
     * @param run the run's id
     * @param step the optimizer steps taken
     * @param net the network, after the step
     * @param types each layer's config type ({@code dense}, {@code relu}, ...), or an empty list
     * @param probe a fixed batch of training examples
     * @param beforeOrNull the weights before this step, or null when the step was not captured
     * @return the event object
     */
    static ObjectNode measure(String run, long step, Module net, List<String> types, Tensor probe,
            Map<Tensor, float[]> beforeOrNull) {
        // A single module's children are its parts, not layers: an LSTM's head reads its final state.
        List<Module> layers = net instanceof Sequential s ? s.layers() : List.of(net);
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        ArrayNode out = o.putArray("layers");
        boolean wasTraining = net.isTraining();
        net.train(false);
        try (Scope scope = Scope.open("studio flow"); Autograd.NoGrad ignored = Autograd.noGrad()) {
            if (net instanceof Graph graph) {
                // Each layer of a graph, in the order they run, with its own output.
                int position = 0;
                for (Map.Entry<String, Tensor> node : graph.outputs(probe).entrySet()) {
                    int index = Activations.configIndex(node.getKey(), position);
                    Module layer = graph.nodes().get(position++).layer();
                    String type = index < types.size() ? types.get(index) : layer.getClass().getSimpleName();
                    out.add(entry(index, type, layer, node.getValue(), beforeOrNull));
                }
                return o;
            }
            Tensor x = probe;
            for (int i = 0; i < layers.size(); i++) {
                Module layer = layers.get(i);
                x = layer.forward(x);
                String type = types.size() == layers.size() ? types.get(i) : layer.getClass().getSimpleName();
                out.add(entry(i, type, layer, x, beforeOrNull));
            }
        } finally {
            net.train(wasTraining);
        }
        return o;
    }

    private static ObjectNode entry(int index, String type, Module layer, Tensor output, Map<Tensor, float[]> before) {
        ObjectNode e = EventJson.object();
        e.put("index", index);
        e.put("type", type);
        e.put("label", index + ": " + type);
        List<String> warnings = new ArrayList<>();
        boolean frozen = !layer.parameters().isEmpty() && layer.parameters().stream().noneMatch(Parameter::trainable);
        e.put("frozen", frozen);
        if (frozen) {
            // A frozen layer is meant not to move: no gradient, no ratio, nothing to warn about.
            EventJson.number(e, "gradNorm", Double.NaN);
            EventJson.number(e, "ratio", Double.NaN);
        } else if (!layer.parameters().isEmpty()) {
            double grad = 0;
            double change = 0;
            double size = 0;
            boolean hasGrad = false;
            for (Parameter p : layer.parameters()) {
                if (!p.trainable()) {
                    continue;
                }
                float[] w = p.tensor().toFloatArray();
                if (p.grad() != null) {
                    hasGrad = true;
                    for (float g : p.grad().toFloatArray()) {
                        grad += (double) g * g;
                    }
                }
                float[] old = before == null ? null : before.get(p.tensor());
                for (int k = 0; k < w.length; k++) {
                    size += (double) w[k] * w[k];
                    if (old != null) {
                        double d = w[k] - old[k];
                        change += d * d;
                    }
                }
            }
            EventJson.number(e, "gradNorm", hasGrad ? Math.sqrt(grad) : Double.NaN);
            double ratio = before == null || size == 0 ? Double.NaN : Math.sqrt(change) / Math.sqrt(size);
            EventJson.number(e, "ratio", ratio);
            if (ratio > HIGH_RATIO) {
                warnings.add(String.format(Locale.ROOT, "update:parameter ratio %.2g, far above 1e-3: the steps are "
                        + "too large (lower the learning rate)", ratio));
            } else if (ratio < LOW_RATIO) {
                warnings.add(String.format(Locale.ROOT, "update:parameter ratio %.2g, far below 1e-3: the gradient "
                        + "barely moves these weights", ratio));
            }
        }
        float[] v = output.toFloatArray();
        int n = output.shape()[0];
        int units = v.length / Math.max(n, 1);
        double sum = 0;
        double squares = 0;
        for (float f : v) {
            sum += f;
            squares += (double) f * f;
        }
        double mean = sum / v.length;
        EventJson.number(e, "mean", mean);
        EventJson.number(e, "std", Math.sqrt(Math.max(0, squares / v.length - mean * mean)));
        String activation = switch (type) {
            case "relu", "relu6" -> dead(e, v, n, units);
            case "tanh" -> saturated(e, v, -0.99, type);
            case "sigmoid" -> saturated(e, v, 0.01, type);
            default -> "";
        };
        if (!activation.isEmpty()) {
            warnings.add(activation);
        }
        e.put("warning", String.join("; ", warnings));
        return e;
    }

    /** The share of units that output 0 for every probe example, and a warning past {@link #DEAD_UNITS}. */
    private static String dead(ObjectNode e, float[] v, int n, int units) {
        int dead = 0;
        for (int u = 0; u < units; u++) {
            boolean silent = true;
            for (int s = 0; s < n && silent; s++) {
                silent = v[s * units + u] <= 0;
            }
            dead += silent ? 1 : 0;
        }
        double share = (double) dead / units;
        e.put("deadUnits", share);
        return share >= DEAD_UNITS ? String.format(Locale.ROOT,
                "dead: %.0f%% of its units output 0 for every example", 100 * share) : "";
    }

    /** The share of outputs at or past {@code low} or 0.99, and a warning past {@link #SATURATED}. */
    private static String saturated(ObjectNode e, float[] v, double low, String type) {
        int at = 0;
        for (float f : v) {
            at += f <= low || f >= 0.99 ? 1 : 0;
        }
        double share = (double) at / v.length;
        e.put("saturated", share);
        return share >= SATURATED ? String.format(Locale.ROOT,
                "saturated: %.0f%% of its outputs at the %s's limits, where its gradient is almost 0", 100 * share,
                type) : "";
    }
}
