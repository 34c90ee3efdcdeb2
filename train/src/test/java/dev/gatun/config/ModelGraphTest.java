package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Add;
import dev.gatun.nn.Concat;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Graph;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Residual;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configs whose layers are wired by name, and residual blocks: validation, shapes and the networks built. */
class ModelGraphTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("graph-config");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void namedInputsBuildAGraphNamedByLayerIndex() {
        ModelConfig model = model("""
                input: [5]
                layers:
                  - {type: dense, units: 4, name: a}
                  - {type: dense, units: 4, inputs: [input], name: b}
                  - {type: add, inputs: [a, b], name: sum}
                  - {type: tanh, name: t}
                  - {type: concat, inputs: [sum, t, input]}
                """);
        assertEquals(List.of(0, 1, 2, 3, 4), model.graph().order());
        assertEquals(false, model.graph().isStack());
        Module net = ModelFactory.module(model, model.inputOrNull(), 7);
        Graph graph = assertInstanceOf(Graph.class, net);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), names(net));
        assertEquals(List.of("input"), graph.nodes().get(1).inputs());
        assertEquals(List.of("0", "1"), graph.nodes().get(2).inputs());
        assertEquals(List.of("2", "3", "input"), graph.nodes().get(4).inputs());
        assertInstanceOf(Add.class, graph.nodes().get(2).layer());
        assertInstanceOf(Concat.class, graph.nodes().get(4).layer());
        assertArrayEquals(new int[] {13}, ModelFactory.outputShapes(model, model.inputOrNull()).getLast());

        // The same layers called by hand, weights drawn in layer order from the seed as in a stack.
        SplittableRandom rng = new SplittableRandom(7);
        Linear a = new Linear(5, 4, true, DType.FLOAT32, rng);
        Linear b = new Linear(5, 4, true, DType.FLOAT32, rng);
        Tensor x = Tensor.uniform(new SplittableRandom(1), -1, 1, DType.FLOAT32, 3, 5);
        Tensor sum = a.forward(x).add(b.forward(x));
        Tensor expected = new Concat().forward(List.of(sum, sum.tanh(), x));
        assertArrayEquals(expected.toFloatArray(), net.forward(x).toFloatArray(), 0);
    }

    @Test
    void layersMayReadLaterLayersAndAreBuiltInTopologicalOrder() {
        ModelConfig model = model("""
                input: [3]
                layers:
                  - {type: dense, units: 4, inputs: [early], name: mid}
                  - {type: dense, units: 6, inputs: [input], name: early}
                  - {type: dense, units: 2, inputs: [mid]}
                """);
        assertEquals(List.of(1, 0, 2), model.graph().order());
        Graph net = assertInstanceOf(Graph.class, ModelFactory.module(model, model.inputOrNull(), 3));
        assertEquals(List.of("1", "0", "2"), net.nodes().stream().map(Graph.Node::name).toList());
        assertEquals("2", net.outputName(), "the last layer of the list is the output");
        // Weights are drawn in the order the layers run: the 6-unit layer first.
        Linear first = new Linear(3, 6, true, DType.FLOAT32, new SplittableRandom(3));
        assertArrayEquals(first.weight().tensor().toFloatArray(),
                ((Linear) net.nodes().getFirst().layer()).weight().tensor().toFloatArray(), 0);
    }

    @Test
    void residualBlocksAddTheInputAndProjectItWhenTheShapeChanges() {
        ModelConfig model = model("""
                input: [3, 9, 8]
                layers:
                  - type: residual
                    layers: [{type: conv2d, filters: 3, kernel: 3, padding: 1}, {type: relu}]
                  - type: residual
                    layers: [{type: conv2d, filters: 5, kernel: 3, stride: 2, padding: 1}, {type: batchnorm}]
                  - {type: flatten}
                  - {type: residual, layers: [{type: dense, units: 4}]}
                """);
        assertTrue(model.graph().isStack(), "residual blocks alone keep a stack");
        Module net = ModelFactory.module(model, model.inputOrNull(), 5);
        Sequential stack = assertInstanceOf(Sequential.class, net);
        assertEquals(List.of("0.body.0.weight", "0.body.0.bias", "1.body.0.weight", "1.body.0.bias", "1.body.1.weight",
                "1.body.1.bias", "1.projection.weight", "3.body.0.weight", "3.body.0.bias", "3.projection.weight"),
                names(net));
        Residual same = (Residual) stack.layers().getFirst();
        assertNull(same.projection(), "a block that keeps the shape adds x itself");
        Conv2d projection = assertInstanceOf(Conv2d.class, ((Residual) stack.layers().get(1)).projection());
        assertArrayEquals(new int[] {5, 3, 1, 1}, projection.weight().tensor().shape());
        assertNull(projection.bias());
        assertArrayEquals(new int[] {5, 5, 4}, ModelFactory.outputShapes(model, model.inputOrNull()).get(1));
        assertInstanceOf(Linear.class, ((Residual) stack.layers().get(3)).projection());
        assertEquals(ModelMemory.of(model, model.inputOrNull()).parameters(), net.parameterCount());
        assertEquals(net.parameterCount(), LayerSummary.of(model, model.inputOrNull()).stream()
                .mapToLong(LayerSummary.Row::parameters).sum());

        Tensor x = Tensor.uniform(new SplittableRandom(2), -1, 1, DType.FLOAT32, 2, 3, 9, 8);
        Tensor y0 = same.body().forward(x).add(x);
        assertArrayEquals(y0.toFloatArray(), same.forward(x).toFloatArray(), 0);
        assertArrayEquals(new int[] {2, 4}, net.forward(x).shape());
    }

    /** The example of configs/README.md: a join spelt out, a branch, concat and a residual block with a projection. */
    private static final String README_EXAMPLE = """
            input: [1, 28, 28]
            layers:
              - {type: conv2d, filters: 16, kernel: 3, padding: 1, name: stem}
              - {type: conv2d, filters: 16, kernel: 3, padding: 1}
              - {type: batchnorm, name: bn}
              - {type: add, inputs: [bn, stem]}
              - {type: relu, name: a}
              - {type: conv2d, filters: 8, kernel: 1, inputs: [stem], name: side}
              - {type: concat, inputs: [a, side]}
              - type: residual
                layers:
                  - {type: conv2d, filters: 32, kernel: 3, stride: 2, padding: 1, bias: false}
                  - {type: batchnorm}
              - {type: globalavgpool2d}
              - {type: dense, units: 10}
            """;

    @Test
    void theDocumentedExampleBuildsAndItsDocumentedErrorIsTheOneGiven() {
        ModelConfig model = model(README_EXAMPLE);
        List<int[]> shapes = ModelFactory.outputShapes(model, model.inputOrNull());
        assertArrayEquals(new int[] {24, 28, 28}, shapes.get(6));
        assertArrayEquals(new int[] {32, 14, 14}, shapes.get(7));
        Graph net = assertInstanceOf(Graph.class, ModelFactory.module(model, model.inputOrNull(), 1));
        assertTrue(names(net).contains("7.projection.weight"));
        assertArrayEquals(new int[] {2, 10}, net.forward(Tensor.zeros(2, 1, 28, 28)).shape());
        assertShapeProblem("model.layers[3]: add needs inputs of one shape, got [16, 28, 28] from model.layers[2] "
                + "('bn') and [8, 28, 28] from model.layers[5] ('side')",
                README_EXAMPLE.replace("inputs: [bn, stem]", "inputs: [bn, side]"));
    }

    @Test
    void wiringErrorsNameTheLayerAndWhatIsWrong() {
        assertProblem("model.layers[1].inputs[0]: unknown layer 'stm' (did you mean 'stem'?)", """
                - {type: dense, units: 4, name: stem}
                - {type: dense, units: 4, inputs: [stm]}
                """);
        assertProblem("model.layers[1].name: 'a' already names model.layers[0]", """
                - {type: dense, units: 4, name: a}
                - {type: dense, units: 4, name: a}
                """);
        assertProblem("model.layers[0].name: 'input' cannot name a layer: it is the model's input", """
                - {type: dense, units: 4, name: input}
                """);
        assertProblem("model.layers[0].inputs: the inputs form a cycle: model.layers[0], model.layers[1] wait on each "
                + "other (a layer can only read layers computed before it)", """
                - {type: dense, units: 4, name: a, inputs: [b]}
                - {type: dense, units: 4, name: b}
                """);
        assertProblem("model.layers[1]: no layer reads the output of this dense layer ('side'); only the last layer's "
                + "output is the model's, so list it in a later layer's inputs or remove it", """
                - {type: dense, units: 4, name: a}
                - {type: dense, units: 4, name: side}
                - {type: dense, units: 2, inputs: [a]}
                """);
        assertProblem("model.layers[2].inputs: a dense layer reads one input, got 2; join layers with add or concat "
                + "first", """
                - {type: dense, units: 4, name: a}
                - {type: dense, units: 4, name: b}
                - {type: dense, units: 2, inputs: [a, b]}
                """);
        assertProblem("model.layers[1].inputs: add joins layers: list at least two, e.g. inputs: [conv2, skip]", """
                - {type: dense, units: 4, name: a}
                - {type: add, inputs: [a]}
                """);
        assertProblem("model.layers[0].layers[0].name: not allowed inside a residual block, whose layers form a chain",
                """
                - {type: residual, layers: [{type: dense, units: 4, name: inner}]}
                """);
        assertProblem("model.layers[1].type: last_state works in a stack of layers only, right after its rnn, lstm or "
                + "gru layer; this model has named inputs", """
                - {type: lstm, hidden: 3, name: enc}
                - {type: last_state, units: 2}
                - {type: add, inputs: [enc, enc]}
                """);
    }

    @Test
    void shapesThatDoNotFitNameTheLayerAndBothShapes() {
        assertShapeProblem("model.layers[2]: add needs inputs of one shape, got [4] from model.layers[0] ('a') and [3] "
                + "from model.layers[1] ('b')", """
                input: [5]
                layers:
                  - {type: dense, units: 4, name: a}
                  - {type: dense, units: 3, name: b, inputs: [input]}
                  - {type: add, inputs: [a, b]}
                """);
        assertShapeProblem("model.layers[2]: concat needs inputs equal but on their first axis, got [4, 6, 6] from "
                + "model.layers[0] ('c') and [2, 3, 3] from model.layers[1] ('d')", """
                input: [1, 6, 6]
                layers:
                  - {type: conv2d, filters: 4, kernel: 3, padding: 1, name: c}
                  - {type: conv2d, filters: 2, kernel: 2, stride: 2, name: d}
                  - {type: concat, inputs: [c, d]}
                """);
        assertShapeProblem("model.layers[0]: the residual block turns [2, 5, 5] into [3, 4, 4], and x cannot be "
                + "projected to that: a projection (1×1 conv2d, or dense) exists between images whose height and "
                + "width shrink by a whole stride, or between flat [features]", """
                input: [2, 5, 5]
                layers:
                  - {type: residual, layers: [{type: conv2d, filters: 3, kernel: 2}]}
                """);
        assertShapeProblem("model.layers[0].layers[1]: dense needs one example as a flat [features], got [3, 4, 4]; "
                + "put a flatten layer before it", """
                input: [2, 5, 5]
                layers:
                  - {type: residual, layers: [{type: conv2d, filters: 3, kernel: 2}, {type: dense, units: 2}]}
                """);
    }

    private static void assertProblem(String expected, String layers) {
        ConfigException e = assertThrows(ConfigException.class, () -> model("input: [5]\nlayers:\n"
                + layers.indent(2)));
        assertEquals(expected, e.getMessage());
    }

    /** A config with {@code model.input} is checked when it is read, layer shapes included. */
    private static void assertShapeProblem(String expected, String yaml) {
        assertEquals(expected, assertThrows(ConfigException.class, () -> model(yaml)).getMessage());
    }

    private static List<String> names(Module net) {
        return net.parameters().stream().map(Parameter::name).toList();
    }

    private static ModelConfig model(String yaml) {
        return ExperimentConfig.from(ConfigLoader.parseYaml("data: {source: csv, path: none.csv, label: y}\nmodel:\n"
                + yaml.indent(2), "graph.yaml"), "graph").model();
    }
}
