package dev.gatun.kernels.gemm;

import static dev.gatun.kernels.gemm.SgemmMicroKernel.NR;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.ThreadFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the Vector API, blocked GotoBLAS/BLIS style.
 *
 * <p>Shapes: C (m×n) = alpha·op(A) (m×k) · op(B) (k×n) + beta·C, all row-major. Loop nest per
 * thread, outermost first: NC columns of C; KC of the k dimension (pack a KC×NC panel of op(B)
 * into NR-column slivers, which stays in L3); MC rows (pack an MC×KC block of alpha·op(A) into
 * MR-row slivers, which stays in L2); then every NR sliver of B (stays in L1) against every MR
 * sliver of A, one register tile each ({@link SgemmMicroKernel}).
 *
 * <p>The panels of op(B) may also come from a {@link BPanels} instead of a stored matrix (an
 * implicit GEMM: a convolution packs its column matrix straight from the input planes).
 *
 * <p>C is split along M or N (whichever duplicates less packing) over the threads of
 * {@link Parallel}, however many there are. Split along M with at least 64 rows a thread, op(B)
 * is packed once (its panels in parallel) into the caller's buffer, and the threads claim chunks
 * of rows (four a thread, at least 32 rows each) against it, so a thread on a slowed core does
 * fewer of them. Otherwise C goes in one part per thread, each packing into its own buffers, with
 * one fork and one join per call and no barrier in between. Either way the sums are the same.
 * Small products stay on the caller's thread.
 */
public final class Sgemm {
    /**
     * Depth of a packed block. Below 512-bit, a B sliver (KC×NR floats) is 16 KiB, half of a
     * 32 KiB L1d: 256 at 256-bit, 512 at 128-bit; on the 2-core Zen 3 it was tuned on, 256, 384
     * and 512 were within noise of each other at 256-bit, and 512 was 3% ahead at 128-bit. At
     * 512-bit, 256 (a 32 KiB sliver in the 48 KiB L1d of the AVX-512 Xeon it was measured on)
     * halves how often every C tile is reloaded and stored: against 128, 2048³ ran at a median of
     * 202 against 182 GFLOP/s and 1024³ at 240 against 230 (one JVM, alternating windows), with
     * the MLP's shapes unchanged.
     */
    static final int KC = NR >= 32 ? 256 : 4096 / NR;
    /** Rows of a packed A block: MC×KC floats is 128 KiB, a quarter of the 512 KiB L2. */
    static final int MC = 32768 / KC;
    /** Columns of a packed B panel: KC×NC floats (2 MiB at 256-bit) lives in the shared L3. */
    static final int NC = 2048;
    /**
     * Below this many multiply-adds the second thread costs more than it saves: a fork and join
     * through {@link Parallel} is about 13 µs here, and the crossover measured at ~1M (128×64×128
     * ran at the same speed on one thread and on two).
     */
    static final long PARALLEL_MIN = 1L << 20;
    /**
     * Fewest rows for the 12-row tile: below, the rows a thread gets end in a part-filled tile
     * too often (128 rows on two threads: 72 and 56), and the 8-row tile wastes none. On a
     * 2-core AVX-512 Xeon, against the 8-row tile (jars paired, both orders): 512³ 1.02×,
     * 1024³ 1.06×, 2048³ 0.99×.
     */
    static final int TALL_MIN_ROWS = 256;

    /**
     * Row chunks per thread when op(B) is packed once for all threads. Threads claim chunks as
     * they finish, so a core that runs slow for a while (a busy neighbour on a shared host: on
     * the 2-core EPYC one vCPU at times ran single-threaded SGEMM at 46 GFLOP/s against the
     * other's 86) does fewer of them instead of holding up the product by its half.
     */
    static final int CHUNKS_PER_THREAD = 4;
    /** Fewest rows of a chunk: below this, packing A and C's loads per chunk start to show. */
    static final int MIN_CHUNK_ROWS = 32;
    /** Most floats of op(B) packed once for all threads (16 MiB); bigger ones use per-thread panels. */
    static final long SHARED_B_MAX = 1L << 22;

    /**
     * Per thread: the packed A block, the packed B panel, the register tile's spill buffer, and
     * on a calling thread the op(B) packed for all threads.
     */
    private static final ThreadFloats WORKSPACE = new ThreadFloats(4);

