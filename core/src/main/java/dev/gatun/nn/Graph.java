package dev.gatun.nn;

import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network whose layers form a directed acyclic graph rather than a chain, in the style of Keras's
 * functional API: a layer reads one or more named tensors, a tensor may feed several layers, and
 * {@link Merge} layers ({@link Add}, {@link Concat}) join branches.
 *
 * <pre>{@code
 * Graph.Builder g = Graph.builder("x");
 * String h = g.apply("conv", new Conv2d(8, 8, 3, 1, 1, rng), "x");
 * String r = g.apply("relu", new Activation(UnaryOp.RELU), h);
 * String y = g.apply("sum", new Add(), r, "x");      // x + relu(conv(x))
 * Graph net = g.build(y);
 * }</pre>
 *
 * <p>The graph has one input tensor and one output. {@link #nodes()} lists the layers in
 * topological order (the order they were applied); each layer is a child registered under its
 * node's name, so parameters are named {@code conv.weight}. As a {@link Module} it trains,
 * checkpoints and predicts like a {@link Sequential}. A tensor used by several layers gets the sum
 * of their gradients.
 */
public final class Graph extends Module {
    private final String input;
    private final List<Node> nodes;
    private final String output;

    /**
     * One layer of the graph: the layer applied to the named tensors, giving the tensor named
     * {@code name}.
     *
     * @param name the name of this node and of its output tensor (also the layer's name in
     *     parameter names)
     * @param layer the layer; a {@link Merge} when it has more than one input
     * @param inputs the names of the tensors it reads, in order: the graph's input or earlier nodes
     */
    public record Node(String name, Module layer, List<String> inputs) {
        /** Copies the inputs. */
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    private Graph(String input, List<Node> nodes, String output) {
        this.input = input;
        this.nodes = List.copyOf(nodes);
        this.output = output;
        for (Node n : nodes) {
            register(n.name(), n.layer());
        }
    }

    /**
     * Starts a graph whose input tensor has the given name.
     *
     * @param input the name of the input tensor
     * @return the builder
     */
    public static Builder builder(String input) {
        return new Builder(input);
    }

    @Override
    public Tensor forward(Tensor x) {
        return outputs(x).get(output);
    }

    /**
     * Runs the graph on x and keeps every node's output, for views that show each layer's output
     * (a Sequential's would be the running value after each layer).
     *
     * @param x the input
     * @return each node's output by node name, in the order of {@link #nodes()}
     */
    public Map<String, Tensor> outputs(Tensor x) {
        Map<String, Tensor> values = new HashMap<>();
        values.put(input, x);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (Node n : nodes) {
            Tensor y;
            if (n.layer() instanceof Merge merge) {
                List<Tensor> in = new ArrayList<>(n.inputs().size());
                for (String name : n.inputs()) {
                    in.add(values.get(name));
                }
                y = merge.forward(in);
            } else {
                y = n.layer().forward(values.get(n.inputs().getFirst()));
            }
            values.put(n.name(), y);
            outputs.put(n.name(), y);
        }
        return outputs;
    }

    /** {@return the name of the input tensor} */
    public String inputName() {
        return input;
    }

    /** {@return the layers in topological order: every node comes after the nodes it reads} */
    public List<Node> nodes() {
        return nodes;
    }

    /** {@return the name of the node whose tensor is the graph's output} */
    public String outputName() {
        return output;
    }

    /**
     * Adds layers one at a time, each reading tensors that already exist, so the graph it builds
     * is acyclic and its node list is in topological order.
     */
    public static final class Builder {
        private final String input;
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final Set<Module> layers = Collections.newSetFromMap(new IdentityHashMap<>());
        private boolean built;

        private Builder(String input) {
            checkName(input);
            this.input = input;
            names.add(input);
        }

        /** {@return the name of the graph's input tensor} */
        public String input() {
            return input;
        }

        /**
         * Applies a layer to named tensors.
         *
         * @param name the new node's name, unique in the graph, without dots
         * @param layer the layer, used by no other node; a {@link Merge} to read several tensors
         * @param inputs the tensors it reads: the input's name or earlier nodes' names
         * @return {@code name}, the name of the layer's output tensor
         */
        public String apply(String name, Module layer, String... inputs) {
            if (built) {
                throw new IllegalStateException("graph: build() was called; start a new builder");
            }
            checkName(name);
            if (names.contains(name)) {
                throw new IllegalArgumentException("graph: the name '" + name + "' is already used");
            }
            if (!layers.add(layer)) {
                throw new IllegalArgumentException("graph: node '" + name + "' reuses the layer of another node; "
                        + "a layer appears once (its parameters have one name)");
            }
            if (inputs.length == 0 || (inputs.length > 1 && !(layer instanceof Merge))) {
                layers.remove(layer);
                throw new IllegalArgumentException("graph: node '" + name + "' (" + layer.getClass().getSimpleName()
                        + ") takes " + (layer instanceof Merge ? "at least one input" : "exactly one input")
                        + ", got " + inputs.length);
            }
            for (String in : inputs) {
                if (!names.contains(in)) {
                    layers.remove(layer);
                    throw new IllegalArgumentException("graph: node '" + name + "' reads '" + in
                            + "', which is neither the input nor an earlier node");
                }
            }
            nodes.add(new Node(name, layer, List.of(inputs)));
            names.add(name);
            return name;
        }

        /**
         * Applies a layer named by its position among the nodes ({@code 0}, {@code 1}, ...).
         *
         * @param layer the layer
         * @param inputs the tensors it reads
         * @return the new node's name
         */
        public String apply(Module layer, String... inputs) {
            return apply(Integer.toString(nodes.size()), layer, inputs);
        }

        /**
         * The graph computing {@code output}. Every node must lead to it: a node whose output no
         * path uses is refused, as it would compute and hold a tensor for nothing.
         *
         * @param output the name of the node whose tensor the graph returns
         * @return the graph
         */
        public Graph build(String output) {
            if (!names.contains(output) || output.equals(input)) {
                throw new IllegalArgumentException("graph: the output '" + output + "' is not a node");
            }
            Set<String> used = new HashSet<>(Set.of(output));
            for (Node n : nodes.reversed()) {
                if (used.contains(n.name())) {
                    used.addAll(n.inputs());
                }
            }
            for (Node n : nodes) {
                if (!used.contains(n.name())) {
                    throw new IllegalArgumentException("graph: the output of node '" + n.name()
                            + "' is not used on the way to '" + output + "'");
                }
            }
            built = true;
            return new Graph(input, nodes, output);
        }

        private static void checkName(String name) {
            if (name == null || name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("graph: a name must be non-empty and without dots, got '" + name
                        + "'");
            }
        }
    }
}
