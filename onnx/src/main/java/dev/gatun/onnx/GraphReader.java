package dev.gatun.onnx;

import dev.gatun.onnx.OnnxTensors.Floats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads an ONNX graph, node by node, into Gatun layer configs with their weights in Gatun's
 * (PyTorch's) layouts: a layer (which may span a few nodes, such as a recurrent layer's
 * transposes) reads the model's input or an earlier layer's output, named in its {@code inputs}
 * when it is not the layer before, and Add, Sum and Concat of layer outputs become {@code add} and
 * {@code concat} layers, so graph models (residual blocks as their layers and an add) import too.
 * Every op must be one of {@link #SUPPORTED}; anything else is refused with the op type and node name.
 */
final class GraphReader {
    /** The op types the importer reads. */
    static final List<String> SUPPORTED = List.of("Gemm", "MatMul", "Add", "Sum", "Concat", "Conv", "MaxPool", "AveragePool",
            "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape", "Dropout", "Identity", "Relu", "Sigmoid",
            "Mul", "Tanh", "LeakyRelu", "Elu", "Softplus", "Gelu", "Softmax", "Sub", "Div", "Transpose", "RNN", "LSTM",
            "GRU");

    /** One imported layer: its config entry and its tensors by Gatun's own names. */
    record Layer(ObjectNode config, Map<String, Floats> weights) {}

    /** A value a layer made: the layer's index (-1: the model's input) and one example's rank. */
    private record Value(int layer, int rank) {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final List<OnnxNode> nodes;
    private final int[] input;
    private final List<ObjectNode> preprocessing = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    // The values layers (and the input) made, by name: what a layer's first node may read.
    private final Map<String, Value> values = new HashMap<>();
    private int next;
    // The value the layer being read reads, its rank, and the layer that made it.
    private String current;
    private int rank;
    private int source = -1;
    private String lastOutput;
    // The last recurrent layer's final hidden state, while it is the layer just read.
    private String finalState;

    GraphReader(List<OnnxNode> nodes, String inputValue, int[] input) {
        this.nodes = nodes;
        this.input = input.clone();
        values.put(inputValue, new Value(-1, input.length));
    }

    List<ObjectNode> preprocessing() {
        return preprocessing;
    }

    List<Layer> layers() {
        return layers;
    }

    /** The value the last layer made (the model's output, in a valid graph). */
    String output() {
        return lastOutput;
    }

    void read() {
        while (next < nodes.size()) {
            step(nodes.get(next++));
        }
    }

    private void step(OnnxNode n) {
        switch (n.op()) {
            case "Identity" -> {
                n.allowAttributes();
                String out = chained(n);
                values.put(out, values.get(n.input(0)));
                if (source == layers.size() - 1 && n.input(0).equals(lastOutput)) {
                    lastOutput = out;
                }
            }
            case "Sub" -> preprocessing(n);
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Conv" -> conv(n);
            case "MaxPool", "AveragePool" -> pool(n);
            case "GlobalAveragePool" -> globalPool(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Flatten", "Reshape" -> {
                chained(n);
                flatten(n);
                add(layer("flatten"), Map.of(), n.output(0), 1);
            }
            case "Dropout" -> dropout(n);
            case "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Softplus", "Gelu", "Softmax" -> activation(n);
            case "Transpose" -> transpose(n);
            case "Add", "Sum", "Concat" -> merge(n);
            default -> throw n.problem(SUPPORTED.contains(n.op()) ? "is not where the importer reads it (see the"
                    + " supported forms)" : "op is not supported (supported: " + String.join(", ", SUPPORTED) + ")");
        }
    }

    /**
     * Starts a layer at n: its data input must be a value the input or an earlier layer made, which
     * becomes the layer's source; returns n's output.
     */
    private String chained(OnnxNode n) {
        Value v = values.get(n.input(0));
        if (v == null) {
            throw n.problem("reads " + ImportProblem.quote(n.input(0)) + ", which is neither the model's input nor"
                    + " a layer's output");
        }
        if (n.outputs() < 1 || n.output(0).isEmpty()) {
            throw n.problem("has no output");
        }
        current = n.input(0);
        rank = v.rank();
        source = v.layer();
        return n.output(0);
    }

    private OnnxNode peek(String op, String reads) {
        if (next < nodes.size()) {
            OnnxNode n = nodes.get(next);
            if (n.op().equals(op) && (n.input(0).equals(reads) || n.input(1).equals(reads))) {
                return n;
            }
        }
        return null;
    }

    private OnnxNode expect(String op, String reads, OnnxNode after) {
        OnnxNode n = next < nodes.size() ? nodes.get(next) : null;
        if (n == null || !n.op().equals(op) || !n.input(0).equals(reads)) {
            throw after.problem("must be followed by a " + op + " node that reads its output");
        }
        next++;
        return n;
    }

    private static ObjectNode layer(String type) {
        return JSON.objectNode().put("type", type);
    }

    /** Adds a layer that reads the current source (named in {@code inputs} unless it is the layer before). */
    private void add(ObjectNode config, Map<String, Floats> weights, String output, int outputRank) {
        if (source != layers.size() - 1) {
            config.putArray("inputs").add(label(source));
        }
        addLayer(config, weights, output, outputRank);
    }

    private void addLayer(ObjectNode config, Map<String, Floats> weights, String output, int outputRank) {
        values.put(output, new Value(layers.size(), outputRank));
        layers.add(new Layer(config, weights));
        lastOutput = output;
        finalState = null;
    }

    /** How {@code inputs} names layer j: {@code input}, or a name given to the layer now. */
    private String label(int j) {
        if (j < 0) {
            return "input";
        }
        ObjectNode config = layers.get(j).config();
        if (!config.has("name")) {
            config.put("name", "l" + j);
        }
        return config.get("name").asString();
    }

    /** {@code add} (Add or Sum of layer outputs) and {@code concat} (Concat on axis 1, the example's first). */
    private void merge(OnnxNode n) {
        boolean concat = n.op().equals("Concat");
        n.allowAttributes(concat ? new String[] {"axis"} : new String[0]);
        if (concat && n.integer("axis", 0) != 1) {
            throw n.problem("only axis 1 (an example's first axis) is supported");
        }
        if (n.inputs() < 2 || n.output(0).isEmpty()) {
            throw n.problem("must join at least two layer outputs");
        }
        ObjectNode config = layer(concat ? "concat" : "add");
        tools.jackson.databind.node.ArrayNode from = config.putArray("inputs");
        int outRank = -1;
        for (int i = 0; i < n.inputs(); i++) {
            Value v = values.get(n.input(i));
            if (v == null) {
                throw n.problem("reads " + ImportProblem.quote(n.input(i)) + ", which is neither the model's input nor"
                        + " a layer's output (only layer outputs are added or joined)");
            }
            outRank = v.rank();
            from.add(label(v.layer()));
        }
        addLayer(config, Map.of(), n.output(0), outRank);
    }

    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    // --- preprocessing: (x − shift)·scale or (x − shift)/spread before the first layer ---

    private void preprocessing(OnnxNode sub) {
        String shifted = chained(sub);
        if (!layers.isEmpty()) {
            throw sub.problem("is supported only before the first layer, as a saved standardization");
        }
        sub.allowAttributes();
        float[] mean = perFeature(sub, sub.floats(1, "shift"));
        OnnxNode scale = next < nodes.size() ? nodes.get(next) : null;
        if (scale == null || !(scale.op().equals("Mul") || scale.op().equals("Div")) || !scale.input(0).equals(shifted)) {
            throw sub.problem("must be followed by a Mul or Div node that reads its output (a standardization)");
        }
        next++;
        scale.allowAttributes();
        float[] factor = perFeature(scale, scale.floats(1, scale.op().equals("Mul") ? "scale" : "divisor"));
        float[] std = new float[factor.length];
        for (int i = 0; i < std.length; i++) {
            if (!(factor[i] > 0) || !Float.isFinite(factor[i])) {
                throw scale.problem("feature " + i + " has " + factor[i] + "; a standardization needs finite values > 0");
            }
            std[i] = scale.op().equals("Mul") ? 1f / factor[i] : factor[i];
        }
        ObjectNode step = JSON.objectNode().put("type", "standardize");
        tools.jackson.databind.node.ArrayNode means = step.putArray("mean");
        for (float m : mean) {
            means.add(m);
        }
        tools.jackson.databind.node.ArrayNode stds = step.putArray("std");
        for (float s : std) {
            stds.add(s);
        }
        preprocessing.add(step);
        // The standardized input stands for the model's input; the raw one may not be read again.
        values.remove(current);
        values.put(scale.output(0), new Value(-1, input.length));
    }

    /** A constant broadcast against one example's shape, as a value per feature. */
    private float[] perFeature(OnnxNode n, Floats c) {
        int[] full = input;
        int[] s = c.shape();
        int offset = full.length - s.length;
        for (int i = 0; i < s.length; i++) {
            int fullDim = i + offset < 0 ? 1 : (i + offset < full.length ? full[i + offset] : 1);
            if (s[i] != 1 && (i + offset < 0 || s[i] != fullDim)) {
                throw n.problem("constant of shape " + Arrays.toString(s) + " does not broadcast to one example "
                        + Arrays.toString(full));
            }
        }
        int features = 1;
        for (int d : full) {
            features *= d;
        }
        float[] out = new float[features];
        int[] index = new int[full.length];
        for (int f = 0; f < features; f++) {
            int at = 0;
            for (int i = 0; i < s.length; i++) {
                int axis = i + offset;
                int k = axis < 0 || s[i] == 1 ? 0 : index[axis];
                at = at * s[i] + k;
            }
            out[f] = c.values()[at];
            for (int a = full.length - 1; a >= 0 && ++index[a] == full[a]; a--) {
                index[a] = 0;
            }
        }
        return out;
    }

    // --- dense ---

    private void gemm(OnnxNode n) {
        String out = chained(n);
        n.allowAttributes("alpha", "beta", "transA", "transB");
        if (n.real("alpha", 1) != 1 || n.real("beta", 1) != 1 || n.integer("transA", 0) != 0) {
            throw n.problem("only alpha = 1, beta = 1 and transA = 0 are supported");
        }
        Floats w = n.floats(1, "weight");
        if (w.shape().length != 2) {
            throw n.problem("weight must be 2-D, got " + Arrays.toString(w.shape()));
        }
        Floats weight = n.integer("transB", 0) == 1 ? w : transposed(w);
        Floats bias = n.inputs() > 2 && !n.input(2).isEmpty() ? n.floats(2, "bias") : null;
        dense(n, weight, bias, out);
    }

    private void matMul(OnnxNode n) {
        String out = chained(n);
        n.allowAttributes();
        Floats w = n.floats(1, "weight");
        if (w.shape().length != 2) {
            throw n.problem("weight must be 2-D, got " + Arrays.toString(w.shape()));
        }
        Floats bias = null;
        OnnxNode add = peek("Add", out);
        if (add != null) {
            next++;
            add.allowAttributes();
            bias = add.floats(add.input(0).equals(out) ? 1 : 0, "bias");
            out = add.output(0);
        }
        dense(n, transposed(w), bias, out);
    }

    private void dense(OnnxNode n, Floats weight, Floats bias, String out) {
        if (rank != 1) {
            throw n.problem("a dense layer reads one flat vector per example; flatten first");
        }
        int units = weight.dim(0);
        if (bias != null && bias.values().length != units) {
            throw n.problem("bias has " + bias.values().length + " values for " + units + " outputs");
        }
        Map<String, Floats> w = new LinkedHashMap<>();
        w.put("weight", weight);
        if (bias != null) {
            w.put("bias", new Floats(bias.values(), new int[] {units}));
        }
        add(layer("dense").put("units", units).put("bias", bias != null), w, out, 1);
    }

    private static Floats transposed(Floats w) {
        int r = w.dim(0);
        int c = w.dim(1);
        float[] t = new float[w.values().length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = w.values()[i * c + j];
            }
        }
        return new Floats(t, new int[] {c, r});
    }

    // --- convolution and pooling ---

    private static int[] pads(OnnxNode n) {
        int[] p = n.ints("pads", 4);
        if (p == null) {
            return new int[] {0, 0};
        }
        if (p[0] != p[2] || p[1] != p[3]) {
            throw n.problem("asymmetric pads " + Arrays.toString(p) + " are not supported");
        }
        return new int[] {p[0], p[1]};
    }

    private static void notAutoPadded(OnnxNode n) {
        String autoPad = n.text("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw n.problem("auto_pad " + autoPad + " is not supported (give pads)");
        }
        if (autoPad.equals("VALID") && n.ints("pads", -1) != null) {
            throw n.problem("auto_pad VALID with pads is not valid ONNX");
        }
    }

    private static int[] pair(OnnxNode n, String attribute, int fallback) {
        int[] v = n.ints(attribute, 2);
        return v == null ? new int[] {fallback, fallback} : v;
    }

    private void conv(OnnxNode n) {
        String out = chained(n);
        n.allowAttributes("auto_pad", "kernel_shape", "strides", "pads", "dilations", "group");
        notAutoPadded(n);
        if (rank != 3) {
            throw n.problem("only 2-D convolutions of [channels, height, width] examples are supported");
        }
        Floats w = n.floats(1, "weight");
        if (w.shape().length != 4) {
            throw n.problem("weight must be 4-D [out, in/groups, kH, kW], got " + Arrays.toString(w.shape()));
        }
        int[] kernel = {w.dim(2), w.dim(3)};
        int[] declared = n.ints("kernel_shape", 2);
        if (declared != null && !Arrays.equals(declared, kernel)) {
            throw n.problem("kernel_shape " + Arrays.toString(declared) + " does not match the weight "
                    + Arrays.toString(w.shape()));
        }
        long groups = n.integer("group", 1);
        if (groups < 1 || groups > w.dim(0)) {
            throw n.problem("group " + groups + " is out of range");
        }
        Floats bias = n.inputs() > 2 && !n.input(2).isEmpty() ? n.floats(2, "bias") : null;
        if (bias != null && bias.values().length != w.dim(0)) {
            throw n.problem("bias has " + bias.values().length + " values for " + w.dim(0) + " filters");
        }
        ObjectNode c = layer("conv2d").put("filters", w.dim(0));
        ints(c, "kernel", kernel);
        ints(c, "stride", pair(n, "strides", 1));
        ints(c, "padding", pads(n));
        ints(c, "dilation", pair(n, "dilations", 1));
        c.put("groups", (int) groups).put("bias", bias != null);
        Map<String, Floats> weights = new LinkedHashMap<>();
        weights.put("weight", w);
        if (bias != null) {
            weights.put("bias", new Floats(bias.values(), new int[] {w.dim(0)}));
        }
        add(c, weights, out, 3);
    }

    private static void ints(ObjectNode o, String key, int[] v) {
        tools.jackson.databind.node.ArrayNode a = o.putArray(key);
        for (int x : v) {
            a.add(x);
        }
    }

    private void pool(OnnxNode n) {
        String out = chained(n);
        boolean max = n.op().equals("MaxPool");
        if (max) {
            n.allowAttributes("auto_pad", "kernel_shape", "strides", "pads", "ceil_mode", "dilations", "storage_order");
        } else {
            n.allowAttributes("auto_pad", "kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad");
        }
        n.allowOutputs(1);
        notAutoPadded(n);
        if (rank != 3) {
            throw n.problem("only 2-D pooling of [channels, height, width] examples is supported");
        }
        if (n.integer("ceil_mode", 0) != 0) {
            throw n.problem("ceil_mode 1 is not supported");
        }
        int[] dilations = n.ints("dilations", 2);
        if (dilations != null && (dilations[0] != 1 || dilations[1] != 1)) {
            throw n.problem("dilated pooling is not supported");
        }
        int[] kernel = n.ints("kernel_shape", 2);
        if (kernel == null) {
            throw n.problem("kernel_shape is missing");
        }
        int[] padding = pads(n);
        if (!max && (padding[0] != 0 || padding[1] != 0) && n.integer("count_include_pad", 0) != 1) {
            throw n.problem("padded average pooling without count_include_pad is not supported (Gatun counts the"
                    + " padding, as PyTorch does by default)");
        }
        ObjectNode p = layer(max ? "maxpool2d" : "avgpool2d");
        ints(p, "kernel", kernel);
        ints(p, "stride", pair(n, "strides", 1));
        ints(p, "padding", padding);
        add(p, Map.of(), out, 3);
    }

    private void globalPool(OnnxNode n) {
        String pooled = chained(n);
        n.allowAttributes();
        if (rank != 3) {
            throw n.problem("only 2-D global pooling of [channels, height, width] examples is supported");
        }
        // Gatun's layer gives [N, C]: ONNX's [N, C, 1, 1] must be flattened next.
        OnnxNode flat = next < nodes.size() ? nodes.get(next) : null;
        if (flat == null || !(flat.op().equals("Flatten") || flat.op().equals("Reshape")) || !flat.input(0).equals(pooled)) {
            throw n.problem("must be followed by a Flatten (or Reshape to [N, C]) of its output");
        }
        next++;
        flatten(flat);
        add(layer("globalavgpool2d"), Map.of(), flat.output(0), 1);
    }

    private void batchNorm(OnnxNode n) {
        String out = chained(n);
        n.allowAttributes("epsilon", "momentum", "training_mode");
        n.allowOutputs(1);
        if (n.integer("training_mode", 0) != 0) {
            throw n.problem("training_mode 1 is not supported (the importer reads inference graphs)");
        }
        Map<String, Floats> w = new LinkedHashMap<>();
        String[] names = {"weight", "bias", "running_mean", "running_var"};
        int channels = -1;
        for (int i = 0; i < names.length; i++) {
            Floats f = n.floats(i + 1, names[i]);
            if (channels < 0) {
                channels = f.values().length;
            } else if (f.values().length != channels) {
                throw n.problem(names[i] + " has " + f.values().length + " values, " + names[0] + " has " + channels);
            }
            w.put(names[i], new Floats(f.values(), new int[] {f.values().length}));
        }
        add(layer("batchnorm").put("eps", decimal(n.real("epsilon", 1e-5f)))
                .put("momentum", 1 - decimal(n.real("momentum", 0.9f))), w, out, rank);
    }

    /** Checks a Flatten at axis 1, or a Reshape to [N, features]. */
    private void flatten(OnnxNode n) {
        if (n.op().equals("Flatten")) {
            n.allowAttributes("axis");
            if (n.integer("axis", 1) != 1) {
                throw n.problem("only axis 1 (keep the batch axis) is supported");
            }
            return;
        }
        n.allowAttributes("allowzero");
        long[] shape = n.longs(1, "shape", 8);
        if (n.integer("allowzero", 0) != 0 || shape.length != 2 || !(shape[0] == 0 || shape[0] == -1)
                || (shape[0] == -1 && shape[1] == -1)) {
            throw n.problem("only a reshape to [batch, features] ([0, -1] or [-1, features]) is supported, got "
                    + Arrays.toString(shape));
        }
    }

    private void dropout(OnnxNode n) {
        String out = chained(n);
        n.allowAttributes("seed");
        n.allowOutputs(1);
        if (n.inputs() > 2 && !n.input(2).isEmpty()) {
            throw n.problem("a training_mode input is not supported");
        }
        double p = 0.5;
        if (n.inputs() > 1 && !n.input(1).isEmpty()) {
            Floats ratio = n.floats(1, "ratio");
            if (ratio.values().length != 1) {
                throw n.problem("ratio must be one value");
            }
            p = decimal(ratio.values()[0]);
        }
        add(layer("dropout").put("p", p), Map.of(), out, rank);
    }

    private void activation(OnnxNode n) {
        String out = chained(n);
        ObjectNode a;
        switch (n.op()) {
            case "Relu", "Tanh", "Softplus" -> {
                n.allowAttributes();
                a = layer(n.op().toLowerCase(java.util.Locale.ROOT));
            }
            case "Sigmoid" -> {
                n.allowAttributes();
                OnnxNode mul = peek("Mul", out);
                if (mul != null && (mul.input(0).equals(current) || mul.input(1).equals(current))) {
                    next++;
                    mul.allowAttributes();
                    a = layer("silu");
                    out = mul.output(0);
                } else {
                    a = layer("sigmoid");
                }
            }
            case "LeakyRelu" -> {
                n.allowAttributes("alpha");
                a = layer("leaky_relu").put("slope", decimal(n.real("alpha", 0.01f)));
            }
            case "Elu" -> {
                n.allowAttributes("alpha");
                a = layer("elu").put("alpha", decimal(n.real("alpha", 1f)));
            }
            case "Gelu" -> {
                n.allowAttributes("approximate");
                String approximate = n.text("approximate", "none");
                if (!approximate.equals("none") && !approximate.equals("tanh")) {
                    throw n.problem("approximate " + ImportProblem.quote(approximate) + " is not ONNX's");
                }
                a = layer("gelu").put("approximate", approximate);
            }
            default -> {
                n.allowAttributes("axis");
                long axis = n.integer("axis", -1);
                if (axis != -1 && axis != rank) {
                    throw n.problem("only softmax over the last axis is supported, got axis " + axis);
                }
                a = layer("softmax");
            }
        }
        add(a, Map.of(), out, rank);
    }

    // --- recurrent layers, in the form the exporter writes ---

    private void transpose(OnnxNode n) {
        n.allowAttributes("perm");
        int[] perm = n.ints("perm", -1);
        boolean swap = perm != null && Arrays.equals(perm, new int[] {1, 0, 2});
        if (swap && finalState != null && n.input(0).equals(finalState)) {
            lastState(n);
        } else if (swap && values.containsKey(n.input(0)) && values.get(n.input(0)).rank() == 2) {
            recurrent(n);
        } else {
            throw n.problem("only the transposes around a recurrent layer are supported (see the supported forms)");
        }
    }

    private void recurrent(OnnxNode first) {
        String seq = chained(first);
        RecurrentEmitter.Cell cell = null;
        int hidden = 0;
        int directions = 0;
        int count = 0;
        String state = null;
        Map<String, Floats> weights = new LinkedHashMap<>();
        while (next < nodes.size() && List.of("RNN", "LSTM", "GRU").contains(nodes.get(next).op())) {
            OnnxNode r = nodes.get(next++);
            if (!r.input(0).equals(seq)) {
                throw r.problem("reads " + ImportProblem.quote(r.input(0)) + ", not the sequence before it");
            }
            r.allowAttributes("hidden_size", "direction", "linear_before_reset", "layout");
            RecurrentEmitter.Cell c = RecurrentEmitter.Cell.valueOf(r.op());
            long h = r.integer("hidden_size", -1);
            String direction = r.text("direction", "forward");
            if (h < 1 || h > 1 << 16) {
                throw r.problem("hidden_size " + h + " is missing or out of range");
            }
            if (!direction.equals("forward") && !direction.equals("bidirectional")) {
                throw r.problem("direction " + ImportProblem.quote(direction) + " is not supported");
            }
            if (r.integer("layout", 0) != 0) {
                throw r.problem("layout 1 is not supported");
            }
            if (c == RecurrentEmitter.Cell.GRU && r.integer("linear_before_reset", 0) != 1) {
                throw r.problem("linear_before_reset 0 is not supported (Gatun's GRU is PyTorch's, with 1)");
            }
            int d = direction.equals("bidirectional") ? 2 : 1;
            if (cell != null && (c != cell || h != hidden || d != directions)) {
                throw r.problem("stacked recurrent layers must share cell, hidden_size and direction");
            }
            for (int i = 4; i < r.inputs(); i++) {
                if (!r.input(i).isEmpty()) {
                    throw r.problem("input " + i + " (sequence lengths, initial states, peepholes) is not supported");
                }
            }
            r.allowOutputs(2);
            cell = c;
            hidden = (int) h;
            directions = d;
            readRecurrentWeights(r, c, hidden, d, count, weights);
            state = r.output(1);
            if (state.isEmpty() && r.output(0).isEmpty()) {
                throw r.problem("has no output");
            }
            OnnxNode swap = expect("Transpose", r.output(0), r);
            swap.allowAttributes("perm");
            if (!Arrays.equals(swap.ints("perm", 4), new int[] {0, 2, 1, 3})) {
                throw swap.problem("must have perm [0, 2, 1, 3] ([T, D, B, H] → [T, B, D, H])");
            }
            OnnxNode merge = expect("Reshape", swap.output(0), swap);
            merge.allowAttributes();
            if (!Arrays.equals(merge.longs(1, "shape", 8), new long[] {0, 0, -1})) {
                throw merge.problem("must reshape to [0, 0, -1] (the directions side by side)");
            }
            seq = merge.output(0);
            count++;
        }
        if (cell == null) {
            throw first.problem("must be followed by an RNN, LSTM or GRU node");
        }
        OnnxNode back = expect("Transpose", seq, nodes.get(next - 1));
        back.allowAttributes("perm");
        if (!Arrays.equals(back.ints("perm", 3), new int[] {1, 0, 2})) {
            throw back.problem("must have perm [1, 0, 2] (back to batch-first)");
        }
        ObjectNode config = layer(cell.name().toLowerCase(java.util.Locale.ROOT)).put("hidden", hidden)
                .put("layers", count).put("bidirectional", directions == 2);
        add(config, weights, back.output(0), 2);
        finalState = state;
    }

    private static void readRecurrentWeights(OnnxNode r, RecurrentEmitter.Cell c, int h, int d, int layer,
                                             Map<String, Floats> out) {
        int g = c.gates * h;
        Floats w = r.floats(1, "W");
        Floats rec = r.floats(2, "R");
        if (w.shape().length != 3 || w.dim(0) != d || w.dim(1) != g || w.dim(2) < 1) {
            throw r.problem("W must be [" + d + ", " + g + ", input], got " + Arrays.toString(w.shape()));
        }
        if (!Arrays.equals(rec.shape(), new int[] {d, g, h})) {
            throw r.problem("R must be [" + d + ", " + g + ", " + h + "], got " + Arrays.toString(rec.shape()));
        }
        Floats b = r.inputs() > 3 && !r.input(3).isEmpty() ? r.floats(3, "B")
                : new Floats(new float[d * 2 * g], new int[] {d, 2 * g});
        if (!Arrays.equals(b.shape(), new int[] {d, 2 * g})) {
            throw r.problem("B must be [" + d + ", " + 2 * g + "], got " + Arrays.toString(b.shape()));
        }
        int in = w.dim(2);
        for (int dir = 0; dir < d; dir++) {
            String suffix = "_l" + layer + (dir == 1 ? "_reverse" : "");
            out.put("weight_ih" + suffix, new Floats(c.toTorch(w.values(), dir * g * in, h, in), new int[] {g, in}));
            out.put("weight_hh" + suffix, new Floats(c.toTorch(rec.values(), dir * g * h, h, h), new int[] {g, h}));
            out.put("bias_ih" + suffix, new Floats(c.toTorch(b.values(), dir * 2 * g, h, 1), new int[] {g}));
            out.put("bias_hh" + suffix, new Floats(c.toTorch(b.values(), dir * 2 * g + g, h, 1), new int[] {g}));
        }
    }

    private void lastState(OnnxNode swap) {
        OnnxNode flat = expect("Flatten", swap.output(0), swap);
        flat.allowAttributes("axis");
        if (flat.integer("axis", 1) != 1) {
            throw flat.problem("only axis 1 is supported");
        }
        OnnxNode head = expect("Gemm", flat.output(0), flat);
        // The head reads the recurrent layer, the one just read, as last_state does.
        values.put(flat.output(0), new Value(layers.size() - 1, 1));
        int before = layers.size();
        gemm(head);
        Layer dense = layers.remove(before);
        if (!dense.config().path("bias").asBoolean()) {
            throw head.problem("the head over the last state needs a bias");
        }
        values.remove(flat.output(0));
        layers.add(new Layer(layer("last_state").put("units", dense.config().get("units").asInt()), dense.weights()));
    }
}
