package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArrayDatasetTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** 2500 examples (more than two scan chunks, with a ragged last one) of 3 features, reversed by a Subset. */
    private static Dataset reversedLargeSet(float[] x, int[] y) {
        SplittableRandom rng = new SplittableRandom(9);
        int n = y.length;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (100 + 3 * rng.nextGaussian());
        }
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(4);
        }
        int[] reversed = new int[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = n - 1 - i;
        }
        return new Subset(ArrayDataset.classification(x, new int[] {3}, y, 4), reversed);
    }

    @Test
    void chunkedReadsOfAnotherDataSetMatchTheArrays() {
        int n = 2500;
        float[] x = new float[3 * n];
        int[] y = new int[n];
        Dataset d = reversedLargeSet(x, y);
        int[] labels = ArrayDataset.labelsOf(d);
        ArrayDataset copy = ArrayDataset.copyOf(d);
        for (int i = 0; i < n; i++) {
            assertEquals(y[n - 1 - i], labels[i]);
            assertEquals(x[3 * (n - 1 - i) + 2], copy.feature(i, 2));
        }
        assertArrayEquals(labels, copy.labels());
        Standardizer streamed = Standardizer.fit(d);
        Standardizer direct = Standardizer.fit(x, 3);
        assertArrayEquals(direct.mean(), streamed.mean(), 1e-4f);
        assertArrayEquals(direct.std(), streamed.std(), 1e-5f);
        assertEquals(3, streamed.std()[0], 0.2);
        assertArrayEquals(MinMaxScaler.fit(x, 3).min(), MinMaxScaler.fit(d).min());
        assertArrayEquals(MinMaxScaler.fit(x, 3).max(), MinMaxScaler.fit(d).max());
        // In the second scan chunk, so the reported example number must include the chunk's start.
        x[3 * 2000 + 1] = Float.POSITIVE_INFINITY;
        Dataset poisoned = new Subset(ArrayDataset.classification(x, new int[] {3}, y, 4), ArrayDataset.identity(n));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MinMaxScaler.fit(poisoned)).getMessage()
                .contains("feature 1 of example 2000 is Infinity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(poisoned)).getMessage()
                .contains("feature 1 of example 2000 is Infinity"));
    }

    @Test
    void copiesRegressionSetsWithTheirTargetShape() {
        float[] s = new float[12];
        for (int i = 0; i < s.length; i++) {
            s[i] = i * 0.5f;
        }
        ArrayDataset w = ArrayDataset.copyOf(new ForecastWindows(s, 0, 12, 3));
        assertEquals(9, w.size());
        assertArrayEquals(new int[] {3, 1}, w.featureShape());
        assertArrayEquals(new int[] {1}, w.targetShape());
        assertEquals(DType.FLOAT32, w.targetDType());
        assertEquals(0.5f * 8, w.feature(8, 0));
        assertEquals(0.5f * 11, w.targets()[8]);
        assertThrows(IllegalStateException.class, w::labels);
    }

    @Test
    void badInputNamesTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[5], new int[] {2}, new int[2], 2)).getMessage()
                .contains("5 feature values are not a whole number of examples of shape [2]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[4], new int[] {2}, new int[3], 2)).getMessage()
                .contains("3 labels for 2 examples"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.regression(new float[4], new int[] {2}, new float[3], new int[] {1})).getMessage()
                .contains("3 target values for 2 examples"));
        ArrayDataset d = ArrayDataset.classification(new float[4], new int[] {2}, new int[2], 2);
        Tensor f = Tensor.zeros(DType.FLOAT32, 2, 2);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> d.fill(new int[] {0, 1}, 0, 2, f, Tensor.zeros(DType.FLOAT32, 2))).getMessage()
                .contains("targets must be contiguous INT32"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> d.fill(new int[] {0, 1}, 0, 2, Tensor.zeros(DType.FLOAT32, 2, 3), Tensor.zeros(DType.INT32, 2)))
                .getMessage().contains("features must be contiguous float32 with 2×2"));
    }
}
