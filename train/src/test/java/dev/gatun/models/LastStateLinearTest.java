package dev.gatun.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.GRU;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.ops.AxisConcat;
import dev.gatun.ops.MatMul;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sequence-to-one head: which final state it reads, and that gradients reach the encoder. */
class LastStateLinearTest {
    @Test
    void unidirectionalReadsTheTopLayersFinalState() {
        try (Scope ignored = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(3);
            LSTM lstm = new LSTM(3, 5, 2, false, true, DType.FLOAT64, rng);
            LastStateLinear net = new LastStateLinear(lstm, 4, rng);
            Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT64, 6, 7, 3);
            Tensor y = net.forward(x);
            assertArrayEquals(new int[] {6, 4}, y.shape());
            // The top layer's final hidden state is the output sequence's last step.
            Tensor last = lstm.forward(x, null, null).output().slice(1, 6, 7).contiguous().reshape(6, 5);
            Tensor expected = MatMul.linear(last, head(net, "weight"), head(net, "bias"));
            assertClose(expected, y);
        }
    }

    @Test
    void bidirectionalConcatenatesBothDirectionsOfTheTopLayer() {
        try (Scope ignored = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(4);
            GRU gru = new GRU(2, 3, 1, true, true, DType.FLOAT64, rng);
            LastStateLinear net = new LastStateLinear(gru, 2, rng);
            Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT64, 5, 4, 2);
            Tensor y = net.forward(x);
            assertArrayEquals(new int[] {5, 2}, y.shape());
            Tensor out = gru.forward(x, null, null).output(); // [B, T, 2H]
            // Forward direction: its state after the last step; reverse direction: after the first.
            Tensor fwd = out.slice(1, 3, 4).slice(2, 0, 3).contiguous().reshape(5, 3);
            Tensor rev = out.slice(1, 0, 1).slice(2, 3, 6).contiguous().reshape(5, 3);
            Tensor expected = MatMul.linear(AxisConcat.apply(1, fwd, rev), head(net, "weight"), head(net, "bias"));
            assertClose(expected, y);
        }
    }

    @Test
    void gradientsReachEveryEncoderWeight() {
        try (Scope ignored = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(5);
            RecurrentLayer enc = new LSTM(3, 4, 1, true, true, DType.FLOAT64, rng);
            LastStateLinear net = new LastStateLinear(enc, 2, rng);
            net.forward(Tensor.uniform(rng, -1, 1, DType.FLOAT64, 2, 5, 3)).sum().backward();
            for (Parameter p : net.parameters()) {
                assertNotNull(p.grad(), p.name() + " got no gradient");
                double norm = 0;
                for (double g : p.grad().toDoubleArray()) {
                    norm += g * g;
                }
                assertTrue(norm > 0, p.name() + " has an all-zero gradient");
            }
            assertEquals(8 + 2, net.parameters().size()); // 4 tensors per direction, then the head's 2
        }
    }

    private static Tensor head(LastStateLinear net, String name) {
        return net.parameters().stream().filter(p -> p.name().equals("head." + name)).findFirst().orElseThrow().tensor();
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-12, "at " + i);
        }
    }
}
