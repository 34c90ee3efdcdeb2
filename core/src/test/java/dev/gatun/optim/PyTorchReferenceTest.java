package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Four steps of each optimizer against torch 2.13 (CPU, float64). The constants were produced once by
 * <pre>
 * import torch
 * grads = [[0.5, -1.25, 2.0], [-0.3, 0.8, 0.1], [1.5, 0.0, -0.7], [0.2, -0.4, 0.9]]
 * def run(make):
 *     p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
 *     opt = make([p])
 *     for g in grads:
 *         p.grad = torch.tensor(g, dtype=torch.float64)
 *         opt.step()
 *     return [float(x) for x in p.detach()]
 * run(lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True))
 * run(lambda ps: torch.optim.RMSprop(ps, lr=0.01))
 * run(lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-10))
 * run(lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.1))
 * run(lambda ps: torch.optim.AdamW(ps, lr=0.01))
 * </pre>
 * Float64 on the scalar backend must agree to rounding; float32 on the CPU kernels to float precision.
 */
class PyTorchReferenceTest {
    static final double[][] GRADS = {{0.5, -1.25, 2.0}, {-0.3, 0.8, 0.1}, {1.5, 0.0, -0.7}, {0.2, -0.4, 0.9}};
    static final double[] START = {1.0, -2.0, 0.5};

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

    private static double[] run(String setup, Function<List<Parameter>, Optimizer> make) {
        String[] s = setup.split("-");
        BackendRegistry.use(s[0]);
        DType dt = DType.valueOf(s[1].toUpperCase());
        Parameter p = new Parameter("w", Tensor.of(START, 3).to(dt));
        Optimizer opt = make.apply(List.of(p));
        p.tensor().setGrad(Tensor.zeros(dt, 3));
        for (double[] g : GRADS) {
            p.grad().copyFrom(Tensor.of(g, 3).to(dt));
            opt.step();
        }
        return p.tensor().toDoubleArray();
    }

    private static void assertClose(double[] expected, double[] actual, String setup) {
        double tol = setup.endsWith("float64") ? 1e-12 : 2e-6;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, setup + " element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32", "cpu-float64"})
    void rmspropCenteredWithMomentumAndWeightDecay(String setup) {
        assertClose(new double[] {0.9025423841094714, -1.940195493829989, 0.4342197170450762},
                run(setup, ps -> new Rmsprop(ps, 0.01, 0.9, 1e-6, 0.1, 0.5, true)), setup);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void rmspropDefaults(String setup) {
        assertClose(new double[] {0.8459208704924571, -1.9277416107087353, 0.3887551457092959},
                run(setup, ps -> new Rmsprop(ps, 0.01)), setup);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32", "cpu-float64"})
    void adagradWithLrDecayWeightDecayAndInitialAccumulator(String setup) {
        assertClose(new double[] {0.8497397119137864, -1.8997745134431898, 0.3890022363755414},
                run(setup, ps -> new Adagrad(ps, 0.1, 0.05, 0.1, 0.2, 1e-10)), setup);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void adamW(String setup) {
        assertClose(new double[] {0.9716756279848315, -1.9766280624714934, 0.47333002673854657},
                run(setup, ps -> new AdamW(ps, 0.01, 0.9, 0.99, 1e-8, 0.1)), setup);
        assertClose(new double[] {0.9752051511611849, -1.9838024796694922, 0.4751290604740836},
                run(setup, ps -> new AdamW(ps, 0.01)), setup);
    }
}
