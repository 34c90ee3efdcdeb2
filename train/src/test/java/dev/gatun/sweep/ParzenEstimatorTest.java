package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The truncated Gaussian mixture and the smoothed counts TPE fits. */
class ParzenEstimatorTest {
    @Test
    void theTruncatedMixtureIsADensityOnItsRange() {
        ParzenEstimator p = new ParzenEstimator(new double[] {0.1, 0.15, 0.9}, new double[] {1, 1, 1}, 0, 1, 1);
        double integral = 0;
        int steps = 20_000;
        for (int i = 0; i < steps; i++) {
            integral += Math.exp(p.logDensity((i + 0.5) / steps)) / steps;
        }
        assertEquals(1.0, integral, 1e-3);
        // More mass near the two close observations than in the empty middle.
        assertTrue(p.logDensity(0.12) > p.logDensity(0.5));
    }

    @Test
    void samplesStayInRangeAndFollowTheObservations() {
        double[] near2 = new double[30];
        double[] ones = new double[30];
        for (int i = 0; i < 30; i++) {
            near2[i] = 1.85 + 0.01 * i;
            ones[i] = 1;
        }
        // With few observations the bandwidths are clipped wide (range / (n + 2)): take 30.
        ParzenEstimator p = new ParzenEstimator(near2, ones, -10, 10, 1);
        SplittableRandom rng = new SplittableRandom(1);
        int near = 0;
        for (int i = 0; i < 2000; i++) {
            double x = p.sample(rng);
            assertTrue(x >= -10 && x <= 10, "x " + x);
            if (Math.abs(x - 2) < 1.5) {
                near++;
            }
        }
        // 30 of 31 components sit near 2 (the last is the wide prior).
        assertTrue(near > 1600, near + " of 2000 near 2");
    }

    @Test
    void normalCdfMatchesKnownValues() {
        assertEquals(0.5, NormalCdf.of(0), 1e-7);
        assertEquals(0.8413447, NormalCdf.of(1), 1e-6);
        assertEquals(0.0227501, NormalCdf.of(-2), 1e-6);
    }

    @Test
    void categoricalCountsAreSmoothedByThePrior() {
        CategoricalEstimator c = new CategoricalEstimator(new int[] {1, 1, 2}, new double[] {1, 1, 1}, 3, 1);
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            sum += Math.exp(c.logProbability(k));
        }
        assertEquals(1.0, sum, 1e-12);
        assertTrue(c.logProbability(1) > c.logProbability(2));
        assertTrue(c.logProbability(2) > c.logProbability(0));
        // The unseen value keeps some probability.
        assertTrue(Math.exp(c.logProbability(0)) > 0.05);
    }
}
