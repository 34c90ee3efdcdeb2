package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.ReduceOp;
import dev.gatun.device.DeviceBlock;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: reduce.cu, softmax.cu, cross_entropy.cu and argmax.cu against the scalar backend.
 * Max, its indices and argmax are selections: exact, NaN and ties included. Sums are float32 in
 * a different order from the scalar backend's double sums: within 1e-5 of sum |x| (the scale of
 * any summation error). Softmax and cross-entropy use float32 expf/logf: within 1e-5 relative,
 * the gradients within 1e-5 of the size of the terms they sum. Every kernel runs with 256
 * threads and with a block size that is not a power of two, on short and long rows. Skips
 * without a GPU.
 */
class PtxReduceParityTest extends PtxParityTestBase {
    /** Block sizes every row kernel must handle: the usual one and an odd one. */
    private static final int[] BLOCKS = {THREADS, 75};

    PtxReduceParityTest() {
        super(17);
    }

    // ---- reduce_sum, reduce_max ----

    @Test
    void sumAndMaxOverTheMiddleAxisMatchTheScalarBackend() {
        // {outer, axis, inner}: one thread per output (axis <= 32), one block per row (inner == 1),
        // and tiles of columns (inner > 1), with odd sizes everywhere.
        int[][] shapes = {{3, 7, 5}, {37, 1000, 1}, {1, 4099, 1}, {4, 33, 37}, {2, 100, 1000}, {6, 1, 9},
                {3, 32, 1}, {5, 0, 3}};
        for (int[] s : shapes) {
            int outer = s[0], axis = s[1], inner = s[2];
            int n = outer * axis * inner;
            float[] x = values(n, -1, 1);
            if (axis >= 3) {
                // Column (0, 0): negative but for -0 at k = 1 and +0 at k = 2; the first zero, -0, wins.
                for (int k = 0; k < axis; k++) {
                    x[k * inner] = k == 1 ? -0f : k == 2 ? 0f : -1f - k;
                }
            }
            if (axis >= 8) {
                // The last column: a tie at the top goes to the first index.
                int last = (outer - 1) * axis * inner + inner - 1;
                x[last + axis / 4 * inner] = 5f;
                x[last + axis / 3 * inner] = 5f;
                // Column (outer / 2, inner / 2): the first NaN wins over everything.
                int mid = outer / 2 * axis * inner + inner / 2;
                x[mid + (axis / 2 + 1) * inner] = Float.NaN;
                x[mid + (axis - 1) * inner] = Float.NaN;
            }
            Tensor tx = Tensor.of(x, outer, axis, inner);
            Tensor sum = Tensor.zeros(outer, inner), max = Tensor.zeros(outer, inner);
            Tensor arg = Tensor.zeros(DType.INT32, outer, inner);
            scalar.reduce(ReduceOp.SUM, tx, 1, sum, null);
            scalar.reduce(ReduceOp.MAX, tx, 1, max, arg);
            double[] allowed = new double[outer * inner];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double abs = 0;
                    for (int k = 0; k < axis; k++) {
                        abs += Math.abs(x[(o * axis + k) * inner + i]);
                    }
                    allowed[o * inner + i] = 1e-5 * Math.max(abs, Float.MIN_NORMAL);
                }
            }
            String what = "[" + outer + ", " + axis + ", " + inner + "]";
            int grid = (int) Math.min((long) outer * ((inner + 31) / 32), 65535);
            for (int threads : BLOCKS) {
                DeviceBlock dx = upload(x), dsum = allocate(outer * inner), dmax = allocate(outer * inner);
                DeviceBlock darg = allocate(outer * inner);
                run(PtxKernels.REDUCE_SUM, Math.max(grid, 1), threads, dx, dsum, (long) outer, axis, (long) inner);
                run(PtxKernels.REDUCE_MAX, Math.max(grid, 1), threads, dx, dmax, darg, (long) outer, axis, (long) inner);
                assertWithin(sum.toFloatArray(), floats(dsum, outer * inner), allowed, "sum " + what);
                assertArrayEquals(max.toFloatArray(), floats(dmax, outer * inner), "max " + what);
                assertArrayEquals(arg.toIntArray(), ints(darg, outer * inner), "argmax " + what);
                // Without the index array (a null pointer), the same maxima.
                DeviceBlock dmax2 = allocate(outer * inner);
                run(PtxKernels.REDUCE_MAX, Math.max(grid, 1), threads, dx, dmax2, 0L, (long) outer, axis, (long) inner);
                assertArrayEquals(max.toFloatArray(), floats(dmax2, outer * inner), "max without arg " + what);
            }
        }
    }

    // ---- softmax_rows, softmax_backward_rows ----

    @Test
    void softmaxAndLogSoftmaxMatchTheScalarBackend() {
        int[][] shapes = {{37, 1000}, {37, 7}, {3, 50000}, {2, 1}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            float[] x = logits(rows, cols);
            Tensor tx = Tensor.of(x, rows, cols);
            for (boolean log : new boolean[] {false, true}) {
                Tensor expected = Tensor.zeros(rows, cols);
                scalar.softmax(tx, expected, log);
                float[] e = expected.toFloatArray();
                String what = (log ? "log-softmax " : "softmax ") + rows + "x" + cols;
                for (int threads : BLOCKS) {
                    DeviceBlock dx = upload(x), dy = allocate((long) rows * cols);
                    run(PtxKernels.SOFTMAX_ROWS, Math.min(rows, 65535), threads, dx, dy, rows, cols, log);
                    float[] got = floats(dy, (long) rows * cols);
                    assertSoftmaxClose(e, got, log, what);
                    // y aliasing x.
                    run(PtxKernels.SOFTMAX_ROWS, 2, threads, dx, dx, rows, cols, log);
                    assertArrayEquals(got, floats(dx, (long) rows * cols), what + " in place");
                }
            }
        }
    }

    @Test
    void softmaxBackwardMatchesTheScalarBackend() {
        int[][] shapes = {{37, 1000}, {37, 7}, {2, 1}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            Tensor tx = Tensor.of(values(rows * cols, -5, 5), rows, cols);
            float[] g = values(rows * cols, -1, 1);
            Tensor tg = Tensor.of(g, rows, cols);
            for (boolean log : new boolean[] {false, true}) {
                Tensor ty = Tensor.zeros(rows, cols), expected = Tensor.zeros(rows, cols);
                scalar.softmax(tx, ty, log);
                scalar.softmaxBackward(ty, tg, expected, log);
                float[] y = ty.toFloatArray();
                // Allowed: 1e-5 of the terms: |y| (|dy| + sum |dy y|), or |dy| + e^y sum |dy| for log.
                double[] allowed = new double[rows * cols];
                for (int r = 0; r < rows; r++) {
                    double dotAbs = 0;
                    for (int c = 0; c < cols; c++) {
                        int i = r * cols + c;
                        dotAbs += log ? Math.abs(g[i]) : Math.abs((double) g[i] * y[i]);
                    }
                    for (int c = 0; c < cols; c++) {
                        int i = r * cols + c;
                        double scale = log ? Math.abs(g[i]) + Math.exp(y[i]) * dotAbs
                                : Math.abs(y[i]) * (Math.abs(g[i]) + dotAbs);
                        allowed[i] = 1e-5 * scale + 1e-37;
                    }
                }
                String what = (log ? "log-softmax" : "softmax") + " backward " + rows + "x" + cols;
                for (int threads : BLOCKS) {
                    DeviceBlock dy = upload(y), dg = upload(g), dx = allocate(rows * cols);
                    run(PtxKernels.SOFTMAX_BACKWARD_ROWS, rows, threads, dy, dg, dx, rows, cols, log);
                    float[] got = floats(dx, rows * cols);
                    assertWithin(expected.toFloatArray(), got, allowed, what);
                    // dx aliasing dy.
                    run(PtxKernels.SOFTMAX_BACKWARD_ROWS, 3, threads, dy, dg, dg, rows, cols, log);
                    assertArrayEquals(got, floats(dg, rows * cols), what + " in place");
                }
            }
        }
    }

    // ---- cross_entropy_forward ----

    @Test
    void crossEntropyProbabilitiesAndRowLossesMatchTheScalarBackend() {
        for (int[] s : new int[][] {{37, 1000}, {37, 7}}) {
            int rows = s[0], cols = s[1];
            float[] x = logits(rows, cols);
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = random.nextInt(cols);
            }
            labels[1] = 0; // row 1 has two logits of 1000 (see logits()); its label is a small one: loss ~1000
            Tensor tx = Tensor.of(x, rows, cols), tl = Tensor.of(labels, rows);
            Tensor probs = Tensor.zeros(rows, cols);
            assertTrue(Double.isNaN(scalar.crossEntropy(tx, tl, probs)), "the NaN row makes the scalar total NaN");
            float[] rowLoss = new float[rows];
            for (int r = 0; r < rows; r++) {
                Tensor p = Tensor.zeros(1, cols);
                rowLoss[r] = (float) scalar.crossEntropy(tx.slice(0, r, r + 1), tl.slice(0, r, r + 1), p);
            }
            String what = "cross-entropy " + rows + "x" + cols;
            for (int threads : BLOCKS) {
                DeviceBlock dx = upload(x), dl = upload(labels), dp = allocate(rows * cols), dloss = allocate(rows);
                DeviceBlock bad = upload(new int[] {-1});
                run(PtxKernels.CROSS_ENTROPY_FORWARD, rows, threads, dx, dl, dp, dloss, bad, rows, cols);
                assertEquals(-1, ints(bad, 1)[0], what + ": no bad row");
                assertSoftmaxClose(probs.toFloatArray(), floats(dp, rows * cols), false, what + " probs");
                float[] got = floats(dloss, rows);
                assertRelative(rowLoss, got, 1e-5, 1e-5, what + " row losses");
                // The host's sum, over the rows that are not NaN (rows 2 and 3, see logits()).
                double expectedSum = 0, sum = 0;
                for (int r = 0; r < rows; r++) {
                    if (!Float.isNaN(rowLoss[r])) {
                        expectedSum += rowLoss[r];
                        sum += got[r];
                    }
                }
                assertEquals(expectedSum, sum, 1e-5 * Math.max(1, Math.abs(expectedSum)), what + " summed loss");
            }
        }
    }

    @Test
    void crossEntropyFlagsTheLastBadLabelAndGivesItsRowNan() {
        int rows = 37, cols = 7;
        float[] x = values(rows * cols, -3, 3);
        int[] labels = new int[rows];
        labels[3] = cols;
        labels[5] = -1;
        labels[30] = Integer.MAX_VALUE;
        Tensor tx = Tensor.of(x, rows, cols);
        Tensor probs = Tensor.zeros(rows, cols);
        scalar.softmax(tx, probs, false);
        for (int threads : BLOCKS) {
            DeviceBlock dx = upload(x), dl = upload(labels), dloss = allocate(rows);
            DeviceBlock bad = upload(new int[] {-1});
            // probs aliasing logits.
            run(PtxKernels.CROSS_ENTROPY_FORWARD, 5, threads, dx, dl, dx, dloss, bad, rows, cols);
            assertEquals(30, ints(bad, 1)[0], "the last bad row");
            float[] loss = floats(dloss, rows);
            for (int r = 0; r < rows; r++) {
                boolean badRow = r == 3 || r == 5 || r == 30;
                assertEquals(badRow, Float.isNaN(loss[r]), "row " + r + " loss " + loss[r]);
            }
            assertSoftmaxClose(probs.toFloatArray(), floats(dx, rows * cols), false, "probs of every row");
            // Without the flag (a null pointer) the kernel still runs.
            DeviceBlock dx2 = upload(x), dp = allocate(rows * cols);
            run(PtxKernels.CROSS_ENTROPY_FORWARD, rows, threads, dx2, dl, dp, dloss, 0L, rows, cols);
            assertTrue(Float.isNaN(floats(dloss, rows)[3]), "row 3 without the flag");
        }
    }

    // ---- argmax_rows ----

    @Test
    void argmaxMatchesTheScalarBackendWithNanAndTies() {
        for (int cols : new int[] {1, 7, 1000}) {
            int rows = 37;
            float[] x = values(rows * cols, -1, 1);
            if (cols >= 7) {
                x[0] = Float.NaN; // row 0: NaN in column 0 is kept: 0
                x[cols + 3] = Float.NaN; // row 1: a later NaN is skipped: 5
                x[cols + 5] = 9f;
                x[2 * cols + 2] = 7f; // row 2: a tie goes to the first: 2
                x[2 * cols + 6] = 7f;
                for (int c = 0; c < cols; c++) {
                    x[3 * cols + c] = Float.NaN; // row 3: all NaN: 0
                    x[4 * cols + c] = c == 0 ? Float.NEGATIVE_INFINITY : Float.NaN; // row 4: 0
                    x[5 * cols + c] = Float.NEGATIVE_INFINITY; // row 5: -0 and +0 tie: the first (cols - 2)
                    x[6 * cols + c] = 1f; // row 6: all equal: 0
                }
                x[5 * cols + cols - 2] = -0f;
                x[5 * cols + cols - 1] = 0f;
                x[7 * cols + cols - 1] = Float.NaN; // row 7: NaN last, maximum earlier
                x[7 * cols + 1] = 50f;
            }
            Tensor expected = Tensor.zeros(DType.INT32, rows);
            scalar.argmax(Tensor.of(x, rows, cols), expected);
            for (int threads : new int[] {THREADS, 75, 32}) {
                DeviceBlock dx = upload(x), out = allocate(rows);
                run(PtxKernels.ARGMAX_ROWS, rows, threads, dx, out, rows, cols);
                assertArrayEquals(expected.toIntArray(), ints(out, rows), "argmax cols " + cols + ", " + threads
                        + " threads");
            }
        }
    }

    // ---- helpers ----

    /**
     * Logits in [-10, 10) with, when there are enough rows and columns: two large ones in row 1
     * (1000, so that x - max reaches -1010), a NaN in row 2 and +inf in row 3 (NaN rows, as in
     * the scalar backend), and row 4 shifted to [990, 1010).
     */
    private float[] logits(int rows, int cols) {
        float[] x = values(rows * cols, -10, 10);
        if (rows > 4 && cols > 5) {
            x[cols + 2] = 1000f;
            x[cols + 4] = 1000f;
            x[2 * cols + 1] = Float.NaN;
            x[3 * cols + 3] = Float.POSITIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                x[4 * cols + c] += 1000f;
            }
        }
        return x;
    }

    /** Softmax within 1e-5 relative (plus subnormals); log-softmax within 1e-5 of max(1, |y|). */
    private static void assertSoftmaxClose(float[] expected, float[] actual, boolean log, String what) {
        double[] allowed = new double[expected.length];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = log ? 1e-5 * Math.max(1, Math.abs(expected[i])) : 1e-5 * Math.abs(expected[i]) + 1e-37;
        }
        assertWithin(expected, actual, allowed, what);
    }
}
