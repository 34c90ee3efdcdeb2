package dev.gatun.kernels.reduce;

import static dev.gatun.kernels.reduce.Data.F;
import static dev.gatun.kernels.reduce.Data.I;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * CrossEntropy against its twin. Probabilities follow Softmax's tolerance; each row's loss
 * carries the float row sum's relative error as an absolute error (log of the sum).
 */
class CrossEntropyTest {
    @Test
    void forwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : Data.ROWS_COLS) {
                int rows = s[0];
                int cols = s[1];
                if (cols == 0 && rows > 0) {
                    continue;
                }
                long n = (long) rows * cols;
                MemorySegment x = Data.random(arena, 3, n, n, -10f, 10f);
                MemorySegment labels = Data.labels(arena, 4, rows, Math.max(cols, 1), n);
                MemorySegment p = Data.guards(arena, 2, n);
                MemorySegment ref = Data.guards(arena, 2, n);
                double loss = CrossEntropy.forward(x, 3, labels, 4, rows, cols, p, 2);
                double lossRef = CrossEntropy.forwardScalar(x, 3, labels, 4, rows, cols, ref, 2);
                String what = Arrays.toString(s);
                float[] max = SoftmaxTest.rowMax(x, 3, rows, cols);
                Data.assertClose(ref, p, (i, e) -> SoftmaxTest.forwardTolerance(x, 3, cols, i - 2, e, max), what);
                assertEquals(lossRef, loss, rows * (1e-6 + 4e-10 * cols), "loss " + what);
                // The twin against a direct double evaluation of -log softmax[label].
                double direct = 0;
                for (int r = 0; r < rows; r++) {
                    double z = 0;
                    for (int c = 0; c < cols; c++) {
                        z += Math.exp((double) x.getAtIndex(F, 3 + (long) r * cols + c) - max[r]);
                    }
                    int label = labels.getAtIndex(I, 4 + r);
                    direct += Math.log(z) - ((double) x.getAtIndex(F, 3 + (long) r * cols + label) - max[r]);
                }
                assertEquals(direct, lossRef, 1e-12 * (1 + Math.abs(direct)), "twin loss " + what);
            }
        }
    }

    @Test
    void uniformLogitsGiveLogCols() {
        for (int cols : new int[] {1, 10, 17, 1000}) {
            int rows = 5;
            float[] x = new float[rows * cols];
            Arrays.fill(x, 3.25f);
            int[] labels = {0, cols - 1, cols / 2, 0, cols / 3};
            float[] p = new float[rows * cols];
            double loss = CrossEntropy.forward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(labels), 0, rows,
                    cols, MemorySegment.ofArray(p), 0);
            assertEquals(rows * Math.log(cols), loss, 1e-5 * rows);
            for (float v : p) {
                assertEquals(1.0 / cols, v, 1e-6 / cols);
            }
        }
    }

    @Test
    void lossStaysFiniteWhenTheLabelProbabilityUnderflows() {
        float[] x = {1000f, 0f, -1000f, 0f};
        int[] labels = {1, 0};
        float[] p = new float[4];
        double loss = CrossEntropy.forward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(labels), 0, 2, 2,
                MemorySegment.ofArray(p), 0);
        assertEquals(0f, p[1]);
        assertEquals(2000.0, loss, 1e-9);
        double lossRef = CrossEntropy.forwardScalar(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(labels), 0, 2, 2,
                MemorySegment.ofArray(p), 0);
        assertEquals(2000.0, lossRef, 1e-9);
    }

    @Test
    void backwardMatchesTwinBitForBit() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : Data.ROWS_COLS) {
                int rows = s[0];
                int cols = s[1];
                if (cols == 0 && rows > 0) {
                    continue;
                }
                long n = (long) rows * cols;
                MemorySegment x = Data.random(arena, 0, n, n, -5f, 5f);
                MemorySegment labels = Data.labels(arena, 1, rows, Math.max(cols, 1), n + 9);
                MemorySegment p = Data.guards(arena, 5, n);
                CrossEntropy.forwardScalar(x, 0, labels, 1, rows, cols, p, 5);
                MemorySegment dx = Data.guards(arena, 2, n);
                MemorySegment ref = Data.guards(arena, 2, n);
                float scale = 1f / Math.max(rows, 1);
                CrossEntropy.backward(p, 5, labels, 1, rows, cols, scale, dx, 2);
                CrossEntropy.backwardScalar(p, 5, labels, 1, rows, cols, scale, ref, 2);
                Data.assertSameBits(ref, dx, "backward " + Arrays.toString(s));
                for (int r = 0; r < rows; r++) {
                    double sum = 0;
                    for (int c = 0; c < cols; c++) {
                        sum += dx.getAtIndex(F, 2 + (long) r * cols + c);
                    }
                    assertEquals(0.0, sum, 1e-5 * scale + 1e-9 * cols, "gradient row sum " + r);
                }
                // In place: dx over probs.
                CrossEntropy.backward(p, 5, labels, 1, rows, cols, scale, p, 5);
                for (long i = 0; i < n; i++) {
                    assertEquals(ref.getAtIndex(F, 2 + i), p.getAtIndex(F, 5 + i));
                }
            }
        }
    }

    @Test
    void forwardInPlaceOverLogits() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = Data.random(arena, 1, 33 * 10, 3, -3f, 3f);
            MemorySegment labels = Data.labels(arena, 0, 33, 10, 4);
            MemorySegment p = Data.guards(arena, 1, 33 * 10);
            double loss = CrossEntropy.forward(x, 1, labels, 0, 33, 10, p, 1);
            double inPlace = CrossEntropy.forward(x, 1, labels, 0, 33, 10, x, 1);
            assertEquals(loss, inPlace);
            Data.assertSameBits(p, x, "probs in place");
        }
    }

    @Test
    void rejectsOutOfRangeLabelsBeforeWriting() {
        float[] x = new float[12];
        float[] p = new float[12];
        Arrays.fill(p, 7f);
        for (int bad : new int[] {-1, 4, Integer.MAX_VALUE}) {
            int[] labels = {0, 3, bad};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.forward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(labels), 0, 3, 4,
                            MemorySegment.ofArray(p), 0));
            assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("label " + bad), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.forwardScalar(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(labels), 0, 3,
                            4, MemorySegment.ofArray(p), 0));
            assertTrue(e.getMessage().contains("row 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.backward(MemorySegment.ofArray(p), 0, MemorySegment.ofArray(labels), 0, 3, 4, 1f,
                            MemorySegment.ofArray(x), 0));
            assertTrue(e.getMessage().contains("row 2"), e.getMessage());
            for (float v : p) {
                assertEquals(7f, v);
            }
        }
    }

    @Test
    void rejectsSmallSegments() {
        MemorySegment s = MemorySegment.ofArray(new float[12]);
        MemorySegment labels = MemorySegment.ofArray(new int[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.forward(s, 0, labels, 0, 3, 4, s, 0));
        assertTrue(e.getMessage().startsWith("labels "), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.forward(s, 0, MemorySegment.ofArray(new int[3]), 0, 3, 4, s, 1));
        assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.backward(s, 0, MemorySegment.ofArray(new int[3]), 0, 3, -4, 1f, s, 0));
    }
}
