package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each initializer's range or spread against its formula, with PyTorch's fan-in/fan-out. */
class InitTest {
    private static double[] stats(Tensor t) {
        double[] v = t.toDoubleArray();
        double mean = 0;
        double max = 0;
        for (double x : v) {
            mean += x;
            max = Math.max(max, Math.abs(x));
        }
        mean /= v.length;
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(var / v.length), max};
    }

    @Test
    void uniformInitializersStayInTheirBounds() {
        try (Scope s = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(1);
            // fanIn = 300, fanOut = 200 for a [200, 300] weight.
            double xavier = Math.sqrt(6.0 / 500);
            double[] x = stats(Init.xavierUniform(rng, DType.FLOAT64, 200, 300));
            assertTrue(x[2] <= xavier && x[2] > 0.98 * xavier, "xavier bound " + x[2]);
            assertEquals(xavier / Math.sqrt(3), x[1], 0.02 * xavier);
            double kaiming = Math.sqrt(2.0) * Math.sqrt(3.0 / 300);
            double[] k = stats(Init.kaimingUniform(rng, DType.FLOAT64, 0, 200, 300));
            assertTrue(k[2] <= kaiming && k[2] > 0.98 * kaiming, "kaiming bound " + k[2]);
            double[] u = stats(Init.uniform(rng, DType.FLOAT32, -0.5, 0.5, 1000));
            assertTrue(u[2] <= 0.5);
            assertEquals(0, u[0], 0.05);
        }
    }

    @Test
    void normalInitializersHaveTheirSpread() {
        try (Scope s = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(2);
            double[] xn = stats(Init.xavierNormal(rng, DType.FLOAT64, 200, 300));
            assertEquals(Math.sqrt(2.0 / 500), xn[1], 0.02 * Math.sqrt(2.0 / 500));
            // Conv-shaped weight [16, 8, 3, 3]: fanIn = 8·9 = 72.
            double[] kn = stats(Init.kaimingNormal(rng, DType.FLOAT64, 16, 8, 3, 3));
            assertEquals(Math.sqrt(2.0 / 72), kn[1], 0.06 * Math.sqrt(2.0 / 72));
            double[] n = stats(Init.normal(rng, DType.FLOAT64, 3, 0.5, 20000));
            assertEquals(3, n[0], 0.02);
            assertEquals(0.5, n[1], 0.02);
        }
    }

    @Test
    void linearFollowsPyTorchsDefault() {
        try (Scope s = Scope.open()) {
            Linear l = new Linear(400, 50, new SplittableRandom(3));
            double bound = 1 / Math.sqrt(400); // kaiming_uniform(a=√5) reduces to U(±1/√fanIn)
            double[] w = stats(l.weight().tensor());
            double[] b = stats(l.bias().tensor());
            assertTrue(w[2] <= bound && w[2] > 0.98 * bound, "weight bound " + w[2]);
            assertTrue(b[2] <= bound, "bias bound " + b[2]);
            assertEquals(2, l.parameters().size());
            assertEquals(400 * 50 + 50, l.parameterCount());
            assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(new SplittableRandom(), DType.FLOAT32, 5));
        }
    }
}