    private Sgemm() {}

    /**
     * C = alpha·op(A)·op(B) + beta·C, row-major. op(A) is m×k, op(B) is k×n, C is m×n.
     * Offsets and leading dimensions are in floats. transA: A is stored k×m (lda >= m), else m×k
     * (lda >= k); the same for B. beta == 0 overwrites C without reading it, so NaNs in C vanish.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     * @param transB whether B is stored n×k (op(B) = Bᵀ) rather than k×n
     * @param m the rows of op(A) and C
     * @param n the number of elements
     * @param k the columns of op(A), the rows of op(B)
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param aOffset offset of A's first element, in elements
     * @param lda the distance between A's rows, in elements
     * @param b the matrix B
     * @param bOffset offset of B's first element, in elements
     * @param ldb the distance between B's rows, in elements
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the matrix C, overwritten with the result
     * @param cOffset offset of C's first element, in elements
     * @param ldc the distance between C's rows, in elements
     * @throws IllegalArgumentException on negative sizes, short leading dimensions, negative
     *     offsets or segments too small for the highest element touched; C is then untouched
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        if (!Simd.ENABLED) {
            SgemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        sgemm(tileRows(transA, m), transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
                ldc);
    }

    /**
     * C = alpha·op(A)·op(B) + row, the row vector added to every row of C: a linear layer's
     * x·Wᵀ + b, or a recurrent layer's input projection plus its biases, in one pass over C. Each
     * tile of C gets the row just before its first product lands on it, so C is written once and
     * never read back from memory. The sums are those of writing the row into C and calling
     * {@link #sgemm} with beta = 1, bit for bit.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     * @param transB whether B is stored n×k (op(B) = Bᵀ) rather than k×n
     * @param m the rows of op(A) and C
     * @param n the number of elements
     * @param k the columns of op(A), the rows of op(B)
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param aOffset offset of A's first element, in elements
     * @param lda the distance between A's rows, in elements
     * @param b the matrix B
     * @param bOffset offset of B's first element, in elements
     * @param ldb the distance between B's rows, in elements
     * @param row the n elements added to every row of C
     * @param rowOffset offset of row's first element, in elements
     * @param c the matrix C, overwritten with the result
     * @param cOffset offset of C's first element, in elements
     * @param ldc the distance between C's rows, in elements
     * @throws IllegalArgumentException as {@link #sgemm} does, and for a row segment too small for
     *     n elements; C is then untouched
     */
    public static void sgemmAddRow(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                                   MemorySegment row, long rowOffset, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.check("sgemm", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Float.BYTES);
        if (rowOffset < 0 || (rowOffset + n) * Float.BYTES > row.byteSize()) {
            throw new IllegalArgumentException("sgemm: the row of " + n + " floats from offset " + rowOffset
                    + " does not fit its segment of " + row.byteSize() + " bytes");
        }
        if (!Simd.ENABLED || k == 0 || alpha == 0f || m == 0 || n == 0) {
            for (int i = 0; i < m; i++) {
                MemorySegment.copy(row, rowOffset * Float.BYTES, c, (cOffset + (long) i * ldc) * Float.BYTES,
                        (long) n * Float.BYTES);
            }
            sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, 1f, c, cOffset, ldc);
            return;
        }
        stored(tileRows(transA, m), transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, 1f,
                new RowAdd(row, rowOffset * Float.BYTES), c, cOffset, ldc);
    }

    /**
     * Rows of the register tile for a product with m rows of op(A): {@link SgemmMicroKernel#TALL_MR}
     * where vectors are 512-bit, A is stored m×k (its slivers packed by transposes) and m is at
     * least {@link #TALL_MIN_ROWS}, else {@link SgemmMicroKernel#MR}. Every element of C is the
     * same sum in the same order whatever the tile's height, so the choice changes no bits.
     */
    static int tileRows(boolean transA, int m) {
        return NR >= 32 && !transA && m >= TALL_MIN_ROWS ? SgemmMicroKernel.TALL_MR : SgemmMicroKernel.MR;
    }

    /** {@link #sgemm} with the register tile's row count chosen (4, 8 or 12), so tests reach every kernel. */
    static void sgemm(int mr, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                      float beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.check("sgemm", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Float.BYTES);
        stored(mr, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, null, c, cOffset, ldc);
    }

    /**
     * {@link #sgemm} with op(B) packed once for all threads and rows claimed in chunks, whatever
     * the size and thread count, so tests reach that path on any machine; k and m at least 1.
     */
    static void sgemmOnSharedB(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                               float beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.check("sgemm", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, Float.BYTES);
        new Gemm(transA, m, n, k, alpha, a, aOffset * Float.BYTES, lda, storedPanels(transB, b, bOffset, ldb), beta,
                null, c, cOffset * Float.BYTES, ldc, SgemmMicroKernel.MR).onSharedB(Math.max(2, Parallel.THREADS));
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C on the calling thread, op(B) packed whole as {@link
     * SgemmPackedB} packs it (panels of {@link #ncMax} columns and {@link #kcMax} rows,
     * panel (jb, pb) at {@code panelAt[jb·kBlocks + pb]}); checked arguments, k and alpha not 0.
     */
    static void onPackedB(boolean transA, int m, int n, int k, float alpha, MemorySegment a, long aOffset, int lda,
                          float[] packed, int[] panelAt, float beta, MemorySegment c, long cOffset, int ldc) {
        new Gemm(transA, m, n, k, alpha, a, aOffset * Float.BYTES, lda, null, beta, null, c, cOffset * Float.BYTES, ldc,
                SgemmMicroKernel.MR).onPackedB(0, m, packed, panelAt);
    }

    /** Depth of the k blocks of a product with k rows of op(B); see {@link Gemm#kcMax}. */
    static int kcMax(int k) {
        return Math.ceilDiv(k, Math.ceilDiv(k, KC));
    }

    /**
     * Where each panel of a whole packed op(B) (k×n) starts: panel (jb, pb), of {@link #ncMax}
     * columns rounded up to whole slivers and {@link #kcMax} rows, at {@code [jb·kBlocks + pb]};
     * the last element is the total in floats.
     *
     * @throws IllegalArgumentException when the total does not fit an array
     */
    static int[] panelOffsets(int k, int n) {
        if (k == 0 || n == 0) {
            return new int[] {0};
        }
        int kcMax = kcMax(k);
        int ncMax = ncMax(n);
        int kBlocks = Math.ceilDiv(k, kcMax);
        int[] at = new int[Math.ceilDiv(n, ncMax) * kBlocks + 1];
        long total = 0;
        for (int jb = 0, jc = 0; jc < n; jb++, jc += ncMax) {
            for (int pb = 0, pc = 0; pc < k; pb++, pc += kcMax) {
                at[jb * kBlocks + pb] = (int) total;
                total += (long) roundUp(Math.min(ncMax, n - jc), NR, Integer.MAX_VALUE) * Math.min(kcMax, k - pc);
                if (total > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("sgemm packed B: " + k + "×" + n + " is too large to pack");
                }
            }
        }
        at[at.length - 1] = (int) total;
        return at;
    }

    /**
     * Packs all of op(B) (k×n, both at least 1) into {@code packed} in the layout of {@link
     * #panelOffsets}, the panels in parallel over the threads of {@link Parallel} (inline when
     * there is one panel, or inside a task). Each panel is packed in place: a recurrent layer packs
     * its W_hh once per pass, and a buffer per panel copied over took a third of that (36 against
     * 23 µs for 128×512).
     */
    static void packWhole(BPanels b, int k, int n, float[] packed, int[] panelAt) {
        int kcMax = kcMax(k);
        int ncMax = ncMax(n);
        int kBlocks = Math.ceilDiv(k, kcMax);
        Parallel.forEach(panelAt.length - 1, p -> {
            int jc = p / kBlocks * ncMax;
            int pc = p % kBlocks * kcMax;
            b.pack(pc, Math.min(kcMax, k - pc), jc, Math.min(ncMax, n - jc), packed, panelAt[p]);
        });
    }

    /** Width of the column panels of {@code cols} columns of C: equal panels of whole slivers. */
    static int ncMax(int cols) {
        return roundUp(Math.ceilDiv(cols, Math.ceilDiv(cols, NC)), NR, Integer.MAX_VALUE);
    }

    /** The blocked product of checked arguments with op(B) packed from a stored B (rowAdd as in {@link #run}). */
    private static void stored(int mr, boolean transA, boolean transB, int m, int n, int k, float alpha,
                               MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                               float beta, RowAdd rowAdd, MemorySegment c, long cOffset, int ldc) {
        run(mr, transA, m, n, k, alpha, a, aOffset, lda, storedPanels(transB, b, bOffset, ldb), transB ? 2 : 1, beta,
                rowAdd, c, cOffset, ldc);
    }

    /**
     * A stored B, packed through the same interface as a derived one, one call per KC×NC panel.
     * Against the code before it existed (thread CPU µs, one thread, best of 3 interleaved runs):
     * 64×128×512 transB 122.8-127.0 vs 123.9-133.9, 128×784×256 683-730 vs 690-700, 512³
     * 3425-3606 vs 3164-3499, all within the noise of a shared machine.
     */
    static BPanels storedPanels(boolean transB, MemorySegment b, long bOffset, int ldb) {
        long bAt = bOffset * Float.BYTES;
        return (p0, kc, j0, nc, dst, at) -> SgemmPack.packB(transB, b, bAt, ldb, p0, kc, j0, nc, dst, at);
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C, row-major, with op(B) (k×n) packed by {@code b} rather than
     * read from a stored matrix: an implicit GEMM. The rest as {@link #sgemm}: op(A) is m×k (A
     * stored k×m with lda >= m when transA, else m×k with lda >= k), C is m×n, offsets in floats.
     *
     * @param transA whether A is stored k×m (op(A) = Aᵀ) rather than m×k
     * @param m the rows of op(A) and C
     * @param n the number of elements
     * @param k the columns of op(A), the rows of op(B)
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param aOffset offset of A's first element, in elements
     * @param lda the distance between A's rows, in elements
     * @param b packs the panels of op(B)
     * @param beta the factor of C; 0 overwrites C without reading it
     * @param c the matrix C, overwritten with the result
     * @param cOffset offset of C's first element, in elements
     * @param ldc the distance between C's rows, in elements
     * @throws IllegalArgumentException on negative sizes, short leading dimensions, negative
     *     offsets or segments too small for A or C; C is then untouched
     */
    public static void sgemm(boolean transA, int m, int n, int k, float alpha, MemorySegment a, long aOffset, int lda,
                             BPanels b, float beta, MemorySegment c, long cOffset, int ldc) {
        GemmArgs.checkWithoutB("sgemm", transA, m, n, k, a, aOffset, lda, c, cOffset, ldc, Float.BYTES);
        if (!Simd.ENABLED) {
            SgemmReference.sgemm(transA, m, n, k, alpha, a, aOffset, lda, b, beta, c, cOffset, ldc);
            return;
        }
        // A derived op(B) costs about two straight copies a float to pack (ColumnPanels: 0.24-0.62
        // ns), which the choice of split below weighs.
        run(SgemmMicroKernel.MR, transA, m, n, k, alpha, a, aOffset, lda, b, 2, beta, null, c, cOffset, ldc);
    }

    /**
     * The blocked product on checked arguments; packBCost weighs packing a float of op(B) (1 = a
     * straight copy). A non-null rowAdd is written into each tile of C before its first product,
     * which beta (then 1) adds onto.
     */
    private static void run(int mr, boolean transA, int m, int n, int k, float alpha, MemorySegment a, long aOffset,
                            int lda, BPanels panels, int packBCost, float beta, RowAdd rowAdd, MemorySegment c,
                            long cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        long cAt = cOffset * Float.BYTES;
        if (k == 0 || alpha == 0f) {
            scale(c, cAt, ldc, m, n, beta);
            return;
        }
        Gemm g = new Gemm(transA, m, n, k, alpha, a, aOffset * Float.BYTES, lda, panels, beta, rowAdd, c, cAt, ldc, mr);
        if (Parallel.THREADS < 2 || (double) m * n * k < PARALLEL_MIN) {
            g.block(0, m, 0, n);
            return;
        }
        int threads = Parallel.THREADS;
        // Splitting M makes every thread pack all of op(B), splitting N all of op(A). Packing an
        // operand the kernel needs transposed (A stored m×k, B stored n×k) costs ~0.3 ns a float,
        // a straight copy ~0.15 ns, about as long as 8 multiply-adds on one core; weigh that
        // against the rounding of each split to whole slivers.
        int rowsEach = roundUp(Math.ceilDiv(m, threads), mr, m);
        int colsEach = roundUp(Math.ceilDiv(n, threads), NR, n);
        double packA = (double) m * k * (transA ? 1 : 2);
        double packB = (double) k * n * packBCost;
        double costM = (double) rowsEach * n * k / 8 + packA / threads + packB;
        double costN = (double) colsEach * m * k / 8 + packA + packB / threads;
        boolean splitM = costM <= costN;
        if (splitM && !Parallel.inTask() && m >= 2 * threads * MIN_CHUNK_ROWS
                && (long) k * roundUp(n, NR, Integer.MAX_VALUE) <= SHARED_B_MAX) {
            g.onSharedB(threads);
            return;
        }
        int chunk = splitM ? rowsEach : colsEach;
        int tasks = Math.ceilDiv(splitM ? m : n, chunk);
        if (tasks < 2) {
            g.block(0, m, 0, n);
            return;
        }
        Parallel.forEach(tasks, t -> {
            int from = t * chunk;
            if (splitM) {
                g.block(from, from + Math.min(chunk, m - from), 0, n);
            } else {
                g.block(0, m, from, from + Math.min(chunk, n - from));
            }
        });
    }

    /** C = beta·C for k == 0 or alpha == 0, where op(A)·op(B) contributes nothing. */
    private static void scale(MemorySegment c, long cAt, int ldc, int m, int n, float beta) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            long row = cAt + (long) i * ldc * Float.BYTES;
            if (beta == 0f) {
                c.asSlice(row, (long) n * Float.BYTES).fill((byte) 0);
            } else {
                for (int j = 0; j < n; j++) {
                    long o = row + (long) j * Float.BYTES;
                    c.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o, beta * c.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o));
                }
            }
        }
    }

    /** {@code a} rounded up to a multiple of {@code multiple}, but at most {@code cap}. */
    private static int roundUp(int a, int multiple, int cap) {
        return (int) Math.min(cap, (long) Math.ceilDiv(a, multiple) * multiple);
    }

    /** One validated call; byte offsets. */
    private record Gemm(boolean transA, int m, int n, int k, float alpha, MemorySegment a, long aAt, int lda,
                        BPanels b, float beta, RowAdd rowAdd, MemorySegment c, long cAt, int ldc, int mr) {

        /**
         * Depth of the k blocks: equal blocks rather than full ones plus a sliver, since a 16-deep
         * last block would pay the C load/store of every tile for almost no multiply-adds. The
         * blocks fix the order of C's sums, so every path below uses these.
         */
        int kcMax() {
            return Sgemm.kcMax(k);
        }

        /** C[i0..i1) × [j0..j1) on the calling thread, in its own packing buffers. */
        void block(int i0, int i1, int j0, int j1) {
            int kcMax = kcMax();
            int ncMax = ncMax(j1 - j0);
            float[] packedB = WORKSPACE.get(1, ncMax * kcMax);
            // Steps are the actual block sizes, so no index runs past j1, k or i1 near 2^31.
            for (int jc = j0, nc; jc < j1; jc += nc) {
                nc = Math.min(ncMax, j1 - jc);
                for (int pc = 0, kc; pc < k; pc += kc) {
                    kc = Math.min(kcMax, k - pc);
                    b.pack(pc, kc, jc, nc, packedB, 0);
                    panel(i0, i1, jc, nc, pc, kc, packedB, 0);
                }
            }
        }

        /**
         * All of op(B) packed once into the calling thread's buffer (its panels in parallel),
         * then rows of C in chunks the threads claim one at a time, each against the shared
         * panels. The same k blocks and tiles as {@link #block}, so the same bits.
         */
        void onSharedB(int threads) {
            int[] panelAt = panelOffsets(k, n);
            float[] shared = WORKSPACE.get(3, panelAt[panelAt.length - 1]);
            packWhole(b, k, n, shared, panelAt);
            int chunk = roundUp(Math.max(MIN_CHUNK_ROWS, Math.ceilDiv(m, threads * CHUNKS_PER_THREAD)), mr, m);
            Parallel.forEach(Math.ceilDiv(m, chunk), t -> onPackedB(t * chunk, Math.min(m, (t + 1) * chunk), shared,
                    panelAt));
        }

        /**
         * Rows [i0..i1) of C against all of op(B) packed in {@code packed}: panel (jb, pb) of
         * width ncMax(n) and depth {@link #kcMax} at {@code panelAt[jb·kBlocks + pb]}.
         */
        void onPackedB(int i0, int i1, float[] packed, int[] panelAt) {
            int kcMax = kcMax();
            int ncMax = ncMax(n);
            int kBlocks = Math.ceilDiv(k, kcMax);
            for (int jb = 0, jc = 0; jc < n; jb++, jc += ncMax) {
                for (int pb = 0, pc = 0; pc < k; pb++, pc += kcMax) {
                    panel(i0, i1, jc, Math.min(ncMax, n - jc), pc, Math.min(kcMax, k - pc), packed,
                            panelAt[jb * kBlocks + pb]);
                }
            }
        }

        /**
         * C[i0..i1) × [jc..jc+nc) += the product of op(A)'s rows and k block [pc..pc+kc) with
         * the packed panel of op(B) at {@code bp[bAt]}; the first k block scales C by beta (or
         * writes the row of sgemmAddRow), later ones add onto it.
         */
        private void panel(int i0, int i1, int jc, int nc, int pc, int kc, float[] bp, int bAt) {
            int rows = i1 - i0;
            int mcMax = roundUp(Math.ceilDiv(rows, Math.ceilDiv(rows, MC)), mr, Integer.MAX_VALUE);
            float[] packedA = WORKSPACE.get(0, mcMax * kcMax());
            float[] tile = WORKSPACE.get(2, SgemmMicroKernel.TALL_MR * NR);
            long ldcBytes = (long) ldc * Float.BYTES;
            float betaNow = pc == 0 ? beta : 1f;
            for (int ic = i0, mc; ic < i1; ic += mc) {
                mc = Math.min(mcMax, i1 - ic);
                SgemmPack.packA(transA, a, aAt, lda, alpha, ic, mc, pc, kc, mr, packedA);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = Math.min(NR, nc - jr);
                    int bi = bAt + jr * kc;
                    long cCol = cAt + ((long) ic * ldc + jc + jr) * Float.BYTES;
                    for (int ir = 0; ir < mc; ir += mr) {
                        int tileRows = Math.min(mr, mc - ir);
                        if (pc == 0 && rowAdd != null) {
                            rowAdd.into(c, cCol + ir * ldcBytes, ldcBytes, tileRows, jc + jr, nr);
                        }
                        SgemmMicroKernel.tile(mr, kc, packedA, ir * kc, bp, bi,
                                c, cCol + ir * ldcBytes, ldcBytes, betaNow, tileRows, nr, tile);
                    }
                }
            }
        }
    }

    /** The row of {@link #sgemmAddRow}: its segment and the byte offset of its first element. */
    private record RowAdd(MemorySegment row, long rowAt) {
        private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
        private static final int LANES = SgemmMicroKernel.LANES;
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();

        /** row[j0, j0 + nr) into {@code rows} rows of C from byte offset at (pitch ldcBytes); nr <= NR. */
        void into(MemorySegment c, long at, long ldcBytes, int rows, int j0, int nr) {
            long from = rowAt + (long) j0 * Float.BYTES;
            long second = (long) LANES * Float.BYTES;
            if (nr == NR) {
                FloatVector r0 = FloatVector.fromMemorySegment(S, row, from, ORDER);
                FloatVector r1 = FloatVector.fromMemorySegment(S, row, from + second, ORDER);
                for (int r = 0; r < rows; r++, at += ldcBytes) {
                    r0.intoMemorySegment(c, at, ORDER);
                    r1.intoMemorySegment(c, at + second, ORDER);
                }
                return;
            }
            VectorMask<Float> m0 = S.indexInRange(0, nr);
            VectorMask<Float> m1 = S.indexInRange(LANES, nr);
            FloatVector r0 = FloatVector.fromMemorySegment(S, row, from, ORDER, m0);
            FloatVector r1 = FloatVector.fromMemorySegment(S, row, from + second, ORDER, m1);
            for (int r = 0; r < rows; r++, at += ldcBytes) {
                r0.intoMemorySegment(c, at, ORDER, m0);
                r1.intoMemorySegment(c, at + second, ORDER, m1);
            }
        }
    }
}
