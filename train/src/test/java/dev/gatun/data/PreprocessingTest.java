package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** 37 examples of 3 features: feature 0 ~ N(5, 2²), feature 1 in [-3, 7), feature 2 constant 4. */
    private static ArrayDataset table(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 37;
        float[] x = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[3 * i] = (float) (5 + 2 * rng.nextGaussian());
            x[3 * i + 1] = (float) rng.nextDouble(-3, 7);
            x[3 * i + 2] = 4;
            y[i] = i % 3;
        }
        return ArrayDataset.classification(x, new int[] {3}, y, 3);
    }

    private static float[] featuresOf(Dataset d) {
        return ArrayDataset.copyOf(d).features();
    }

    @Test
    void standardizedTrainingFeaturesHaveMeanZeroAndStdOneAndConstantsStayCentered() {
        ArrayDataset train = table(1);
        float[] before = train.features();
        Standardizer s = Standardizer.fit(train);
        Dataset t = s.transform(train);
        assertEquals(DType.INT32, t.targetDType());
        assertEquals(3, t.classes());
        float[] x = featuresOf(t);
        int n = train.size();
        for (int j = 0; j < 3; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                sum += x[3 * i + j];
                sq += x[3 * i + j] * x[3 * i + j];
            }
            assertEquals(0, sum / n, 1e-5);
            assertEquals(j == 2 ? 0 : 1, Math.sqrt(sq / n), 1e-4);
        }
        assertEquals(0, s.std()[2]);
        assertEquals(4, s.mean()[2]);
        assertArrayEquals(before, train.features(), "the source is not modified");
        assertArrayEquals(labelsOf(train), labelsOf(t));
        // Another split gets the training statistics, and the array path agrees with the wrapper.
        ArrayDataset other = table(2);
        float[] viaWrapper = featuresOf(s.transform(other));
        float[] viaArray = s.transform(other.features());
        assertArrayEquals(viaArray, viaWrapper);
        float[] m = s.mean();
        float[] sd = s.std();
        for (int i = 0; i < other.size(); i++) {
            assertEquals((other.feature(i, 0) - m[0]) / sd[0], viaArray[3 * i], 1e-5);
            assertEquals(other.feature(i, 2) - m[2], viaArray[3 * i + 2], 0);
        }
    }

    private static int[] labelsOf(Dataset d) {
        return ArrayDataset.labelsOf(d);
    }

    @Test
    void minMaxScalingMapsTrainingValuesOntoZeroOne() {
        ArrayDataset train = table(3);
        MinMaxScaler s = MinMaxScaler.fit(train);
        float[] x = featuresOf(s.transform(train));
        for (int j = 0; j < 2; j++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < train.size(); i++) {
                lo = Math.min(lo, x[3 * i + j]);
                hi = Math.max(hi, x[3 * i + j]);
            }
            assertEquals(0, lo, 1e-6);
            assertEquals(1, hi, 1e-6);
        }
        for (int i = 0; i < train.size(); i++) {
            assertEquals(0, x[3 * i + 2], "a constant feature maps to 0");
        }
        float[] scaled = s.transform(new float[] {s.max()[0] * 2 - s.min()[0], 0, 9});
        assertEquals(2, scaled[0], 1e-5, "other splits may fall outside [0, 1]");
    }

    @Test
    void scalersWorkOnMultiDimensionalFeaturesThroughSubsetsAndBatches() {
        float[] x = new float[5 * 2 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        ArrayDataset d = ArrayDataset.classification(x, new int[] {2, 2}, new int[] {0, 1, 0, 1, 0}, 2);
        MinMaxScaler s = MinMaxScaler.fit(d);
        Dataset sub = s.transform(new Subset(d, new int[] {4, 0}));
        DataLoader.Batch b = new DataLoader(sub, 2, false, 0, false).batch(new int[] {0, 1}, 0);
        assertArrayEquals(new int[] {2, 2, 2}, b.features().shape());
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, b.features().toFloatArray());
    }

    @Test
    void oneHotTurnsLabelsIntoFloatRows() {
        ArrayDataset d = ArrayDataset.classification(new float[] {10, 11, 12, 13}, new int[] {1},
                new int[] {2, 0, 3, 1}, 4);
        OneHot o = OneHot.of(d);
        assertEquals(DType.FLOAT32, o.targetDType());
        assertArrayEquals(new int[] {4}, o.targetShape());
        assertEquals(4, o.classes());
        DataLoader.Batch b = new DataLoader(o, 3, false, 0, false).batch(new int[] {2, 0, 1}, 0);
        assertArrayEquals(new int[] {3, 4}, b.labels().shape());
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0}, b.labels().toFloatArray());
        assertArrayEquals(new float[] {12, 10, 11}, b.features().toFloatArray());
        assertArrayEquals(new float[] {0, 1, 1, 0}, OneHot.encode(new int[] {1, 0}, 2));
    }

    @Test
    void badInputNamesTheProblem() {
        ArrayDataset reg = ArrayDataset.regression(new float[] {1, 2}, new int[] {1}, new float[] {0, 1}, new int[] {1});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OneHot.of(reg)).getMessage()
                .contains("needs int32 class labels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OneHot.encode(new int[] {3}, 3)).getMessage()
                .contains("label 0 is 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(new float[0], 2))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MinMaxScaler.fit(new float[5], 2))
                .getMessage().contains("not whole rows of 2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Standardizer.fit(new float[] {1, Float.NaN}, 2)).getMessage().contains("feature 1 of example 0"));
        Standardizer s = Standardizer.fit(new float[] {1, 2, 3, 4}, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.transform(table(1))).getMessage()
                .contains("fitted on 2 features but the data set has 3"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ArrayDataset.classification(new float[] {1, 2}, new int[] {1}, new int[] {0, 5}, 2))
                .getMessage().contains("label 1 is 5"));
    }
}
