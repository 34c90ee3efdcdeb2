package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import org.junit.jupiter.api.Test;

class ForecastWindowsTest {
    @Test
    void windowsAndTargetsComeFromTheirRange() {
        float[] s = new float[20];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
        }
        ForecastWindows w = new ForecastWindows(s, 5, 15, 4);
        assertEquals(6, w.size()); // starts 5..10; the last target is s[14]
        assertArrayEquals(new int[] {4, 1}, w.featureShape());
        assertEquals(DType.FLOAT32, w.targetDType());
        try (Scope ignored = Scope.open()) {
            DataLoader.Batch b = new DataLoader(w, 4, false, 0, false).batch(new int[] {5, 0, 2}, 0);
            assertArrayEquals(new int[] {3, 4, 1}, b.features().shape());
            assertArrayEquals(new int[] {3, 1}, b.labels().shape());
            assertArrayEquals(new float[] {10, 11, 12, 13, 5, 6, 7, 8, 7, 8, 9, 10}, b.features().toFloatArray());
            assertArrayEquals(new float[] {14, 9, 11}, b.labels().toFloatArray());
        }
    }

    @Test
    void badRangesNameTheProblem() {
        float[] s = new float[10];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ForecastWindows(s, 0, 11, 2))
                .getMessage().contains("not inside the series of length 10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ForecastWindows(s, 0, 5, 5))
                .getMessage().contains("too few for one window of 5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ForecastWindows(s, 0, 5, 0))
                .getMessage().contains("window must be > 0"));
    }

    @Test
    void sumOfSinesIsSeededAndHasTheRequestedNoise() {
        SumOfSines clean = new SumOfSines(new double[] {10}, new double[] {2}, 0);
        float[] a = clean.generate(1000, 3);
        // A noise-free single sine: every value within the amplitude, period 10 exactly.
        for (int t = 0; t + 10 < a.length; t++) {
            assertEquals(a[t], a[t + 10], 1e-4);
            assertTrue(Math.abs(a[t]) <= 2 + 1e-6);
        }
        SumOfSines noisy = new SumOfSines(new double[] {10}, new double[] {2}, 0.5);
        float[] b = noisy.generate(20000, 3);
        float[] c = noisy.generate(20000, 3);
        assertArrayEquals(b, c);
        assertNotEquals(b[0], noisy.generate(20000, 4)[0]);
        // Same seed, same phases: the difference from the clean signal is the noise alone.
        float[] base = clean.generate(b.length, 3);
        double sq = 0;
        for (int t = 0; t < b.length; t++) {
            double d = b[t] - base[t];
            sq += d * d;
        }
        assertEquals(0.25, sq / b.length, 0.02);
        assertThrows(IllegalArgumentException.class, () -> new SumOfSines(new double[] {1}, new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> new SumOfSines(new double[] {5}, new double[] {}, 0));
    }
}
