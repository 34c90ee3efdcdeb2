package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** n examples whose one feature is the example's own index, so a subset reveals which it holds. */
    private static ArrayDataset indexed(int[] labels, int classes) {
        float[] x = new float[labels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return ArrayDataset.classification(x, new int[] {1}, labels, classes);
    }

    /** Imbalanced labels: class c has about (c + 1) shares, with an odd total. */
    private static int[] imbalanced(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int r = (i * 7919) % 6;
            y[i] = r == 0 ? 0 : r < 3 ? 1 : 2;
        }
        return y;
    }

    private static int[] indicesOf(Dataset subset) {
        float[] f = ArrayDataset.copyOf(subset).features();
        int[] idx = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            idx[i] = (int) f[i];
        }
        return idx;
    }

    private static int[] countByClass(int[] idx, int[] labels, int classes) {
        int[] c = new int[classes];
        for (int i : idx) {
            c[labels[i]]++;
        }
        return c;
    }

    private static void assertPartition(int n, int[]... parts) {
        boolean[] seen = new boolean[n];
        int total = 0;
        for (int[] part : parts) {
            for (int i : part) {
                assertFalse(seen[i], "example " + i + " appears twice");
                seen[i] = true;
            }
            total += part.length;
        }
        assertEquals(n, total, "every example is in exactly one part");
    }

    @Test
    void plainSplitIsDisjointCoveringSizedAndSeeded() {
        int n = 101;
        ArrayDataset d = indexed(imbalanced(n), 3);
        Splits.TrainValidation s = Splits.trainValidation(d, 0.2, 7, false);
        int[] t = indicesOf(s.train());
        int[] v = indicesOf(s.validation());
        assertEquals(20, v.length);
        assertPartition(n, t, v);
        assertArrayEquals(v, indicesOf(Splits.trainValidation(d, 0.2, 7, false).validation()));
        assertFalse(Arrays.equals(v, indicesOf(Splits.trainValidation(d, 0.2, 8, false).validation())));
        int[] sorted = v.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, v);
    }

    @Test
    void stratifiedSplitKeepsEachClassShareWithinOneExample() {
        int n = 97;
        int[] y = imbalanced(n);
        ArrayDataset d = indexed(y, 3);
        for (double f : new double[] {0.1, 0.25, 0.5, 0.9}) {
            Splits.TrainValidation s = Splits.trainValidation(d, f, 3, true);
            int[] v = indicesOf(s.validation());
            int[] t = indicesOf(s.train());
            assertPartition(n, t, v);
            int[] all = countByClass(ArrayDataset.identity(n), y, 3);
            int[] val = countByClass(v, y, 3);
            for (int c = 0; c < 3; c++) {
                assertTrue(Math.abs(val[c] - f * all[c]) <= 1, "class " + c + " at fraction " + f + ": " + val[c]
                        + " of " + all[c]);
            }
        }
        assertArrayEquals(indicesOf(Splits.trainValidation(d, 0.3, 5, true).validation()),
                indicesOf(Splits.trainValidation(d, 0.3, 5, true).validation()));
    }

    @Test
    void kFoldValidatesEveryExampleOnceAndTrainsOnTheRest() {
        int n = 53;
        int[] y = imbalanced(n);
        ArrayDataset d = indexed(y, 3);
        for (boolean stratified : new boolean[] {false, true}) {
            KFold kf = new KFold(d, 5, 11, stratified);
            int[][] folds = new int[5][];
            for (int i = 0; i < 5; i++) {
                Splits.TrainValidation f = kf.fold(i);
                folds[i] = indicesOf(f.validation());
                assertPartition(n, folds[i], indicesOf(f.train()));
                assertTrue(folds[i].length == n / 5 || folds[i].length == n / 5 + 1, "fold size " + folds[i].length);
                if (stratified) {
                    int[] all = countByClass(ArrayDataset.identity(n), y, 3);
                    int[] here = countByClass(folds[i], y, 3);
                    for (int c = 0; c < 3; c++) {
                        assertTrue(Math.abs(here[c] - all[c] / 5.0) <= 1, "fold " + i + " class " + c + ": "
                                + here[c] + " of " + all[c]);
                    }
                }
            }
            assertPartition(n, folds);
            assertArrayEquals(folds[2], indicesOf(new KFold(d, 5, 11, stratified).fold(2).validation()));
        }
        assertFalse(Arrays.equals(indicesOf(new KFold(d, 5, 11, false).fold(0).validation()),
                indicesOf(new KFold(d, 5, 12, false).fold(0).validation())));
    }

    @Test
    void kEqualToNIsLeaveOneOut() {
        ArrayDataset d = indexed(new int[] {0, 1, 0}, 2);
        KFold kf = new KFold(d, 3, 1, false);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, kf.fold(i).validation().size());
            assertEquals(2, kf.fold(i).train().size());
        }
    }

    @Test
    void badFractionsAndFoldCountsNameTheProblem() {
        ArrayDataset d = indexed(new int[] {0, 1, 0, 1, 0}, 2);
        for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(d, f, 0, false))
                    .getMessage().contains("validation fraction must be in (0, 1)"));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(d, 0.01, 0, false))
                .getMessage().contains("leaves the validation part empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KFold(d, 1, 0, false))
                .getMessage().contains("k must be in [2, 5]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KFold(d, 6, 0, true))
                .getMessage().contains("k must be in [2, 5]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KFold(d, 2, 0, false).fold(2))
                .getMessage().contains("fold 2 does not exist"));
        ArrayDataset reg = ArrayDataset.regression(new float[] {1, 2, 3}, new int[] {1}, new float[3], new int[] {1});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(reg, 0.5, 0, true))
                .getMessage().contains("stratified split needs int32 class labels"));
        Splits.trainValidation(reg, 0.5, 0, false); // plain splits of regression sets are fine
    }
}
