package dev.gatun.studio.play;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.UnaryOp;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Add;
import dev.gatun.nn.Graph;
import dev.gatun.nn.Linear;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The views that walk a network layer by layer on a graph model: each node's own output, or a plain refusal. */
class GraphViewsTest {
    /** Nodes named by config index, run in the order 1, 0, 2 (layer 0 reads layer 1). */
    private static Graph graph() {
        SplittableRandom rng = new SplittableRandom(3);
        Graph.Builder g = Graph.builder("input");
        g.apply("1", new Linear(2, 3, rng), "input");
        g.apply("0", new Activation(UnaryOp.RELU), "1");
        return g.build(g.apply("2", new Add(), "0", "1"));
    }

    @Test
    void flowAndActivationsShowEveryNodesOwnOutputInTheOrderTheyRun() {
        try (Scope s = Scope.open("graph views")) {
            Graph net = graph();
            Tensor probe = Tensor.uniform(new SplittableRandom(1), -1, 1, DType.FLOAT32, 4, 2);
            List<String> types = List.of("relu", "dense", "add");
            ObjectNode flow = LayerFlow.measure("p1", 0, net, types, probe, null);
            List<String> labels = new ArrayList<>();
            flow.path("layers").forEach(l -> labels.add(l.path("label").asString()));
            assertEquals(List.of("1: dense", "0: relu", "2: add"), labels);

            Tensor one = Tensor.uniform(new SplittableRandom(2), -1, 1, DType.FLOAT32, 1, 2);
            Activations a = Activations.capture(net, types, one, new Activations.Example("test", 0, 1, 0),
                    List.of("a", "b", "c"), 0);
            assertEquals(List.of(1, 0, 2), a.layers().stream().map(Activations.Layer::index).toList());
            Tensor dense = net.nodes().getFirst().layer().forward(one);
            assertArrayEquals(dense.toFloatArray(), a.layers().getFirst().full().values(), 0);
            assertArrayEquals(dense.relu().add(dense).toFloatArray(), a.output().values(), 0);
        }
    }

    @Test
    void theNetworkViewAndTheBackpropWalkSayTheyNeedAStack() {
        try (Scope s = Scope.open("graph views")) {
            Graph net = graph();
            NetworkDiagram d = NetworkDiagram.of(net, List.of("relu", "dense", "add"), new int[] {2});
            assertTrue(d.columns().isEmpty());
            assertTrue(d.unsupported().startsWith("the network view draws a stack of dense layers; this model is a graph"),
                    d.unsupported());
            JsonNode json = d.json("p1", 0, null);
            assertEquals(d.unsupported(), json.path("unsupported").asString());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BackpropWalk.requireStack(net));
            assertTrue(e.getMessage().contains("walks a stack of layers"), e.getMessage());
        }
    }
}
