package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Optimizer updates against values computed by hand (PyTorch's formulas) for a few steps. */
class OptimizerTest {
    @AfterAll
    static void restore() {
        BackendRegistry.use("cpu");
    }

    private static Parameter param(double value, DType dtype) {
        return new Parameter("w", Tensor.full(dtype, value, 1));
    }

    private static void setGrad(Parameter p, double g) {
        Tensor grad = Tensor.full(p.tensor().dtype(), g, 1);
        if (p.grad() == null) {
            p.tensor().setGrad(Tensor.zeros(p.tensor().scope(), p.tensor().dtype(), 1));
        }
        p.grad().copyFrom(grad);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void sgdMomentumNesterovWeightDecay(String setup) {
        String[] s = setup.split("-");
        BackendRegistry.use(s[0]);
        DType dt = DType.valueOf(s[1].toUpperCase());
        try (Scope scope = Scope.open()) {
            Parameter p = param(1.0, dt);
            Sgd sgd = new Sgd(List.of(p), 0.1, 0.9, 0, 0.01, true);
            double w = 1.0;
            double buf = 0;
            double[] grads = {0.5, -0.2, 0.3};
            for (int i = 0; i < grads.length; i++) {
                setGrad(p, grads[i]);
                sgd.step();
                double g = grads[i] + 0.01 * w;
                buf = i == 0 ? g : 0.9 * buf + g;
                w -= 0.1 * (g + 0.9 * buf);
                assertEquals(w, p.tensor().item(), 1e-6, "step " + (i + 1));
            }
            // Concretely, step 1: g = 0.51, buf = 0.51, w = 1 - 0.1·(0.51 + 0.459) = 0.9031.
            Parameter q = param(1.0, dt);
            Sgd one = new Sgd(List.of(q), 0.1, 0.9, 0, 0.01, true);
            setGrad(q, 0.5);
            one.step();
            assertEquals(0.9031, q.tensor().item(), 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void adamMatchesTheFormula(String setup) {
        String[] s = setup.split("-");
        BackendRegistry.use(s[0]);
        DType dt = DType.valueOf(s[1].toUpperCase());
        try (Scope scope = Scope.open()) {
            Parameter p = param(0.5, dt);
            Adam adam = new Adam(List.of(p), 0.01);
            setGrad(p, 2.0);
            adam.step();
            // First step: m̂ = g, v̂ = g², so the move is lr·g/(|g| + ε) ≈ lr.
            assertEquals(0.49, p.tensor().item(), 1e-6);
            double w = 0.49, m = 0.1 * 2.0, v = 0.001 * 4.0;
            double[] grads = {-1.0, 0.25};
            for (int i = 0; i < grads.length; i++) {
                int t = i + 2;
                setGrad(p, grads[i]);
                adam.step();
                m = 0.9 * m + 0.1 * grads[i];
                v = 0.999 * v + 0.001 * grads[i] * grads[i];
                w -= 0.01 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
                assertEquals(w, p.tensor().item(), 1e-6, "step " + t);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void adamWeightDecayL2VersusDecoupled(boolean decoupled) {
        BackendRegistry.use("scalar");
        try (Scope scope = Scope.open()) {
            Parameter p = param(2.0, DType.FLOAT64);
            Adam adam = new Adam(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0.5, decoupled);
            setGrad(p, 0.0);
            adam.step();
            // L2: g = 0 + 0.5·2 = 1 → moves by lr = 0.1. AdamW: p·(1 - 0.1·0.5) = 1.9, g = 0 → no Adam move.
            assertEquals(decoupled ? 1.9 : 1.9, p.tensor().item(), 1e-6);
            setGrad(p, 0.0);
            adam.step();
            double expected = decoupled ? 1.9 * 0.95 : 1.9 - 0.1 * (0.1 * 1 * 0.9 + 0.1 * 0.95) / (1 - 0.81)
                    / (Math.sqrt((0.001 * 0.999 * 1 + 0.001 * 0.95 * 0.95) / (1 - 0.999 * 0.999)) + 1e-8);
            assertEquals(expected, p.tensor().item(), 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lr", "momentum", "nesterov"})
    void badHyperparametersAreRejected(String which) {
        try (Scope scope = Scope.open()) {
            List<Parameter> ps = List.of(param(1, DType.FLOAT32));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                switch (which) {
                    case "lr" -> new Adam(ps, -1);
                    case "momentum" -> new Sgd(ps, 0.1, 1.5, 0, 0, false);
                    default -> new Sgd(ps, 0.1, 0, 0, 0, true);
                }
            });
            assertEquals(true, e.getMessage().toLowerCase().contains(which.equals("lr") ? "learning rate" : which),
                    e.getMessage());
        }
    }
}
