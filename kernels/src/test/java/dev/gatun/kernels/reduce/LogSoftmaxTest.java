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
 * LogSoftmax against its twin. The vector version's error is a few ulp of |y| plus the float
 * row sum's relative error (which becomes an absolute error of log-sum-exp and grows with cols).
 */
class LogSoftmaxTest {
    @Test
    void forwardMatchesTwinAndExponentiatesToOne() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : Data.ROWS_COLS) {
                for (float range : new float[] {10f, 1000f}) {
                    int rows = s[0];
                    int cols = s[1];
                    long n = (long) rows * cols;
                    MemorySegment x = Data.random(arena, 3, n, n, -range, range);
                    MemorySegment y = Data.guards(arena, 2, n);
                    MemorySegment ref = Data.guards(arena, 2, n);
                    LogSoftmax.forward(x, 3, rows, cols, y, 2);
                    LogSoftmax.forwardScalar(x, 3, rows, cols, ref, 2);
                    String what = Arrays.toString(s) + " range " + range;
                    Data.assertClose(ref, y, (i, e) -> 2.5e-7 * (1 + Math.abs(e)) + 4e-10 * cols, what);
                    for (int r = 0; r < rows && cols > 0; r++) {
                        double sum = 0;
                        for (int c = 0; c < cols; c++) {
                            float v = y.getAtIndex(F, 2 + (long) r * cols + c);
                            assertTrue(v <= 0f && Float.isFinite(v), what + " y = " + v);
                            sum += Math.exp(v);
                        }
                        assertEquals(1.0, sum, 1e-5 + 4e-10 * cols, what + " row " + r);
                    }
                }
            }
        }
    }

    @Test
    void staysFiniteWhereSoftmaxUnderflows() {
        float[] x = {0f, -200f, 100f, 1f};
        float[] y = new float[4];
        LogSoftmax.forward(MemorySegment.ofArray(x), 0, 1, 4, MemorySegment.ofArray(y), 0);
        double lse = 100 + Math.log(1 + Math.exp(-99) + Math.exp(-100) + Math.exp(-300));
        for (int i = 0; i < 4; i++) {
            assertEquals(x[i] - lse, y[i], 1e-4 * (1 + Math.abs(x[i] - lse)));
        }
        assertEquals(-300f, y[1], 1e-3f);
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
                LogSoftmax.forwardScalar(x, 0, rows, cols, y, 1);
                MemorySegment dy = Data.random(arena, 2, n, n + 1, -1f, 1f);
                MemorySegment dx = Data.guards(arena, 3, n);
                MemorySegment ref = Data.guards(arena, 3, n);
                LogSoftmax.backward(y, 1, dy, 2, dx, 3, rows, cols);
                LogSoftmax.backwardScalar(y, 1, dy, 2, ref, 3, rows, cols);
                double[] sumAbs = new double[rows];
                for (long i = 0; i < n; i++) {
                    sumAbs[(int) (i / cols)] += Math.abs(dy.getAtIndex(F, 2 + i));
                }
                Data.assertClose(ref, dx, (i, e) -> {
                    long k = i - 3;
                    double p = Math.exp(y.getAtIndex(F, 1 + k));
                    return 1e-6 * (Math.abs(dy.getAtIndex(F, 2 + k)) + p * sumAbs[(int) (k / cols)]) + 1e-30;
                }, "backward " + Arrays.toString(s));
            }
        }
    }

    @Test
    void backwardByHand() {
        // y = log softmax of equal logits = log(1/4); dy sums to 2 -> dx = dy - 0.25 * 2.
        float q = (float) Math.log(0.25);
        float[] y = {q, q, q, q};
        float[] dy = {1f, 0f, 2f, -1f};
        float[] dx = new float[4];
        LogSoftmax.backward(MemorySegment.ofArray(y), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(dx), 0, 1,
                4);
        float[] want = {0.5f, -0.5f, 1.5f, -1.5f};
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], dx[i], 1e-6f);
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = MemorySegment.ofArray(new float[12]);
        assertThrows(IllegalArgumentException.class, () -> LogSoftmax.forward(s, 1, 3, 4, s, 0));
        assertThrows(IllegalArgumentException.class, () -> LogSoftmax.forwardScalar(s, 0, 3, -1, s, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogSoftmax.backward(s, 0, s, 0, s, 2, 3, 4));
        assertTrue(e.getMessage().startsWith("dx "), e.getMessage());
    }
}
