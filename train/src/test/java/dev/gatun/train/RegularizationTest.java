package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** L1 / L2 penalty values and gradients worked by hand; the finite-difference check is in RegularizationGradientTest. */
class RegularizationTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void penaltyValuesAndGradientsByHand() {
        Parameter a = new Parameter("a", Tensor.of(new double[] {1.5, -2, 0}, 3));
        Parameter b = new Parameter("b", Tensor.of(new double[] {-0.5, 4}, 2));
        // L1: 0.1·(1.5 + 2 + 0 + 0.5 + 4) = 0.8; L2: 0.01·(2.25 + 4 + 0 + 0.25 + 16) = 0.225
        assertEquals(0.8, Regularization.l1(List.of(a, b), 0.1).value(), 1e-15);
        assertEquals(0.225, Regularization.l2(List.of(a, b), 0.01).value(), 1e-15);

        Regularization.l1(List.of(a, b), 0.1).penalty().backward();
        assertArrayEquals(new double[] {0.1, -0.1, 0}, a.grad().toDoubleArray(), 1e-15, "λ·sign(w), 0 at 0");
        assertArrayEquals(new double[] {-0.1, 0.1}, b.grad().toDoubleArray(), 1e-15);
        a.zeroGrad();
        Regularization.l2(List.of(a), 0.01).penalty().backward();
        assertArrayEquals(new double[] {0.03, -0.04, 0}, a.grad().toDoubleArray(), 1e-15, "2λ·w");
    }

    @Test
    void perLayerPenaltiesAddToTheLossAndL2MatchesWeightDecay() {
        SplittableRandom rng = new SplittableRandom(4);
        Linear first = new Linear(3, 4, rng);
        Linear second = new Linear(4, 2, rng);
        Sequential net = new Sequential(first, second);
        Tensor x = Tensor.uniform(1, -1, 1, DType.FLOAT32, 5, 3);
        Tensor y = Tensor.uniform(2, -1, 1, DType.FLOAT32, 5, 2);
        Regularization r1 = Regularization.l1(first, 0.01);
        Regularization r2 = Regularization.l2(second, 0.05);
        Loss loss = Regularization.addTo(Loss.MSE, r1, r2);
        double plain = Loss.MSE.apply(net.forward(x), y).item();
        assertEquals(plain + r1.value() + r2.value(), loss.apply(net.forward(x), y).item(), 1e-6);

        // One SGD step on MSE + λ·Σw² over every parameter equals SGD with weight decay 2λ on MSE alone.
        Sequential copy = new Sequential(new Linear(3, 4, new SplittableRandom(4)), new Linear(4, 2, new SplittableRandom(4)));
        SplittableRandom again = new SplittableRandom(4);
        Sequential twin = new Sequential(new Linear(3, 4, again), new Linear(4, 2, again));
        Loss l2Loss = Regularization.addTo(Loss.MSE, Regularization.l2(net, 0.05));
        Sgd viaPenalty = new Sgd(net.parameters(), 0.1);
        Sgd viaDecay = new Sgd(twin.parameters(), 0.1, 0, 0, 0.1, false);
        l2Loss.apply(net.forward(x), y).backward();
        viaPenalty.step();
        Loss.MSE.apply(twin.forward(x), y).backward();
        viaDecay.step();
        for (int i = 0; i < net.parameters().size(); i++) {
            assertArrayEquals(twin.parameters().get(i).tensor().toFloatArray(),
                    net.parameters().get(i).tensor().toFloatArray(), 1e-6f, net.parameters().get(i).name());
        }
        assertEquals(copy.parameters().size(), net.parameters().size());
    }

    @Test
    void badSettingsAreRejected() {
        Parameter a = new Parameter("a", Tensor.zeros(DType.FLOAT32, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regularization.l1(List.of(a), -1));
        assertTrue(e.getMessage().contains("L1 lambda"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Regularization.l2(List.of(), 0.1));
        assertTrue(e.getMessage().contains("at least one parameter"), e.getMessage());
    }
}
