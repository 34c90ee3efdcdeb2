package dev.gatun.studio.play;

import dev.gatun.autograd.Autograd;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.Graph;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.LstmTrace;
import dev.gatun.nn.Module;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a network computes for one example, layer by layer, as the activations view shows it: each
 * layer's real output (feature maps of a [C, H, W] output, a vector, or a [T, F] sequence), for an
 * LSTM its gates and states over the time steps ({@link LstmTrace}), and the output probabilities.
 * Captured on the run's thread in eval mode without autograd ({@link #capture}); its JSON is built
 * elsewhere ({@link #json}).
 *
 * @param step the optimizer steps the weights had taken
 * @param example which example it is
 * @param input the example as the network reads it
 * @param layers one entry per configured layer that has an output of its own
 * @param output the network's output for the example
 * @param probabilities softmax of the output for a classifier, else null
 * @param classes the class names (empty for regression)
 */
public record Activations(long step, Example example, Values input, List<Layer> layers, Values output,
                          float[] probabilities, List<String> classes) {
    /** Feature maps larger than this on a side are block-averaged down to it. */
    public static final int MAP_SIDE = 32;
    /** The most channels of one layer sent (the first ones). */
    public static final int MAX_CHANNELS = 64;
    /** The most values of a vector sent; a longer one is block-averaged down to it. */
    public static final int MAX_UNITS = 2048;

    /**
     * Which example: the split it comes from, its index there, the split's size and its true class.
     *
     * @param split {@code test}, {@code validation} or {@code train}
     * @param index the example's index in the split
     * @param size the number of examples in the split
     * @param label the true class, or -1 for regression
     */
    public record Example(String split, int index, int size, int label) {}

    /**
     * A tensor's values with its shape.
     *
     * @param shape the shape the values have (row-major)
     * @param values the values
     */
    public record Values(int[] shape, float[] values) {}

    /**
     * One configured layer's output.
     *
     * @param index the layer's index in the config
     * @param type the layer's type in the config
     * @param shape the output's shape for one example
     * @param kind how it is shown: {@code maps} ([C, H, W]), {@code vector}, {@code sequence} ([T, F]),
     *     {@code lstm} (gates and states) or {@code shape} (a reshape, nothing new to show)
     * @param sent the values sent: maps downsampled to at most {@value #MAP_SIDE} a side and
     *     {@value #MAX_CHANNELS} channels, vectors to {@value #MAX_UNITS}; null for lstm and shape
     * @param full the layer's output as computed, before any downsampling; null for lstm
     * @param gates for an LSTM, each (layer, direction)'s gates and states; else empty
     */
    public record Layer(int index, String type, int[] shape, String kind, Values sent, Values full,
                        List<Gates> gates) {}

    /**
     * One (layer, direction) of an LSTM over the example's time steps, each [T, H].
     *
     * @param layer the stacked layer, from 0
     * @param reverse whether it runs backwards in time
     * @param hidden h_t
     * @param state c_t
     * @param input the input gate i
     * @param forget the forget gate f
     * @param cell the cell candidate g
     * @param output the output gate o
     */
    public record Gates(int layer, boolean reverse, Values hidden, Values state, Values input, Values forget,
                        Values cell, Values output) {}

    /**
     * Runs {@code module} on one example, layer by layer, in eval mode without autograd, and keeps
     * every layer's output; the module's training mode is restored after. Runs where the module
     * may be touched: the run's own thread.
     *
     * @param module the network: a {@link Sequential} of the config's layers, a {@link Graph} of them
     *     (shown in the order they run), or a single module
     * @param layerTypes the config's layer types, in order
     * @param example the example, [1, ...] (a batch of one) on any device
     * @param which which example it is
     * @param classes the class names, empty for regression
     * @param step the optimizer steps taken
     * @return the activations
     * @throws IllegalArgumentException when the example is not a batch of one
     */
    public static Activations capture(Module module, List<String> layerTypes, Tensor example, Example which,
                                      List<String> classes, long step) {
        if (example.rank() < 2 || example.dim(0) != 1) {
            throw new IllegalArgumentException("activations: the example must be a batch of one [1, ...], got "
                    + example.describe());
        }
        List<Module> children = module instanceof Sequential s ? s.layers() : List.of(module);
        List<Layer> layers = new ArrayList<>();
        boolean wasTraining = module.isTraining();
        module.train(false);
        try (Scope s = Scope.open("studio activations"); Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor x = example.to(module.device());
            Values input = values(x);
            if (module instanceof Graph graph) {
                // A graph's layers in the order they run, each with its own output.
                Map<String, Tensor> outputs = graph.outputs(x);
                int position = 0;
                for (Map.Entry<String, Tensor> node : outputs.entrySet()) {
                    int index = configIndex(node.getKey(), position++);
                    String type = index < layerTypes.size() ? layerTypes.get(index) : node.getKey();
                    layers.add(layer(index, type, node.getValue()));
                }
                x = outputs.get(graph.outputName());
                children = List.of();
            }
            int configIndex = 0;
            for (Module child : children) {
                String type = configIndex < layerTypes.size() ? layerTypes.get(configIndex) : child.toString();
                if (child instanceof LastStateLinear whole) {
                    RecurrentLayer encoder = (RecurrentLayer) whole.children().get(0);
                    layers.add(recurrent(configIndex, type, encoder, x));
                    x = whole.forward(x);
                    String head = configIndex + 1 < layerTypes.size() ? layerTypes.get(configIndex + 1) : "last_state";
                    layers.add(layer(configIndex + 1, head, x));
                    configIndex += 2;
                } else if (child instanceof RecurrentLayer encoder) {
                    Layer traced = recurrent(configIndex, type, encoder, x);
                    x = child.forward(x);
                    layers.add(traced.kind().equals("lstm") ? traced : layer(configIndex, type, x));
                    configIndex++;
                } else {
                    x = child.forward(x);
                    layers.add(layer(configIndex, type, x));
                    configIndex++;
                }
            }
            Values output = values(x);
            float[] probabilities = classes.isEmpty() || x.rank() != 2 ? null : x.softmax().toFloatArray();
            return new Activations(step, which, input, List.copyOf(layers), output, probabilities, List.copyOf(classes));
        } finally {
            module.train(wasTraining);
        }
    }

    /** A config-built graph names its nodes by layer index; another graph's nodes count by position. */
    static int configIndex(String nodeName, int position) {
        try {
            return Integer.parseInt(nodeName);
        } catch (NumberFormatException e) {
            return position;
        }
    }

    /** A recurrent layer: an LSTM's trace, or (other cells) only its output sequence. */
    private static Layer recurrent(int index, String type, RecurrentLayer encoder, Tensor x) {
        if (!(encoder instanceof LSTM lstm)) {
            return layer(index, type, encoder.forward(x));
        }
        LstmTrace trace = LstmTrace.of(lstm, x);
        List<Gates> gates = new ArrayList<>();
        for (LstmTrace.Direction d : trace.directions()) {
            gates.add(new Gates(d.layer(), d.reverse(), steps(d.hidden()), steps(d.state()), steps(d.input()),
                    steps(d.forget()), steps(d.cell()), steps(d.output())));
        }
        Values top = steps(trace.top().hidden());
        return new Layer(index, type, top.shape(), "lstm", null, null, List.copyOf(gates));
    }

    /** A [T, 1, H] trace tensor as [T, H]. */
    private static Values steps(Tensor t) {
        return new Values(new int[] {t.dim(0), t.dim(2)}, t.toFloatArray());
    }

    private static Layer layer(int index, String type, Tensor out) {
        Values full = values(out);
        int[] shape = full.shape();
        return switch (shape.length) {
            case 3 -> new Layer(index, type, shape, "maps", maps(full), full, List.of());
            case 2 -> new Layer(index, type, shape, "sequence", full, full, List.of());
            case 1 -> type.equals("flatten") ? new Layer(index, type, shape, "shape", null, full, List.of())
                    : new Layer(index, type, shape, "vector", vector(full), full, List.of());
            default -> new Layer(index, type, shape, "shape", null, full, List.of());
        };
    }

    /** The values of a batch of one, without the batch axis. */
    private static Values values(Tensor batchOfOne) {
        int[] shape = java.util.Arrays.copyOfRange(batchOfOne.shape(), 1, batchOfOne.rank());
        return new Values(shape, batchOfOne.contiguous().toFloatArray());
    }

    /** The first {@value #MAX_CHANNELS} channels, each block-averaged to at most {@value #MAP_SIDE} a side. */
    static Values maps(Values full) {
        int channels = Math.min(full.shape()[0], MAX_CHANNELS);
        int height = full.shape()[1];
        int width = full.shape()[2];
        int factor = Math.max(1, Math.ceilDiv(Math.max(height, width), MAP_SIDE));
        int h = Math.ceilDiv(height, factor);
        int w = Math.ceilDiv(width, factor);
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    int n = 0;
                    for (int yy = y * factor; yy < Math.min(height, (y + 1) * factor); yy++) {
                        for (int xx = x * factor; xx < Math.min(width, (x + 1) * factor); xx++) {
                            sum += full.values()[(c * height + yy) * width + xx];
                            n++;
                        }
                    }
                    out[(c * h + y) * w + x] = factor == 1 ? full.values()[(c * height + y) * width + x] : (float) (sum / n);
                }
            }
        }
        return new Values(new int[] {channels, h, w}, out);
    }

    /** At most {@value #MAX_UNITS} values: a longer vector is block-averaged. */
    static Values vector(Values full) {
        int n = full.values().length;
        if (n <= MAX_UNITS) {
            return full;
        }
        int factor = Math.ceilDiv(n, MAX_UNITS);
        float[] out = new float[Math.ceilDiv(n, factor)];
        for (int i = 0; i < out.length; i++) {
            double sum = 0;
            int count = 0;
            for (int j = i * factor; j < Math.min(n, (i + 1) * factor); j++) {
                sum += full.values()[j];
                count++;
            }
            out[i] = (float) (sum / count);
        }
        return new Values(new int[] {out.length}, out);
    }

    /** {@return the index of the highest probability, or -1 without probabilities} */
    public int predicted() {
        if (probabilities == null) {
            return -1;
        }
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The answer of {@code /api/runs/{run}/activations} (see {@code docs/studio-protocol.md}).
     *
     * @param run the run's id
     * @return the JSON
     */
    public ObjectNode json(String run) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        o.put("split", example.split());
        o.put("index", example.index());
        o.put("size", example.size());
        o.put("label", example.label());
        o.put("labelName", example.label() >= 0 && example.label() < classes.size() ? classes.get(example.label()) : "");
        ArrayNode names = o.putArray("classes");
        classes.forEach(names::add);
        o.set("input", values(input));
        ArrayNode ls = o.putArray("layers");
        for (Layer l : layers) {
            ObjectNode j = ls.addObject();
            j.put("index", l.index());
            j.put("type", l.type());
            j.put("label", l.index() + ": " + l.type());
            j.put("kind", l.kind());
            j.set("shape", ints(l.shape()));
            if (l.sent() != null) {
                j.set("values", values(l.sent()));
            }
            if (l.kind().equals("lstm")) {
                ArrayNode ds = j.putArray("directions");
                for (Gates g : l.gates()) {
                    ObjectNode d = ds.addObject();
                    d.put("layer", g.layer());
                    d.put("reverse", g.reverse());
                    d.put("steps", g.hidden().shape()[0]);
                    d.put("hidden", g.hidden().shape()[1]);
                    d.set("h", values(g.hidden()));
                    d.set("c", values(g.state()));
                    d.set("i", values(g.input()));
                    d.set("f", values(g.forget()));
                    d.set("g", values(g.cell()));
                    d.set("o", values(g.output()));
                }
            }
        }
        o.set("output", values(output));
        if (probabilities == null) {
            o.putNull("probabilities");
        } else {
            ArrayNode p = o.putArray("probabilities");
            for (float v : probabilities) {
                EventJson.number(p, v);
            }
        }
        o.put("predicted", predicted());
        return o;
    }

    /** {shape, min, max, data}: the values as base64 of little-endian float32. */
    private static ObjectNode values(Values v) {
        ObjectNode o = EventJson.object();
        o.set("shape", ints(v.shape()));
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v.values()) {
            if (Float.isFinite(f)) {
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
        }
        EventJson.number(o, "min", min > max ? 0 : min);
        EventJson.number(o, "max", min > max ? 0 : max);
        o.put("data", EventJson.floats(v.values()));
        return o;
    }

    private static ArrayNode ints(int[] values) {
        ArrayNode a = EventJson.array();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }
}
