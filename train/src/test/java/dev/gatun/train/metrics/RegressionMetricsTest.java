package dev.gatun.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
    @Test
    void matchesTheHandComputedExample() {
        // errors 0, 1, −1, 2: MSE 6/4, MAE 4/4; mean target 3, Σ(y − ȳ)² = 4 + 0 + 1 + 9 = 14, R² = 1 − 6/14
        RegressionMetrics m = RegressionMetrics.of(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 6});
        assertEquals(1.5, m.mse());
        assertEquals(1.0, m.mae());
        assertEquals(4.0 / 7, m.r2(), 1e-15);
        assertEquals(4, m.count());
    }

    @Test
    void constantTargetsFollowScikitLearn() {
        assertEquals(1.0, RegressionMetrics.of(new double[] {2, 2}, new double[] {2, 2}).r2());
        assertEquals(0.0, RegressionMetrics.of(new double[] {1, 2}, new double[] {2, 2}).r2());
        assertEquals(-3.0, RegressionMetrics.of(new double[] {-1, 1}, new double[] {1, -1}).r2(), 1e-15,
                "predicting worse than the mean gives a negative R²");
    }

    @Test
    void tensorsOfTheSameShape() {
        try (Scope s = Scope.open("test")) {
            RegressionMetrics m = RegressionMetrics.of(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
                    Tensor.of(new float[] {1, 3, 2, 6}, 2, 2));
            assertEquals(1.5, m.mse());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RegressionMetrics.of(Tensor.of(new float[] {1, 2, 3, 4}, 4),
                            Tensor.of(new float[] {1, 3, 2, 6}, 2, 2)));
            assertTrue(e.getMessage().contains("different shapes"), e.getMessage());
        }
    }

    @Test
    void badInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegressionMetrics.of(new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("2 values but truth has 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new double[0], new double[0]));
        assertTrue(e.getMessage().contains("at least one"), e.getMessage());
    }
}
