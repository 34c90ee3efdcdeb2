package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A frozen module keeps its parameters in the state but gets no gradient and no optimizer update. */
class FrozenParametersTest {
    @Test
    void aFrozenLayerGetsNoGradientAndStaysOutOfTheOptimizer() {
        try (Scope scope = Scope.open("frozen")) {
            Linear first = new Linear(3, 4, new SplittableRandom(1));
            Linear second = new Linear(4, 2, new SplittableRandom(2));
            Sequential net = new Sequential(first, new Activation(dev.gatun.backend.UnaryOp.TANH), second);
            first.setTrainable(false);

            assertFalse(first.isTrainable());
            assertEquals(4, net.parameters().size(), "frozen parameters stay in parameters() and state()");
            // parameters() makes new Parameter records, whose constructor marks tensors trainable: not these.
            net.parameters();
            assertEquals(List.of("2.weight", "2.bias"), net.trainableParameters().stream().map(Parameter::name).toList());
            assertEquals(8 + 2, net.trainableParameterCount());
            assertEquals(12 + 4 + 8 + 2, net.parameterCount());
            assertFalse(net.parameters().getFirst().trainable());

            float[] before = first.weight().tensor().toFloatArray();
            Optimizer adam = new Adam(net.trainableParameters(), 0.1);
            for (int step = 0; step < 3; step++) {
                try (Scope s = Scope.open("step")) {
                    Tensor x = Tensor.of(new float[] {1, -2, 0.5f, 0.25f, 3, -1}, 2, 3);
                    adam.zeroGrad();
                    net.forward(x).mul(net.forward(x)).sum().backward();
                    adam.step();
                }
            }
            assertNull(first.weight().grad(), "no gradient is computed or kept for a frozen weight");
            assertNull(first.bias().grad());
            assertNotNull(second.weight().grad());
            assertArrayEquals(before, first.weight().tensor().toFloatArray());
            assertEquals(List.of("exp_avg.2.weight", "exp_avg_sq.2.weight", "exp_avg.2.bias", "exp_avg_sq.2.bias"),
                    List.copyOf(adam.stateTensors().keySet()));

            first.setTrainable(true);
            assertTrue(net.parameters().getFirst().trainable());
            assertEquals(4, net.trainableParameters().size());
        }
    }
}
