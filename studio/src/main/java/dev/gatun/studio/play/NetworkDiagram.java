package dev.gatun.studio.play;

import dev.gatun.nn.Activation;
import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Graph;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A dense network as the network view draws it: one column for the input features, then one per
 * dense layer, with the activation, dropout and batch-norm layers after a dense layer folded onto
 * its column. Wide layers are cut to their first {@value #DRAWN} neurons; the links between drawn
 * neurons carry their real weights and each drawn neuron its bias, copied from the module on the
 * run's thread.
 *
 * @param columns the columns, input first
 * @param unsupported why the network cannot be drawn (its first layer that is not dense or folded),
 *     or empty
 */
record NetworkDiagram(List<Column> columns, String unsupported) {
    /** The most neurons drawn per column; the rest are counted as "+N more". */
    static final int DRAWN = 16;

    /**
     * One column of neurons.
     *
     * @param kind {@code input}, {@code dense} or {@code output}
     * @param label what the page writes above it, e.g. {@code 2: dense 8, tanh}
     * @param layers the indices of the network's layers it stands for (none for the input)
     * @param units its neurons
     * @param drawn the neurons drawn, the first {@code min(units, DRAWN)}
     * @param bias each drawn neuron's bias, or null (input, or a layer without bias)
     * @param weights the links from the previous column's drawn neurons, row-major drawn × previous
     *     drawn, or null for the input
     */
    record Column(String kind, String label, int[] layers, int units, int drawn, float[] bias, float[] weights) {}

    /**
     * Reads the structure and the weights of {@code net}.
     *
     * @param net the network (its children are its layers, or it is one layer)
     * @param types each layer's config type, or an empty list
     * @param example the shape of one example
     * @return the diagram; {@link #unsupported()} says why when the network is not a dense one
     */
    static NetworkDiagram of(Module net, List<String> types, int[] example) {
        if (net instanceof Graph) {
            return new NetworkDiagram(List.of(), "the network view draws a stack of dense layers; this model is a "
                    + "graph (its layers read named inputs), whose layers the activations and flow views show");
        }
        List<Module> layers = net.children().isEmpty() ? List.of(net) : net.children();
        List<Column> columns = new ArrayList<>();
        int inputs = 1;
        for (int d : example) {
            inputs *= d;
        }
        String kind = "input";
        String label = example.length == 1 ? "input: " + inputs + " features" : "input: " + inputs + " values";
        List<Integer> folded = new ArrayList<>();
        int units = inputs;
        float[] bias = null;
        float[] weights = null;
        int previousDrawn = 0;
        for (int i = 0; i < layers.size(); i++) {
            Module layer = layers.get(i);
            String type = types.size() == layers.size() ? types.get(i) : layer.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            if (layer instanceof Linear linear) {
                columns.add(new Column(kind, label, ints(folded), units, Math.min(units, DRAWN), bias, weights));
                previousDrawn = Math.min(units, DRAWN);
                int out = linear.weight().tensor().dim(0);
                int in = linear.weight().tensor().dim(1);
                if (in != units) {
                    return new NetworkDiagram(List.of(), "layer " + i + " (" + type + ") takes " + in
                            + " inputs where the layer before gives " + units);
                }
                kind = "dense";
                label = i + ": " + type + " " + out;
                folded = new ArrayList<>(List.of(i));
                units = out;
                int drawn = Math.min(out, DRAWN);
                float[] w = linear.weight().tensor().toFloatArray();
                weights = new float[drawn * previousDrawn];
                for (int r = 0; r < drawn; r++) {
                    System.arraycopy(w, r * in, weights, r * previousDrawn, previousDrawn);
                }
                bias = linear.bias() == null ? null : Arrays.copyOf(linear.bias().tensor().toFloatArray(), drawn);
            } else if (layer instanceof Activation || layer instanceof Dropout || layer instanceof BatchNorm1d
                    || (layer instanceof Flatten && columns.isEmpty())) {
                folded.add(i);
                label = label + ", " + type;
            } else {
                return new NetworkDiagram(List.of(), "the network view draws dense networks; layer " + i + " is "
                        + type);
            }
        }
        if (columns.isEmpty() && kind.equals("input")) {
            return new NetworkDiagram(List.of(), "the network has no dense layer to draw");
        }
        columns.add(new Column("output", label, ints(folded), units, Math.min(units, DRAWN), bias, weights));
        return new NetworkDiagram(List.copyOf(columns), "");
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The {@code network} event's data.
     *
     * @param run the run's id
     * @param step the optimizer steps taken
     * @param planesOrNull each drawn neuron's output over the input plane, or null (not 2-D data)
     * @return the event object
     */
    ObjectNode json(String run, long step, NeuronPlanes planesOrNull) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        o.put("unsupported", unsupported);
        if (planesOrNull == null) {
            o.putNull("plane");
        } else {
            ObjectNode p = o.putObject("plane");
            p.put("width", planesOrNull.size());
            p.put("height", planesOrNull.size());
            p.put("xMin", planesOrNull.bounds()[0]);
            p.put("xMax", planesOrNull.bounds()[1]);
            p.put("yMin", planesOrNull.bounds()[2]);
            p.put("yMax", planesOrNull.bounds()[3]);
        }
        ArrayNode cs = o.putArray("columns");
        for (int c = 0; c < columns.size(); c++) {
            Column col = columns.get(c);
            ObjectNode j = cs.addObject();
            j.put("index", c);
            j.put("kind", col.kind());
            j.put("label", col.label());
            ArrayNode layers = j.putArray("layers");
            for (int l : col.layers()) {
                layers.add(l);
            }
            j.put("units", col.units());
            j.put("drawn", col.drawn());
            putFloats(j, "bias", col.bias());
            putFloats(j, "weights", col.weights());
            if (planesOrNull == null) {
                j.putNull("neurons");
                j.putNull("limit");
            } else {
                float[][] planes = planesOrNull.columns().get(c);
                double limit = 0;
                ArrayNode neurons = j.putArray("neurons");
                for (float[] plane : planes) {
                    neurons.add(EventJson.floats(plane));
                    for (float v : plane) {
                        if (Float.isFinite(v)) {
                            limit = Math.max(limit, Math.abs(v));
                        }
                    }
                }
                EventJson.number(j, "limit", limit);
            }
        }
        return o;
    }

    private static void putFloats(ObjectNode o, String key, float[] values) {
        if (values == null) {
            o.putNull(key);
            return;
        }
        ArrayNode a = o.putArray(key);
        for (float v : values) {
            EventJson.number(a, v);
        }
    }
}
