package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** Example i has the single feature i and label i % 3. */
    private static final class Counting implements Dataset {
        private final int n;

        Counting(int n) {
            this.n = n;
        }

        @Override public int size() { return n; }
        @Override public int[] featureShape() { return new int[] {1}; }
        @Override public int classes() { return 3; }

        @Override
        public void fill(int[] idx, int from, int count, Tensor features, Tensor labels) {
            for (int i = 0; i < count; i++) {
                features.set(idx[from + i], i, 0);
                labels.set(idx[from + i] % 3, i);
            }
        }
    }

    @Test
    void seededShuffleIsAPermutationThatRepeats() {
        DataLoader a = new DataLoader(new Counting(100), 32, true, 7, false);
        DataLoader b = new DataLoader(new Counting(100), 32, true, 7, false);
        assertArrayEquals(a.order(3), b.order(3), "same seed and epoch, same order");
        assertFalse(Arrays.equals(a.order(1), a.order(2)), "epochs differ");
        assertFalse(Arrays.equals(a.order(1), new DataLoader(new Counting(100), 32, true, 8, false).order(1)));
        int[] sorted = a.order(5).clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        int[] plain = new DataLoader(new Counting(5), 2, false, 7, false).order(1);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, plain);
    }

    @Test
    void batchesCoverEveryExampleOnce() {
        DataLoader loader = new DataLoader(new Counting(70), 32, true, 1, false);
        assertEquals(3, loader.batchCount());
        assertEquals(70, loader.samplesPerEpoch());
        int[] order = loader.order(1);
        boolean[] seen = new boolean[70];
        try (Scope s = Scope.open()) {
            for (int b = 0; b < loader.batchCount(); b++) {
                DataLoader.Batch batch = loader.batch(order, b);
                assertEquals(b < 2 ? 32 : 6, batch.size());
                float[] x = batch.features().toFloatArray();
                int[] y = batch.labels().toIntArray();
                for (int i = 0; i < x.length; i++) {
                    int ex = (int) x[i];
                    assertFalse(seen[ex]);
                    seen[ex] = true;
                    assertEquals(ex % 3, y[i]);
                }
            }
        }
        DataLoader dropping = new DataLoader(new Counting(70), 32, true, 1, true);
        assertEquals(2, dropping.batchCount());
        assertEquals(64, dropping.samplesPerEpoch());
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(new Counting(3), 0, false, 0, false));
    }
}
