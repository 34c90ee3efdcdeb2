package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import java.util.Arrays;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class SyntheticTest {
    private static void assertTwoDClassification(ArrayDataset d, int n, int classes) {
        assertEquals(n, d.size());
        assertArrayEquals(new int[] {2}, d.featureShape());
        assertEquals(DType.INT32, d.targetDType());
        assertEquals(classes, d.classes());
        int[] count = new int[classes];
        for (int y : d.labels()) {
            count[y]++;
        }
        for (int c : count) {
            assertTrue(c == n / classes || c == n / classes + 1, "class counts " + Arrays.toString(count));
        }
    }

    private static void assertSeeded(LongFunction<ArrayDataset> make) {
        assertArrayEquals(make.apply(5).features(), make.apply(5).features());
        assertFalse(Arrays.equals(make.apply(5).features(), make.apply(6).features()));
    }

    @Test
    void xorLabelsFollowTheSignsOfTheNoiseFreePoints() {
        ArrayDataset d = Synthetic.xor(101, 0, 1);
        assertTwoDClassification(d, 101, 2);
        for (int i = 0; i < d.size(); i++) {
            boolean same = d.feature(i, 0) * d.feature(i, 1) > 0;
            assertEquals(same ? 0 : 1, d.labels()[i]);
            assertTrue(Math.abs(d.feature(i, 0)) <= 1 && Math.abs(d.feature(i, 1)) <= 1);
        }
        assertSeeded(s -> Synthetic.xor(20, 0.1, s));
    }

    @Test
    void circlesPutTheInnerClassInsideTheOuter() {
        ArrayDataset d = Synthetic.circles(201, 0.05, 0.5, 2);
        assertTwoDClassification(d, 201, 2);
        double[] maxR = new double[2];
        double[] minR = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int i = 0; i < d.size(); i++) {
            double r = Math.hypot(d.feature(i, 0), d.feature(i, 1));
            int c = d.labels()[i];
            maxR[c] = Math.max(maxR[c], r);
            minR[c] = Math.min(minR[c], r);
        }
        assertTrue(maxR[1] < minR[0], "inner max " + maxR[1] + " < outer min " + minR[0]);
        ArrayDataset clean = Synthetic.circles(10, 0, 0.3, 2);
        for (int i = 0; i < clean.size(); i++) {
            assertEquals(i % 2 == 0 ? 1 : 0.3, Math.hypot(clean.feature(i, 0), clean.feature(i, 1)), 1e-6);
        }
        assertSeeded(s -> Synthetic.circles(20, 0.1, 0.5, s));
    }

    @Test
    void moonsLieOnTheirHalfCircles() {
        ArrayDataset d = Synthetic.moons(99, 0, 3);
        assertTwoDClassification(d, 99, 2);
        for (int i = 0; i < d.size(); i++) {
            double x = d.feature(i, 0);
            double y = d.feature(i, 1);
            if (d.labels()[i] == 0) {
                assertEquals(1, Math.hypot(x, y), 1e-6);
                assertTrue(y >= -1e-6);
            } else {
                assertEquals(1, Math.hypot(x - 1, y - 0.5), 1e-6);
                assertTrue(y <= 0.5 + 1e-6);
            }
        }
        assertSeeded(s -> Synthetic.moons(20, 0.1, s));
    }

    @Test
    void spiralArmsAreHalfATurnApart() {
        ArrayDataset d = Synthetic.twoSpirals(100, 0, 4);
        assertTwoDClassification(d, 100, 2);
        for (int i = 0; i < d.size(); i++) {
            double x = d.feature(i, 0);
            double y = d.feature(i, 1);
            double t = Math.hypot(x, y);
            assertTrue(t < 1 + 1e-6);
            double a = 3 * Math.PI * t + Math.PI * d.labels()[i];
            assertEquals(t * Math.cos(a), x, 1e-5);
            assertEquals(t * Math.sin(a), y, 1e-5);
        }
        assertSeeded(s -> Synthetic.twoSpirals(20, 0.1, s));
    }

    @Test
    void blobsScatterAroundTheirCentresWithTheRequestedStd() {
        int n = 3001;
        ArrayDataset d = Synthetic.blobs(n, 3, 0.5, 5);
        assertTwoDClassification(d, n, 3);
        double[][] sum = new double[3][2];
        int[] count = new int[3];
        for (int i = 0; i < n; i++) {
            int c = d.labels()[i];
            sum[c][0] += d.feature(i, 0);
            sum[c][1] += d.feature(i, 1);
            count[c]++;
        }
        double sq = 0;
        for (int i = 0; i < n; i++) {
            int c = d.labels()[i];
            for (int j = 0; j < 2; j++) {
                double dev = d.feature(i, j) - sum[c][j] / count[c];
                sq += dev * dev;
            }
        }
        assertEquals(0.5, Math.sqrt(sq / (2.0 * n)), 0.03);
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(sum[c][0] / count[c]) <= 10 && Math.abs(sum[c][1] / count[c]) <= 10);
        }
        assertSeeded(s -> Synthetic.blobs(20, 4, 1, s));
    }

    @Test
    void leastSquaresRecoversTheLinearWeights() {
        Synthetic.Regression r = Synthetic.linearRegression(2000, 4, 0.1, 6);
        ArrayDataset d = r.data();
        assertArrayEquals(new int[] {4}, d.featureShape());
        assertArrayEquals(new int[] {1}, d.targetShape());
        assertEquals(DType.FLOAT32, d.targetDType());
        assertEquals(0, d.classes());
        double[][] design = new double[d.size()][5];
        for (int i = 0; i < d.size(); i++) {
            design[i][0] = 1;
            for (int j = 0; j < 4; j++) {
                design[i][j + 1] = d.feature(i, j);
            }
        }
        double[] fit = leastSquares(design, d.targets());
        assertEquals(r.bias(), fit[0], 0.01);
        for (int j = 0; j < 4; j++) {
            assertEquals(r.weights()[j], fit[j + 1], 0.01);
        }
        assertArrayEquals(r.data().targets(), Synthetic.linearRegression(2000, 4, 0.1, 6).data().targets());
    }

    @Test
    void leastSquaresRecoversThePolynomialCoefficients() {
        int degree = 3;
        Synthetic.Regression r = Synthetic.polynomialRegression(2000, degree, 0.05, 7);
        ArrayDataset d = r.data();
        assertArrayEquals(new int[] {1}, d.featureShape());
        assertEquals(degree, r.weights().length);
        double[][] design = new double[d.size()][degree + 1];
        for (int i = 0; i < d.size(); i++) {
            double x = d.feature(i, 0);
            assertTrue(x >= -1 && x < 1);
            for (int k = 0; k <= degree; k++) {
                design[i][k] = Math.pow(x, k);
            }
        }
        double[] fit = leastSquares(design, d.targets());
        assertEquals(r.bias(), fit[0], 0.02);
        for (int k = 1; k <= degree; k++) {
            assertEquals(r.weights()[k - 1], fit[k], 0.05);
        }
    }

    @Test
    void badParametersNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.xor(1, 0, 0)).getMessage()
                .contains("xor: n must be >= 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.moons(10, -1, 0)).getMessage()
                .contains("noise must be a finite value >= 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.circles(10, 0, 1, 0)).getMessage()
                .contains("factor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 0, 1, 0)).getMessage()
                .contains("centers must be >= 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 2, Double.NaN, 0))
                .getMessage().contains("std must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.linearRegression(10, 0, 0, 0))
                .getMessage().contains("features must be >= 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Synthetic.polynomialRegression(10, -1, 0, 0))
                .getMessage().contains("degree must be >= 0"));
    }

    /** Solves the normal equations (AᵀA) w = Aᵀy in float64 by Gaussian elimination with pivoting. */
    private static double[] leastSquares(double[][] a, float[] y) {
        int p = a[0].length;
        double[][] m = new double[p][p + 1];
        for (int i = 0; i < a.length; i++) {
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    m[r][c] += a[i][r] * a[i][c];
                }
                m[r][p] += a[i][r] * y[i];
            }
        }
        for (int col = 0; col < p; col++) {
            int best = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[best][col])) {
                    best = r;
                }
            }
            double[] t = m[col];
            m[col] = m[best];
            m[best] = t;
            for (int r = 0; r < p; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int c = col; c <= p; c++) {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }
        double[] w = new double[p];
        for (int r = 0; r < p; r++) {
            w[r] = m[r][p] / m[r][r];
        }
        return w;
    }
}
