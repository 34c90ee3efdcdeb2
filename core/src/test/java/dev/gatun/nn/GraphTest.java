package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.GradCheck;
import dev.gatun.backend.UnaryOp;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Graph models: merges, a tensor feeding several layers, and the Module behaviour a Sequential has. */
class GraphTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("graph-test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor random(long seed, int... shape) {
        return Tensor.uniform(seed, -1, 1, DType.FLOAT64, shape);
    }

    private static Conv2d conv(int in, int out, int stride, long seed) {
        return new Conv2d(in, out, new int[] {3, 3}, new int[] {stride, stride}, new int[] {1, 1}, new int[] {1, 1}, 1,
                true, DType.FLOAT64, new SplittableRandom(seed));
    }

    @Test
    void addOfATensorWithItselfGetsBothGradients() {
        // x feeds both inputs of the sum, and the product reads x a third time: all three gradients add up.
        GradCheck.check("add(x, x) * x", in -> new Add().forward(List.of(in.get(0), in.get(0))).mul(in.get(0)),
                random(1, 2, 3));
        GradCheck.check("add(a, b, c)", in -> new Add().forward(in).mul(in.get(1)), random(2, 3, 4), random(3, 3, 4),
                random(4, 3, 4));
    }

    @Test
    void concatGradientsReachEveryBranch() {
        GradCheck.check("concat images", in -> new Concat().forward(in), random(5, 2, 1, 3, 2), random(6, 2, 3, 3, 2));
        GradCheck.check("concat features of one tensor twice",
                in -> new Concat().forward(List.of(in.get(0), in.get(1), in.get(0))).tanh(), random(7, 3, 2),
                random(8, 3, 4));
    }

    @Test
    void residualBlockGradientsMatchFiniteDifferences() {
        Conv2d first = conv(2, 2, 1, 9);
        Conv2d second = conv(2, 2, 1, 10);
        Residual block = new Residual(new Sequential(first, new Activation(UnaryOp.TANH), second));
        GradCheck.check("residual", in -> block.forward(in.get(0)), random(11, 2, 2, 4, 3),
                first.weight().tensor(), first.bias().tensor(), second.weight().tensor());

        Conv2d body = conv(2, 3, 2, 12);
        Conv2d projection = new Conv2d(2, 3, new int[] {1, 1}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, 1,
                false, DType.FLOAT64, new SplittableRandom(13));
        Residual down = new Residual(body, projection);
        GradCheck.check("residual with projection", in -> down.forward(in.get(0)), random(14, 2, 2, 5, 4),
                body.weight().tensor(), projection.weight().tensor());
        assertEquals(List.of("body.weight", "body.bias", "projection.weight"),
                down.parameters().stream().map(Parameter::name).toList());
    }

    @Test
    void graphWithBranchesMatchesTheSameLayersCalledByHand() {
        Linear a = new Linear(4, 3, true, DType.FLOAT64, new SplittableRandom(20));
        Linear b = new Linear(4, 3, true, DType.FLOAT64, new SplittableRandom(21));
        Linear head = new Linear(10, 2, true, DType.FLOAT64, new SplittableRandom(22));
        Graph.Builder g = Graph.builder("x");
        String left = g.apply("left", a, "x");
        String right = g.apply("right", b, "x");
        String act = g.apply("act", new Activation(UnaryOp.TANH), right);
        String sum = g.apply("sum", new Add(), left, act);
        String joined = g.apply("joined", new Concat(), sum, "x", left);
        Graph net = g.build(g.apply("head", head, joined));

        Tensor x = random(23, 5, 4);
        Tensor l = a.forward(x);
        Tensor expected = head.forward(joinColumns(l.add(b.forward(x).tanh()), x, l));
        assertArrayEquals(expected.toDoubleArray(), net.forward(x).toDoubleArray(), 0);
        Map<String, Tensor> outputs = net.outputs(x);
        assertEquals(List.of("left", "right", "act", "sum", "joined", "head"), List.copyOf(outputs.keySet()));
        assertArrayEquals(l.add(b.forward(x).tanh()).toDoubleArray(), outputs.get("sum").toDoubleArray(), 0);

        assertEquals(List.of("left", "right", "act", "sum", "joined", "head"),
                net.nodes().stream().map(Graph.Node::name).toList());
        assertEquals(List.of("sum", "x", "left"), net.nodes().get(4).inputs());
        assertEquals("x", net.inputName());
        assertEquals("head", net.outputName());
        assertEquals(List.of("left.weight", "left.bias", "right.weight", "right.bias", "head.weight", "head.bias"),
                net.parameters().stream().map(Parameter::name).toList());

        GradCheck.check("graph", in -> net.forward(in.get(0)), random(24, 3, 4), a.weight().tensor(),
                b.bias().tensor(), head.weight().tensor());
    }

    @Test
    void modeFreezingAndBuffersReachEveryNode() {
        Graph.Builder g = Graph.builder("in");
        String c = g.apply(conv(1, 2, 1, 30), "in");
        String bn = g.apply(new BatchNorm2d(2, DType.FLOAT64), c);
        Graph net = g.build(g.apply(new Residual(new Dropout(0.5, 1)), bn));
        assertEquals(List.of("1.running_mean", "1.running_var"), net.buffers().stream().map(Parameter::name).toList());
        assertEquals(List.of("0", "1", "2"), List.copyOf(net.namedChildren().keySet()));
        net.train(false);
        assertFalse(net.nodes().get(2).layer().isTraining());
        assertFalse(((Residual) net.nodes().get(2).layer()).body().isTraining());
        net.nodes().getFirst().layer().setTrainable(false);
        assertEquals(List.of("1.weight", "1.bias"), net.trainableParameters().stream().map(Parameter::name).toList());
        assertEquals(4, net.parameters().size());
    }

    @Test
    void builderRefusesWhatIsNotADag() {
        Graph.Builder g = Graph.builder("x");
        Linear shared = new Linear(2, 2, new SplittableRandom(40));
        g.apply("a", shared, "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.apply("b", new Flatten(), "nope"))
                .getMessage().contains("reads 'nope'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.apply("a", new Flatten(), "x"))
                .getMessage().contains("'a' is already used"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.apply("c", shared, "x"))
                .getMessage().contains("reuses the layer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.apply("d", new Flatten(), "x", "a"))
                .getMessage().contains("exactly one input"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.apply("e.f", new Flatten(), "x"))
                .getMessage().contains("without dots"));
        g.apply("unused", new Flatten(), "x");
        g.apply("out", new Activation(UnaryOp.RELU), "a");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.build("out"))
                .getMessage().contains("node 'unused' is not used"));
    }

    /** Concat along the feature axis by hand, the reference of the graph test. */
    private static Tensor joinColumns(Tensor... parts) {
        int rows = parts[0].dim(0);
        int cols = 0;
        for (Tensor p : parts) {
            cols += p.dim(1);
        }
        double[] out = new double[rows * cols];
        int at = 0;
        for (Tensor p : parts) {
            double[] v = p.toDoubleArray();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(v, r * p.dim(1), out, r * cols + at, p.dim(1));
            }
            at += p.dim(1);
        }
        return Tensor.of(out, rows, cols);
    }
}
