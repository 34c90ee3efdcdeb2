package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gatun.optim.Adam;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * zeroGrad leaves the zeros to be written when the gradient is next read, and the next backward
 * pass writes its gradient over them: every reader still sees zeros, then exactly that pass's
 * gradient, in the gradient's own memory.
 */
class ZeroGradTest {
    private static final float[] X = {1, -2, 0.5f, 0.25f, 3, -1};

    /** d/dw of sum(net(x)²), one backward pass into gradients that start at zero. */
    private static void backward(Linear net) {
        Tensor y = net.forward(Tensor.of(X, 2, 3));
        y.mul(y).sum().backward();
    }

    @Test
    void aZeroedGradientReadsAsZerosInItsOwnMemory() {
        try (Scope scope = Scope.open("zero-grad")) {
            Linear net = new Linear(3, 4, new SplittableRandom(1));
            Tensor w = net.weight().tensor();
            net.zeroGrad();
            assertNull(w.grad(), "nothing to zero before the first backward pass");
            try (Scope step = Scope.open("step")) {
                backward(net);
            }
            Tensor grad = w.grad();
            net.zeroGrad();
            assertSame(grad, w.grad(), "the memory is kept");
            assertArrayEquals(new float[12], grad.toFloatArray());
        }
    }

    @Test
    void theNextBackwardPassWritesItsGradientOverTheZeros() {
        try (Scope scope = Scope.open("zero-grad")) {
            Linear net = new Linear(3, 4, new SplittableRandom(1));
            Tensor w = net.weight().tensor();
            try (Scope step = Scope.open("step")) {
                backward(net);
            }
            float[] once = w.grad().toFloatArray();
            Tensor memory = w.grad();
            for (int round = 0; round < 3; round++) {
                net.zeroGrad();
                try (Scope step = Scope.open("step")) {
                    backward(net);
                }
                assertSame(memory, w.grad());
                assertArrayEquals(once, w.grad().toFloatArray(), "zeroGrad then backward gives one pass's gradient");
            }
            // Without zeroGrad a second pass adds onto the first: 0 + g + g.
            try (Scope step = Scope.open("step")) {
                backward(net);
            }
            float[] twice = w.grad().toFloatArray();
            for (int i = 0; i < once.length; i++) {
                assertEquals(once[i] + once[i], twice[i], 0f, "element " + i);
            }
        }
    }

    @Test
    void aParameterTheLossDoesNotReachReadsZerosAfterZeroGrad() {
        try (Scope scope = Scope.open("zero-grad")) {
            Linear used = new Linear(3, 4, new SplittableRandom(1));
            Linear unused = new Linear(3, 4, new SplittableRandom(2));
            try (Scope step = Scope.open("step")) {
                Tensor x = Tensor.of(X, 2, 3);
                used.forward(x).add(unused.forward(x)).sum().backward();
            }
            float[] usedOnce = used.weight().tensor().grad().toFloatArray();
            Optimizer adam = new Adam(new Sequential(used, unused).parameters(), 0.1);
            float[] unusedBefore = unused.weight().tensor().toFloatArray();
            adam.zeroGrad();
            try (Scope step = Scope.open("step")) {
                Tensor x = Tensor.of(X, 2, 3);
                used.forward(x).sum().backward();
            }
            adam.step();
            assertArrayEquals(new float[12], unused.weight().tensor().grad().toFloatArray(),
                    "the optimizer read zeros, not the last pass's gradient");
            assertArrayEquals(unusedBefore, unused.weight().tensor().toFloatArray(),
                    "Adam's first step with a zero gradient moves nothing");
            assertArrayEquals(usedOnce, used.weight().tensor().grad().toFloatArray(),
                    "d sum(xWᵀ + b)/dW does not depend on the other layer");
        }
    }
}
