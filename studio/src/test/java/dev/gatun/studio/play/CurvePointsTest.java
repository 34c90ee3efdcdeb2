package dev.gatun.studio.play;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A curve's points: every step while steps are slow, means of a millisecond's steps when they are fast. */
class CurvePointsTest {
    @Test
    void slowStepsAreEachTheirOwnPoint() throws InterruptedException {
        CurvePoints points = new CurvePoints();
        for (int step = 1; step <= 3; step++) {
            points.add(step, step * 0.5, 0.25);
            Thread.sleep(2);
        }
        double[][] drained = points.drain();
        assertEquals(3, drained.length);
        assertArrayEquals(new double[] {2, 1.0, 0.25}, drained[1], 0.0);
        assertTrue(points.isEmpty());
        assertEquals(0, points.drain().length);
    }

    @Test
    void fastStepsAreMeanedOverEachMillisecondKeepingTheLastStepAndTheOverallMean() {
        CurvePoints points = new CurvePoints();
        long start = System.nanoTime();
        int steps = 200_000;
        for (int step = 1; step <= steps; step++) {
            points.add(step, step % 2 == 0 ? 1.0 : 3.0, Double.NaN);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        double[][] drained = points.drain();
        assertTrue(drained.length <= millis + 1, drained.length + " points for " + millis + " ms");
        assertEquals(steps, drained[drained.length - 1][0]);
        double weighted = 0;
        long previous = 0;
        for (double[] p : drained) {
            weighted += p[1] * (p[0] - previous);
            previous = (long) p[0];
            assertTrue(Double.isNaN(p[2]));
        }
        assertEquals(2.0, weighted / steps, 1e-12);
    }
}
