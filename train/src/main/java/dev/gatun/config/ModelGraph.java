package dev.gatun.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.StringJoiner;

/**
 * How the layers of a {@link ModelConfig} connect. A layer reads the layer before it (the first
 * reads the model's input) unless it lists {@code inputs}: names given to other layers with
 * {@code name}, or {@link #INPUT}. Only {@code add} and {@code concat} read more than one. The
 * last layer is the model's output, and every other layer's output must be read by some layer.
 *
 * <p>A config whose layers all read the one before is a stack and builds a {@code Sequential},
 * as before graphs existed; any other builds a {@link dev.gatun.nn.Graph} whose nodes are named
 * by the layers' indices, so parameter names ({@code 3.weight}) are the same in both.
 */
public final class ModelGraph {
    /** The name by which {@code inputs} refers to the model's input. */
    public static final String INPUT = "input";

    private final int[][] inputs;
    private final List<Integer> order;
    private final List<String> names;
    private final boolean stack;

    private ModelGraph(int[][] inputs, List<Integer> order, List<String> names, boolean stack) {
        this.inputs = inputs;
        this.order = List.copyOf(order);
        this.names = names;
        this.stack = stack;
    }

    /**
     * Resolves the wiring of {@code layers}, rejecting unknown and duplicate names, layers that read
     * more than one input without joining them, cycles and outputs nobody reads.
     *
     * @param layers the layers
     * @param names each layer's name, empty when it has none
     * @param inputs each layer's {@code inputs}, empty when it reads the layer before
     * @return the graph
     * @throws ConfigException naming the layer and what is wrong
     */
    static ModelGraph of(List<LayerConfig> layers, List<String> names, List<List<String>> inputs) {
        int n = layers.size();
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals(INPUT) || name.contains(".")) {
                throw new ConfigException(path(i) + "." + LayerConfig.NAME, "'" + name + "' cannot name a layer: "
                        + (name.equals(INPUT) ? "it is the model's input" : "names have no dots"));
            }
            Integer before = byName.putIfAbsent(name, i);
            if (before != null) {
                throw new ConfigException(path(i) + "." + LayerConfig.NAME, "'" + name + "' already names "
                        + path(before));
            }
        }
        int[][] reads = new int[n][];
        boolean stack = true;
        for (int i = 0; i < n; i++) {
            List<String> in = inputs.get(i);
            if (in.isEmpty()) {
                reads[i] = new int[] {i - 1};
                continue;
            }
            LayerConfig layer = layers.get(i);
            if (in.size() > 1 && !LayerConfig.isMerge(layer)) {
                throw new ConfigException(path(i) + "." + LayerConfig.INPUTS, "a " + LayerConfig.typeName(layer)
                        + " layer reads one input, got " + in.size() + "; join layers with add or concat first");
            }
            reads[i] = new int[in.size()];
            for (int k = 0; k < in.size(); k++) {
                String name = in.get(k);
                Integer j = name.equals(INPUT) ? Integer.valueOf(-1) : byName.get(name);
                if (j == null) {
                    String close = ConfigNode.closest(name, new ArrayList<>(byName.keySet()));
                    throw new ConfigException(path(i) + "." + LayerConfig.INPUTS + "[" + k + "]", "unknown layer '"
                            + name + "'" + (close == null ? " (named layers: " + known(byName) + ")"
                            : " (did you mean '" + close + "'?)"));
                }
                reads[i][k] = j;
            }
            stack &= in.size() == 1 && reads[i][0] == i - 1;
        }
        if (!stack) {
            for (int i = 0; i < n; i++) {
                if (layers.get(i) instanceof LayerConfig.LastState) {
                    throw new ConfigException(path(i) + ".type", "last_state works in a stack of layers only, right "
                            + "after its rnn, lstm or gru layer; this model has named inputs");
                }
            }
        }
        List<Integer> order = topologicalOrder(reads);
        int[] readers = new int[n];
        for (int[] r : reads) {
            for (int j : r) {
                if (j >= 0) {
                    readers[j]++;
                }
            }
        }
        for (int i = 0; i < n - 1; i++) {
            if (readers[i] == 0) {
                throw new ConfigException(path(i), "no layer reads the output of this "
                        + LayerConfig.typeName(layers.get(i)) + " layer" + (names.get(i).isEmpty() ? "" : " ('" + names.get(i) + "')")
                        + "; only the last layer's output is the model's, so list it in a later layer's inputs "
                        + "or remove it");
            }
        }
        return new ModelGraph(reads, order, List.copyOf(names), stack);
    }

    /** Kahn's algorithm, taking the lowest index first, so a stack keeps its order; a cycle is an error. */
    private static List<Integer> topologicalOrder(int[][] reads) {
        int n = reads.length;
        int[] waiting = new int[n];
        List<List<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            readers.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j : reads[i]) {
                if (j >= 0) {
                    waiting[i]++;
                    readers.get(j).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (int r : readers.get(i)) {
                if (--waiting[r] == 0) {
                    ready.add(r);
                }
            }
        }
        if (order.size() < n) {
            StringJoiner stuck = new StringJoiner(", ");
            int first = -1;
            for (int i = 0; i < n; i++) {
                if (waiting[i] > 0) {
                    first = first < 0 ? i : first;
                    stuck.add(path(i));
                }
            }
            throw new ConfigException(path(first) + "." + LayerConfig.INPUTS, "the inputs form a cycle: " + stuck
                    + " wait on each other (a layer can only read layers computed before it)");
        }
        return order;
    }

    private static String known(Map<String, Integer> byName) {
        return byName.isEmpty() ? "none; give a layer a name to read it" : String.join(", ", byName.keySet().stream()
                .sorted().toList());
    }

    static String path(int i) {
        return "model.layers[" + i + "]";
    }

    /** {@return true when every layer reads the one before: the model is a {@code Sequential}} */
    public boolean isStack() {
        return stack;
    }

    /** {@return the layer indices in an order where each comes after what it reads: ascending for a stack} */
    public List<Integer> order() {
        return order;
    }

    /**
     * {@return the indices of the layers that layer {@code i} reads, in order; -1 is the model's input}
     *
     * @param i the layer's index
     */
    public int[] inputs(int i) {
        return inputs[i].clone();
    }

    /**
     * {@return how an error message names a layer read by another: {@code the model's input},
     * {@code model.layers[2] ('stem')}}
     *
     * @param j the index of the layer read, -1 for the model's input
     */
    String label(int j) {
        if (j < 0) {
            return "the model's input";
        }
        return path(j) + (names.get(j).isEmpty() ? "" : " ('" + names.get(j) + "')");
    }
}
