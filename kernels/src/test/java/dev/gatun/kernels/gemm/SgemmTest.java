package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sgemm against SgemmReference (double accumulation) on shapes with tails on every side, all four
 * transpose pairs, padded leading dimensions, offsets, and every register tile (4, 8 and 12 rows),
 * at whatever width this JVM's Simd.FLOATS has (the build runs this at each width).
 */
class SgemmTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final Arena ARENA = Arena.ofShared();
    private static final float[] ALPHAS = {1f, -0.5f, 2f, 0f};
    private static final float[] BETAS = {0f, 1f, -0.5f, 2f};

    @AfterAll
    static void close() {
        ARENA.close();
    }

    static Stream<Arguments> shapes() {
        int[][] mnk = {
            {1, 1, 1}, {1, 17, 3}, {3, 1, 17}, {17, 3, 1}, {4, 16, 8}, {8, 32, 16}, {5, 33, 31},
            {31, 17, 65}, {33, 65, 17}, {65, 31, 33}, {127, 33, 9}, {7, 127, 64}, {64, 64, 64},
            {2, 257, 5}, {257, 2, 5}, {129, 10, 128}, {13, 40, 257}, {100, 100, 300},
        };
        Stream.Builder<Arguments> out = Stream.builder();
        int seed = 0;
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, seed++));
            }
        }
        return out.build();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapes")
    void matchesReference(int m, int n, int k, boolean transA, boolean transB, int seed) {
        Random r = new Random(seed);
        for (int mr : new int[] {4, 8, SgemmMicroKernel.TALL_MR}) {
            float alpha = ALPHAS[r.nextInt(ALPHAS.length)];
            float beta = BETAS[r.nextInt(BETAS.length)];
            check(mr, transA, transB, m, n, k, alpha, beta, r.nextInt(3), r.nextInt(4), r);
        }
    }

    @Test
    void everyTileHeightGivesTheSameBits() {
        Random r = new Random(5);
        for (int[] s : new int[][] {{300, 513, 257}, {37, 45, 29}, {129, 40, 600}}) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0;
                boolean transB = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                MemorySegment a = random(m * k, r);
                MemorySegment b = random(k * n, r);
                MemorySegment c0 = random(m * n, r);
                float[] first = null;
                for (int mr : new int[] {4, 8, SgemmMicroKernel.TALL_MR}) {
                    MemorySegment c = ARENA.allocate(c0.byteSize()).copyFrom(c0);
                    Sgemm.sgemm(mr, transA, transB, m, n, k, 0.75f, a, 0, transA ? m : k, b, 0, transB ? k : n,
                            -0.5f, c, 0, n);
                    float[] got = c.toArray(F);
                    if (first == null) {
                        first = got;
                    } else {
                        for (int i = 0; i < got.length; i++) {
                            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(first[i])) {
                                fail(mr + "-row tiles differ from 4-row ones at C[" + i / n + "][" + i % n + "]: "
                                        + got[i] + " against " + first[i] + " (m=" + m + " n=" + n + " k=" + k
                                        + " transA=" + transA + " transB=" + transB + ")");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void crossesEveryCacheBlock() {
        Random r = new Random(42);
        // k > KC, m > MC, and several n slivers; parallel split on the default path.
        check(SgemmMicroKernel.MR, false, false, 300, 513, 257, 1f, 0f, 3, 5, r);
        check(SgemmMicroKernel.MR, true, true, 300, 513, 257, -0.5f, 2f, 0, 1, r);
        check(SgemmMicroKernel.MR, true, false, 257, 300, 600, 1f, 1f, 1, 0, r);
        check(SgemmMicroKernel.MR, false, true, 129, 257, 513, 2f, -0.5f, 2, 2, r);
        // Few rows, many columns: the threads split N instead of M.
        check(SgemmMicroKernel.MR, false, false, 8, 1000, 300, 1f, 0f, 0, 1, r);
        check(SgemmMicroKernel.MR, true, true, 6, 1001, 299, 1f, 1f, 1, 0, r);
    }

    @Test
    void crossesThePanelWidth() {
        Random r = new Random(43);
        int n = Sgemm.NC + 3 * SgemmMicroKernel.NR + 5;
        check(SgemmMicroKernel.MR, false, false, 9, n, 40, 1f, 0f, 0, 0, r);
        check(SgemmMicroKernel.MR, false, true, 9, n, 40, 1f, 1f, 1, 2, r);
    }

    @Test
    void addRowIsTheRowWrittenThenBetaOne() {
        // Bit for bit: the row filled into each tile before its first product, against the row
        // copied into every row of C first and sgemm with beta = 1. Shapes cross k blocks, the
        // thread split on M and on N, partial tiles and the panel width; C starts as garbage
        // (0x7f7f7f7f), which neither may read.
        Random r = new Random(44);
        int[][] mnk = {{1, 1, 1}, {5, 33, 31}, {127, 33, 9}, {1792, 512, 28}, {300, 513, 257}, {8, 1000, 300},
                       {9, Sgemm.NC + 3 * SgemmMicroKernel.NR + 5, 40}, {7, 13, 0}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                int m = s[0], n = s[1], k = s[2];
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                int lda = (transA ? m : k) + 1;
                int ldb = (transB ? k : n) + 2;
                int ldc = n + 3;
                MemorySegment a = random(2 + (transA ? k : m) * lda, r);
                MemorySegment b = random(2 + (transB ? n : k) * ldb, r);
                MemorySegment row = random(1 + n, r);
                float alpha = t == 3 ? -0.5f : 1f;
                MemorySegment c = ARENA.allocate((2L + (long) m * ldc) * Float.BYTES);
                MemorySegment expected = ARENA.allocate(c.byteSize());
                c.fill((byte) 0x7f);
                expected.fill((byte) 0x7f);
                for (int i = 0; i < m; i++) {
                    MemorySegment.copy(row, Float.BYTES, expected, (2L + (long) i * ldc) * Float.BYTES, (long) n * Float.BYTES);
                }
                Sgemm.sgemm(transA, transB, m, n, k, alpha, a, 2, lda, b, 2, ldb, 1f, expected, 2, ldc);
                Sgemm.sgemmAddRow(transA, transB, m, n, k, alpha, a, 2, lda, b, 2, ldb, row, 1, c, 2, ldc);
                String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB;
                assertEquals(-1L, c.mismatch(expected), what);
            }
        }
    }

    @Test
    void opBPackedOnceForAllThreadsGivesTheBitsOfOneThread() {
        // Row chunks against shared panels of op(B), against the same product on one thread with
        // its own panels: the same k blocks, so the same sums. Shapes cross k blocks, the panel
        // width, partial chunks and tiles; C starts as garbage for beta = 0.
        Random r = new Random(45);
        int[][] mnk = {{300, 513, 257}, {1792, 512, 28}, {129, Sgemm.NC + 2 * SgemmMicroKernel.NR + 3, 600},
                       {64, 33, 1}, {1, 17, 9}};
        for (int[] s : mnk) {
            for (int t = 0; t < 8; t++) {
                int m = s[0], n = s[1], k = s[2];
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                float beta = (t & 4) != 0 ? 1.5f : 0f;
                int lda = (transA ? m : k) + 1;
                int ldb = (transB ? k : n) + 2;
                int ldc = n + 3;
                MemorySegment a = random(1 + (transA ? k : m) * lda, r);
                MemorySegment b = random(2 + (transB ? n : k) * ldb, r);
                MemorySegment c = beta == 0f ? ARENA.allocate((1L + (long) m * ldc) * Float.BYTES).fill((byte) 0x7f)
                        : random(1 + m * ldc, r);
                MemorySegment expected = ARENA.allocate(c.byteSize()).copyFrom(c);
                Parallel.inline(() -> Sgemm.sgemm(transA, transB, m, n, k, -0.75f, a, 1, lda, b, 2, ldb, beta,
                        expected, 1, ldc));
                Sgemm.sgemmOnSharedB(transA, transB, m, n, k, -0.75f, a, 1, lda, b, 2, ldb, beta, c, 1, ldc);
                assertEquals(-1L, c.mismatch(expected),
                        "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB + " beta=" + beta);
            }
        }
    }

    @Test
    void addRowRefusesAShortRow() {
        MemorySegment a = random(12, new Random(7));
        MemorySegment c = ARENA.allocate(16 * Float.BYTES);
        MemorySegment row = ARENA.allocate(3 * Float.BYTES);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemmAddRow(false, false, 3, 4, 3, 1f, a, 0, 3, a, 0, 4, row, 0, c, 0, 4));
        assertTrue(e.getMessage().contains("row of 4 floats"), e.getMessage());
        assertEquals(0f, c.getAtIndex(F, 0));
    }

    @Test
    void betaZeroOverwritesNaN() {
        int m = 37;
        int n = 45;
        int k = 20;
        MemorySegment a = random(m * k, new Random(1));
        MemorySegment b = random(k * n, new Random(2));
        MemorySegment c = ARENA.allocate((long) m * n * Float.BYTES);
        MemorySegment expected = ARENA.allocate((long) m * n * Float.BYTES);
        for (long i = 0; i < (long) m * n; i++) {
            c.setAtIndex(F, i, Float.NaN);
        }
        Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        SgemmReference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        for (long i = 0; i < (long) m * n; i++) {
            assertTrue(Float.isFinite(c.getAtIndex(F, i)), "NaN leaked at " + i);
            assertEquals(expected.getAtIndex(F, i), c.getAtIndex(F, i), 1e-4f);
        }
    }

    @Test
    void kZeroScalesC() {
        int m = 5;
        int n = 19;
        MemorySegment c = random(m * n, new Random(3));
        MemorySegment before = ARENA.allocate(c.byteSize()).copyFrom(c);
        MemorySegment empty = ARENA.allocate(4);
        Sgemm.sgemm(false, false, m, n, 0, 1f, empty, 0, 0, empty, 0, n, -0.5f, c, 0, n);
        for (long i = 0; i < (long) m * n; i++) {
            assertEquals(-0.5f * before.getAtIndex(F, i), c.getAtIndex(F, i));
        }
        for (long i = 0; i < (long) m * n; i++) {
            c.setAtIndex(F, i, Float.NaN);
        }
        Sgemm.sgemm(true, true, m, n, 0, 1f, empty, 0, m, empty, 0, 0, 0f, c, 0, n);
        for (long i = 0; i < (long) m * n; i++) {
            assertEquals(0f, c.getAtIndex(F, i));
        }
    }

    @Test
    void emptyOutputTouchesNothing() {
        MemorySegment c = ARENA.allocate(16);
        c.setAtIndex(F, 0, 7f);
        MemorySegment a = random(12, new Random(4));
        Sgemm.sgemm(false, false, 0, 4, 3, 1f, a, 0, 3, a, 0, 4, 0f, c, 0, 4);
        Sgemm.sgemm(false, false, 4, 0, 3, 1f, a, 0, 3, a, 0, 0, 0f, c, 0, 0);
        assertEquals(7f, c.getAtIndex(F, 0));
    }

    @Test
    void heapSegmentsWork() {
        int m = 23;
        int n = 41;
        int k = 29;
        Random r = new Random(5);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        float[] c = new float[m * n];
        float[] expected = new float[m * n];
        Sgemm.sgemm(false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n,
                0f, MemorySegment.ofArray(c), 0, n);
        SgemmReference.sgemm(false, false, m, n, k, 1f, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n,
                0f, MemorySegment.ofArray(expected), 0, n);
        for (int i = 0; i < c.length; i++) {
            assertEquals(expected[i], c[i], 1e-5f, "at " + i);
        }
    }

    @Test
    void referenceAgreesWithPlainLoop() {
        // The reference is the yardstick, so check it once against the definition itself.
        int m = 6;
        int n = 7;
        int k = 5;
        Random r = new Random(6);
        MemorySegment a = random(k * m, r);
        MemorySegment b = random(n * k, r);
        MemorySegment c = random(m * n, r);
        MemorySegment old = ARENA.allocate(c.byteSize()).copyFrom(c);
        SgemmReference.sgemm(true, true, m, n, k, 2f, a, 0, m, b, 0, k, -0.5f, c, 0, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a.getAtIndex(F, (long) p * m + i) * b.getAtIndex(F, (long) j * k + p);
                }
                double want = 2 * s - 0.5 * old.getAtIndex(F, (long) i * n + j);
                assertEquals(want, c.getAtIndex(F, (long) i * n + j), 1e-5);
            }
        }
    }

    /** Runs both implementations on identical inputs and compares within float rounding. */
    private static void check(int mr, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                              int pad, int offset, Random r) {
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + pad;
        int ldb = bCols + 2 * pad;
        int ldc = n + 3 * pad;
        MemorySegment a = random(offset + Math.max(0, aRows * lda), r);
        MemorySegment b = random(offset + Math.max(0, bRows * ldb), r);
        MemorySegment c = random(offset + m * ldc, r);
        MemorySegment old = ARENA.allocate(c.byteSize()).copyFrom(c);
        MemorySegment expected = ARENA.allocate(c.byteSize()).copyFrom(c);
        Sgemm.sgemm(mr, transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, c, offset, ldc);
        SgemmReference.sgemm(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, expected, offset, ldc);
        for (long i = 0; i < c.byteSize() / Float.BYTES; i++) {
            long rel = i - offset;
            int row = rel < 0 ? -1 : (int) (rel / ldc);
            int col = rel < 0 ? -1 : (int) (rel % ldc);
            boolean inside = rel >= 0 && row < m && col < n;
            float got = c.getAtIndex(F, i);
            float want = expected.getAtIndex(F, i);
            if (!inside) {
                if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want)) {
                    fail("wrote outside C at element " + i + " (mr=" + mr + ")");
                }
                continue;
            }
            // Float accumulation in a different order: error grows with the sum of |terms|.
            double bound = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a.getAtIndex(F, offset + (long) p * lda + row) : a.getAtIndex(F, offset + (long) row * lda + p);
                float bv = transB ? b.getAtIndex(F, offset + (long) col * ldb + p) : b.getAtIndex(F, offset + (long) p * ldb + col);
                bound += Math.abs((double) av * bv);
            }
            double tol = 1e-5 * (Math.abs(alpha) * bound + Math.abs(beta * old.getAtIndex(F, i))) + 1e-6;
            if (!(Math.abs(got - want) <= tol)) {
                fail("m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB + " mr=" + mr
                        + " alpha=" + alpha + " beta=" + beta + ": C[" + row + "][" + col + "] = " + got
                        + ", expected " + want + " (tolerance " + tol + ")");
            }
        }
    }

    private static MemorySegment random(int floats, Random r) {
        MemorySegment s = ARENA.allocate(Math.max(1, (long) floats) * Float.BYTES);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(F, i, r.nextFloat() * 2 - 1);
        }
        return s;
    }
}
