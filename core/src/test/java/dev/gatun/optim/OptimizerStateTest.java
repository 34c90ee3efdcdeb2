package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Saving and loading optimizer state: a restored optimizer continues exactly like the original. */
class OptimizerStateTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static List<Parameter> params() {
        Parameter w = new Parameter("fc.weight", Tensor.uniform(7, -1, 1, DType.FLOAT32, 3, 5));
        Parameter b = new Parameter("fc.bias", Tensor.uniform(8, -1, 1, DType.FLOAT32, 5));
        for (Parameter p : List.of(w, b)) {
            p.tensor().setGrad(Tensor.zeros(DType.FLOAT32, p.tensor().shape()));
        }
        return List.of(w, b);
    }

    private static void setGrads(List<Parameter> ps, int step) {
        for (Parameter p : ps) {
            p.grad().copyFrom(Tensor.uniform(100 + step, -1, 1, DType.FLOAT32, p.tensor().shape()));
        }
    }

    private static Function<List<Parameter>, Optimizer> maker(String kind) {
        return switch (kind) {
            case "Sgd" -> ps -> new Sgd(ps, 0.1, 0.9, 0, 0.01, true);
            case "Adam" -> ps -> new Adam(ps, 0.01);
            case "AdamW" -> ps -> new AdamW(ps, 0.01);
            case "Rmsprop" -> ps -> new Rmsprop(ps, 0.01, 0.9, 1e-8, 0.01, 0.5, true);
            default -> ps -> new Adagrad(ps, 0.1, 0.01, 0, 0.1, 1e-10);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sgd", "Adam", "AdamW", "Rmsprop", "Adagrad"})
    void restoredOptimizerContinuesBitForBit(String kind) {
        List<Parameter> a = params();
        List<Parameter> b = params();
        Optimizer first = maker(kind).apply(a);
        for (int step = 1; step <= 3; step++) {
            setGrads(a, step);
            first.step();
        }
        first.setLearningRate(0.005);
        // The second optimizer starts from the first one's weights and state, as after a reload.
        for (int i = 0; i < a.size(); i++) {
            b.get(i).tensor().copyFrom(a.get(i).tensor());
        }
        Map<String, Tensor> saved = new HashMap<>();
        first.stateTensors().forEach((name, t) -> saved.put(name, t.contiguous().to(t.dtype()).mul(1.0)));
        Optimizer second = maker(kind).apply(b);
        second.loadState(first.state(), saved);
        assertEquals(first.state(), second.state());
        assertEquals(3, second.stepCount());
        assertEquals(0.005, second.learningRate());
        for (int step = 4; step <= 6; step++) {
            setGrads(a, step);
            setGrads(b, step);
            first.step();
            second.step();
        }
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).tensor().toFloatArray(), b.get(i).tensor().toFloatArray(),
                    kind + " " + a.get(i).name());
        }
    }

    @Test
    void stateNamesFollowTorch() {
        List<Parameter> ps = params();
        Adam adam = new Adam(ps, 0.01);
        assertEquals(Map.of(), adam.stateTensors(), "nothing before the first step");
        setGrads(ps, 1);
        adam.step();
        assertEquals(List.of("exp_avg.fc.weight", "exp_avg_sq.fc.weight", "exp_avg.fc.bias", "exp_avg_sq.fc.bias"),
                List.copyOf(adam.stateTensors().keySet()));
        assertEquals(List.of("sum.fc.weight", "sum.fc.bias"),
                List.copyOf(new Adagrad(ps, 0.1).stateTensors().keySet()), "Adagrad allocates at construction");
        Rmsprop r = new Rmsprop(ps, 0.01, 0.99, 1e-8, 0, 0.9, true);
        r.step();
        assertEquals(List.of("square_avg.fc.weight", "momentum_buffer.fc.weight", "grad_avg.fc.weight",
                "square_avg.fc.bias", "momentum_buffer.fc.bias", "grad_avg.fc.bias"),
                List.copyOf(r.stateTensors().keySet()));
        assertEquals(new OptimizerState("Rmsprop", 1, 0.01), r.state());
    }

    @Test
    void loadingBadStateFailsBeforeCopyingAnything() {
        List<Parameter> ps = params();
        Adam adam = new Adam(ps, 0.01);
        setGrads(ps, 1);
        adam.step();
        Map<String, Tensor> good = new LinkedHashMap<>(adam.stateTensors());
        Adam fresh = new Adam(params(), 0.01);

        Map<String, Tensor> unknown = new LinkedHashMap<>(good);
        unknown.put("exp_avg.fc.kernel", Tensor.zeros(DType.FLOAT32, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fresh.loadState(adam.state(), unknown));
        assertTrue(e.getMessage().contains("unknown state tensor 'exp_avg.fc.kernel'"), e.getMessage());

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good);
        wrongShape.put("exp_avg.fc.bias", Tensor.zeros(DType.FLOAT32, 4));
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadState(adam.state(), wrongShape));
        assertTrue(e.getMessage().contains("'exp_avg.fc.bias'") && e.getMessage().contains("[5]"), e.getMessage());

        Map<String, Tensor> wrongType = new LinkedHashMap<>(good);
        wrongType.put("exp_avg.fc.bias", Tensor.zeros(DType.FLOAT64, 5));
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadState(adam.state(), wrongType));
        assertTrue(e.getMessage().contains("'exp_avg.fc.bias'"), e.getMessage());

        Map<String, Tensor> partial = new LinkedHashMap<>(good);
        partial.remove("exp_avg_sq.fc.weight");
        e = assertThrows(IllegalArgumentException.class, () -> fresh.loadState(adam.state(), partial));
        assertTrue(e.getMessage().contains("'fc.weight' has 1 of its 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> fresh.loadState(new OptimizerState("Sgd", 1, 0.1), good));
        assertTrue(e.getMessage().contains("cannot load Sgd state into Adam"), e.getMessage());
        assertEquals(Map.of(), fresh.stateTensors(), "nothing was loaded");
        assertEquals(0, fresh.stepCount());
    }

    @Test
    void duplicateParameterNamesAreRejected() {
        Parameter a = new Parameter("w", Tensor.zeros(DType.FLOAT32, 2));
        Parameter b = new Parameter("w", Tensor.zeros(DType.FLOAT32, 2));
        Sgd sgd = new Sgd(List.of(a, b), 0.1, 0.9, 0, 0, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, sgd::stateTensors);
        assertTrue(e.getMessage().contains("two parameters are named 'w'"), e.getMessage());
    }

    @Test
    void clippingRunsInsideStep() {
        Parameter p = new Parameter("w", Tensor.zeros(DType.FLOAT64, 2));
        p.tensor().setGrad(Tensor.of(new double[] {3, 4}, 2));
        Optimizer sgd = new Sgd(List.of(p), 1.0).clipGradNorm(1.0);
        sgd.step();
        // |g| = 5 → scaled by 1/(5 + 1e-6): the step moves by (0.6, 0.8) just under unit length.
        assertEquals(5.0, sgd.lastGradNorm(), 1e-12);
        assertArrayEquals(new double[] {-3 / (5 + 1e-6), -4 / (5 + 1e-6)}, p.tensor().toDoubleArray(), 1e-12);

        Parameter q = new Parameter("w", Tensor.zeros(DType.FLOAT64, 3));
        q.tensor().setGrad(Tensor.of(new double[] {3, -0.2, -7}, 3));
        new Adagrad(List.of(q), 1.0).clipGradValue(0.5).step();
        // Clamped to (0.5, -0.2, -0.5); Adagrad's first step from a zero sum moves each by lr·sign(g).
        assertArrayEquals(new double[] {-1, 1, 1}, q.tensor().toDoubleArray(), 1e-9);
    }
}
