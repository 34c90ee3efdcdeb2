package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RMSprop, Adagrad and AdamW against their formulas worked by hand, in double, for a few steps. */
class NewOptimizerTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
        BackendRegistry.use("cpu");
    }

    private static Parameter param(double value, DType dtype) {
        Parameter p = new Parameter("w", Tensor.full(dtype, value, 1));
        p.tensor().setGrad(Tensor.zeros(dtype, 1));
        return p;
    }

    private static DType setup(String s) {
        String[] parts = s.split("-");
        BackendRegistry.use(parts[0]);
        return DType.valueOf(parts[1].toUpperCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void rmspropByHand(String s) {
        Parameter p = param(1.0, setup(s));
        Rmsprop opt = new Rmsprop(List.of(p), 0.01, 0.9, 1e-8, 0, 0, false);
        p.grad().fill(2.0);
        opt.step();
        // sq = 0.1·4 = 0.4; p = 1 − 0.01·2/sqrt(0.4) = 1 − 0.0316227766
        assertEquals(1 - 0.01 * 2 / (Math.sqrt(0.4) + 1e-8), p.tensor().item(), 1e-6);
        p.grad().fill(-1.0);
        opt.step();
        // sq = 0.9·0.4 + 0.1·1 = 0.46
        assertEquals(1 - 0.01 * 2 / Math.sqrt(0.4) + 0.01 / Math.sqrt(0.46), p.tensor().item(), 1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void rmspropMomentumCenteredByHand(String s) {
        Parameter p = param(1.0, setup(s));
        Rmsprop opt = new Rmsprop(List.of(p), 0.1, 0.5, 1e-8, 0, 0.9, true);
        p.grad().fill(1.0);
        opt.step();
        // sq = 0.5, gavg = 0.5, avg = sqrt(0.5 − 0.25) = 0.5, buf = 1/0.5 = 2, p = 1 − 0.2
        assertEquals(0.8, p.tensor().item(), 1e-6);
        p.grad().fill(1.0);
        opt.step();
        // sq = 0.75, gavg = 0.75, avg = sqrt(0.75 − 0.5625) = sqrt(0.1875), buf = 0.9·2 + 1/avg
        double buf = 1.8 + 1 / Math.sqrt(0.1875);
        assertEquals(0.8 - 0.1 * buf, p.tensor().item(), 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void adagradByHand(String s) {
        Parameter p = param(1.0, setup(s));
        Adagrad opt = new Adagrad(List.of(p), 0.5, 1.0, 0, 1.0, 1e-10);
        p.grad().fill(3.0);
        opt.step();
        // sum = 1 + 9 = 10; clr = 0.5; p = 1 − 0.5·3/sqrt(10)
        double w = 1 - 0.5 * 3 / Math.sqrt(10);
        assertEquals(w, p.tensor().item(), 1e-6);
        p.grad().fill(-1.0);
        opt.step();
        // sum = 11; clr = 0.5/(1 + 1·1) = 0.25
        assertEquals(w + 0.25 / Math.sqrt(11), p.tensor().item(), 1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void weightDecayAddsToTheGradientForRmspropAndAdagrad(String s) {
        DType dt = setup(s);
        Parameter a = param(2.0, dt);
        Rmsprop r = new Rmsprop(List.of(a), 0.01, 0.9, 1e-8, 0.5, 0, false);
        r.step(); // g = 0 + 0.5·2 = 1, sq = 0.1
        assertEquals(2 - 0.01 / Math.sqrt(0.1), a.tensor().item(), 1e-6);
        Parameter b = param(2.0, dt);
        Adagrad ad = new Adagrad(List.of(b), 0.1, 0, 0.5, 0, 1e-10);
        ad.step(); // g = 1, sum = 1 → moves by lr
        assertEquals(1.9, b.tensor().item(), 1e-6);
    }

    @Test
    void adamWIsAdamWithDecoupledDecay() {
        BackendRegistry.use("scalar");
        Parameter a = param(2.0, DType.FLOAT64);
        Parameter b = param(2.0, DType.FLOAT64);
        AdamW w = new AdamW(List.of(a), 0.1, 0.9, 0.999, 1e-8, 0.5);
        Adam d = new Adam(List.of(b), 0.1, 0.9, 0.999, 1e-8, 0.5, true);
        for (double g : new double[] {0.3, -1, 0.7}) {
            a.grad().fill(g);
            b.grad().fill(g);
            w.step();
            d.step();
            assertEquals(b.tensor().item(), a.tensor().item(), 0);
        }
        Parameter c = param(2.0, DType.FLOAT64);
        new AdamW(List.of(c), 0.1).step(); // default wd 1e-2, zero gradient: only the decay
        assertEquals(2 * (1 - 0.1 * 1e-2), c.tensor().item(), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alpha", "lr decay", "initial accumulator", "beta1", "maxNorm", "clip limit"})
    void badHyperparametersAreRejected(String which) {
        List<Parameter> ps = List.of(param(1, DType.FLOAT32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            switch (which) {
                case "alpha" -> new Rmsprop(ps, 0.01, -0.1, 1e-8, 0, 0, false);
                case "lr decay" -> new Adagrad(ps, 0.01, -1, 0, 0, 1e-10);
                case "initial accumulator" -> new Adagrad(ps, 0.01, 0, 0, -1, 1e-10);
                case "beta1" -> new AdamW(ps, 0.01, 1.0, 0.999, 1e-8, 0.01);
                case "maxNorm" -> new Sgd(ps, 0.1).clipGradNorm(0);
                default -> new Sgd(ps, 0.1).clipGradValue(Double.NaN);
            }
        });
        assertTrue(e.getMessage().contains(which), e.getMessage());
    }
}
