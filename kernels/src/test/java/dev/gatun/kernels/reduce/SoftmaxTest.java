package dev.gatun.kernels.reduce;

import static dev.gatun.kernels.reduce.Data.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Softmax against its twin. The vector version subtracts the max in float (an error of up to
 * 2^-24 |x - max| in the exponent, which the double twin avoids) and sums the row in float over
 * vector lanes (relative error growing with cols: measured 8e-6 at 70 001 columns, 1e-6 at 784).
 * The tolerances below follow those two terms.
 */
class SoftmaxTest {
    static double forwardTolerance(MemorySegment x, long xOff, int cols, long i, float y, float[] rowMax) {
        float v = x.getAtIndex(F, xOff + i);
        double expErr = 0x1p-24 * (Math.abs(v - rowMax[(int) (i / cols)]) + 16);
        // Subnormal probabilities round to a fixed absolute grid: allow a few steps of it.
        return Math.abs(y) * (expErr + 1e-6 + 2e-10 * cols) + 8 * Float.MIN_VALUE;
    }

    static float[] rowMax(MemorySegment x, long xOff, int rows, int cols) {
        float[] m = new float[rows];
        for (int r = 0; r < rows; r++) {
            m[r] = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                m[r] = Math.max(m[r], x.getAtIndex(F, xOff + (long) r * cols + c));
            }
        }
        return m;
    }

    @Test
    void forwardMatchesTwinAndRowsSumToOne() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : Data.ROWS_COLS) {
                for (float range : new float[] {10f, 1000f}) {
                    int rows = s[0];
                    int cols = s[1];
                    long n = (long) rows * cols;
                    MemorySegment x = Data.random(arena, 3, n, n, -range, range);
                    MemorySegment y = Data.guards(arena, 2, n);
                    MemorySegment ref = Data.guards(arena, 2, n);
                    Softmax.forward(x, 3, rows, cols, y, 2);
                    Softmax.forwardScalar(x, 3, rows, cols, ref, 2);
                    float[] max = rowMax(x, 3, rows, cols);
                    String what = Arrays.toString(s) + " range " + range;
                    Data.assertClose(ref, y, (i, e) -> forwardTolerance(x, 3, cols, i - 2, e, max), what);
                    for (int r = 0; r < rows && cols > 0; r++) {
                        double sum = 0;
                        for (int c = 0; c < cols; c++) {
                            float p = y.getAtIndex(F, 2 + (long) r * cols + c);
                            assertTrue(p >= 0f && p <= 1f, what + " p = " + p);
                            sum += p;
                        }
                        assertEquals(1.0, sum, 1e-5 + 2e-10 * cols, what + " row " + r);
                    }
                }
            }
        }
    }

    @Test
    void forwardSpecialRows() {
        float ninf = Float.NEGATIVE_INFINITY;
        // Rows: masked entries, one huge logit, a NaN, equal logits.
        float[] x = {0f, ninf, 0f, ninf, 1e30f, 0f, -1e30f, 5f, 1f, Float.NaN, 2f, 3f, 7f, 7f, 7f, 7f};
        float[] y = new float[16];
        for (boolean vector : new boolean[] {true, false}) {
            if (vector) {
                Softmax.forward(MemorySegment.ofArray(x), 0, 4, 4, MemorySegment.ofArray(y), 0);
            } else {
                Softmax.forwardScalar(MemorySegment.ofArray(x), 0, 4, 4, MemorySegment.ofArray(y), 0);
            }
            assertEquals(0.5f, y[0]);
            assertEquals(0f, y[1]);
            assertEquals(0.5f, y[2]);
            assertEquals(0f, y[3]);
            assertEquals(1f, y[4]);
            assertEquals(0f, y[5]);
            for (int c = 8; c < 12; c++) {
                assertTrue(Float.isNaN(y[c]));
            }
            for (int c = 12; c < 16; c++) {
                assertEquals(0.25f, y[c]);
            }
        }
    }

    @Test
    void backwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : Data.ROWS_COLS) {
                int rows = s[0];
                int cols = s[1];
                long n = (long) rows * cols;
                MemorySegment x = Data.random(arena, 0, n, n, -4f, 4f);
                MemorySegment y = Data.guards(arena, 1, n);
                Softmax.forwardScalar(x, 0, rows, cols, y, 1);
                MemorySegment dy = Data.random(arena, 2, n, n + 1, -1f, 1f);
                MemorySegment dx = Data.guards(arena, 3, n);
                MemorySegment ref = Data.guards(arena, 3, n);
                Softmax.backward(y, 1, dy, 2, dx, 3, rows, cols);
                Softmax.backwardScalar(y, 1, dy, 2, ref, 3, rows, cols);
                double[] dotAbs = new double[rows];
                for (long i = 0; i < n; i++) {
                    dotAbs[(int) (i / cols)] += Math.abs(y.getAtIndex(F, 1 + i) * dy.getAtIndex(F, 2 + i));
                }
                Data.assertClose(ref, dx, (i, e) -> {
                    long k = i - 3;
                    double yi = y.getAtIndex(F, 1 + k);
                    return 1e-6 * yi * (Math.abs(dy.getAtIndex(F, 2 + k)) + dotAbs[(int) (k / cols)]) + 1e-30;
                }, "backward " + Arrays.toString(s));
            }
        }
    }

    @Test
    void backwardIsTheJacobianTransposeProduct() {
        float[] x = {0.3f, -1.2f, 2.0f, 0.7f, 0.1f};
        float[] dy = {1f, -2f, 0.5f, 0.25f, 3f};
        float[] y = new float[5];
        float[] dx = new float[5];
        Softmax.forward(MemorySegment.ofArray(x), 0, 1, 5, MemorySegment.ofArray(y), 0);
        Softmax.backward(MemorySegment.ofArray(y), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(dx), 0, 1, 5);
        double[] p = new double[5];
        double z = 0;
        for (int i = 0; i < 5; i++) {
            p[i] = Math.exp(x[i]);
            z += p[i];
        }
        for (int i = 0; i < 5; i++) {
            p[i] /= z;
        }
        for (int j = 0; j < 5; j++) {
            double want = 0;
            for (int i = 0; i < 5; i++) {
                want += dy[i] * p[i] * ((i == j ? 1 : 0) - p[j]); // d y_i / d x_j
            }
            assertEquals(want, dx[j], 1e-6);
        }
    }

    @Test
    void worksInPlace() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = Data.random(arena, 1, 33 * 10, 5, -3f, 3f);
            MemorySegment ref = Data.guards(arena, 1, 33 * 10);
            Softmax.forward(x, 1, 33, 10, ref, 1);
            Softmax.forward(x, 1, 33, 10, x, 1);
            Data.assertSameBits(ref, x, "softmax in place");
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[12]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Softmax.forward(s, 0, 3, 4, MemorySegment.ofArray(new float[11]), 0));
        assertTrue(e.getMessage().startsWith("y "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Softmax.forward(s, 0, -3, 4, s, 0));
        assertThrows(IllegalArgumentException.class, () -> Softmax.backward(s, 0, s, 1, s, 0, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> Softmax.backwardScalar(s, 0, s, 0, s, 0, 3, -4));
    }
}
