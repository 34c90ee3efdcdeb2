package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** Gradient clipping with hand-computed numbers, on both backends and dtypes. */
class GradClipTest {
    @AfterAll
    static void restore() {
        BackendRegistry.use("cpu");
    }

    private static Parameter withGrad(DType dt, double... grad) {
        Parameter p = new Parameter("w", Tensor.zeros(dt, grad.length));
        Tensor g = Tensor.zeros(p.tensor().scope(), dt, grad.length);
        for (int i = 0; i < grad.length; i++) {
            g.setFlat(i, grad[i]);
        }
        p.tensor().setGrad(g);
        return p;
    }

    private static DType setUp(String setup) {
        String[] s = setup.split("-");
        BackendRegistry.use(s[0]);
        return DType.valueOf(s[1].toUpperCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "scalar-float32", "cpu-float32", "cpu-float64"})
    void clipByNormScalesAllGradientsTogether(String setup) {
        DType dt = setUp(setup);
        double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-12;
        try (Scope _ = Scope.open()) {
            Parameter a = withGrad(dt, 3, 4);
            Parameter b = withGrad(dt, 12);
            Parameter none = new Parameter("unused", Tensor.zeros(dt, 2));
            // Global norm sqrt(9 + 16 + 144) = 13; maxNorm 6.5 scales by 6.5 / (13 + 1e-6) ≈ 1/2.
            double norm = GradClip.clipByNorm(List.of(a, none, b), 6.5);
            assertEquals(13, norm, tol);
            double c = 6.5 / (13 + 1e-6);
            assertArrayEquals(new double[] {3 * c, 4 * c}, a.grad().toDoubleArray(), tol);
            assertEquals(12 * c, b.grad().item(), tol);
            assertEquals(1.5, a.grad().getFlat(0), 1e-6);
            assertNull(none.grad());
            // Now under the limit: returned norm is 6.5 (minus the epsilon's share), nothing changes.
            double before = b.grad().item();
            assertEquals(6.5, GradClip.clipByNorm(List.of(a, b), 100), 1e-6);
            assertEquals(before, b.grad().item(), 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void clipByNormEdgeCases(String setup) {
        DType dt = setUp(setup);
        try (Scope _ = Scope.open()) {
            Parameter a = withGrad(dt, 3, -4);
            assertEquals(5, GradClip.clipByNorm(List.of(a), 0), 1e-6);
            assertArrayEquals(new double[] {0, 0}, a.grad().toDoubleArray(), 0);
            Parameter inf = withGrad(dt, Double.POSITIVE_INFINITY, 1);
            assertEquals(Double.POSITIVE_INFINITY, GradClip.clipByNorm(List.of(inf), 1), 0);
            assertEquals(1, inf.grad().getFlat(1), 0); // left alone, see Javadoc
            assertEquals(0, GradClip.clipByNorm(List.of(new Parameter("n", Tensor.zeros(dt, 1))), 1), 0);
            assertThrows(IllegalArgumentException.class, () -> GradClip.clipByNorm(List.of(a), -1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar-float64", "cpu-float32"})
    void clipByValueClampsEachElement(String setup) {
        DType dt = setUp(setup);
        try (Scope _ = Scope.open()) {
            Parameter a = withGrad(dt, 3, -4, 0.25, -0.5, 0.5);
            Parameter none = new Parameter("unused", Tensor.zeros(dt, 1));
            GradClip.clipByValue(List.of(a, none), 0.5);
            assertArrayEquals(new double[] {0.5, -0.5, 0.25, -0.5, 0.5}, a.grad().toDoubleArray(), 0);
            assertNull(none.grad());
            Parameter nan = withGrad(dt, Double.NaN, 2);
            GradClip.clipByValue(List.of(nan), 1);
            assertEquals(Double.NaN, nan.grad().getFlat(0), 0);
            assertEquals(1, nan.grad().getFlat(1), 0);
            assertThrows(IllegalArgumentException.class, () -> GradClip.clipByValue(List.of(a), Double.NaN));
        }
    }
}
