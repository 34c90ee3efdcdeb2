package dev.gatun.kernels.gemm;

import static dev.gatun.kernels.gemm.SgemmMicroKernel.LANES;
import static dev.gatun.kernels.gemm.SgemmMicroKernel.NR;
import static dev.gatun.kernels.gemm.SgemmMicroKernel.S;

import dev.gatun.kernels.ThreadFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Copies blocks of op(A) and op(B) into the layouts the micro-kernel streams through.
 *
 * <p>Shapes: a packed A block of mc×kc is ceil(mc/mr) slivers, each kc groups of mr floats
 * (sliver column p, times alpha); a packed B panel of kc×nc is ceil(nc/NR) slivers, each kc rows
 * of NR floats. Rows or columns past the matrix edge are zeros, so the micro-kernel never sees a
 * tail. Transposes are resolved here: the kernel only ever sees op(A) and op(B).
 *
 * <p>Two of the four cases are straight vector copies (A stored k×m, B stored k×n). The other two
 * (A stored m×k, B stored n×k) turn rows into columns, done as register transposes. Single
 * floats read through a MemorySegment pay a bounds and liveness check each: scalar loops were
 * 1.4× slower for the transposes (0.43 vs 0.31 ns per float) and 15× for the k×m copy of A in
 * groups of four (3.4 vs 0.2 ns), measured on 128×256 blocks.
 *
 * <p>Only vectors of the kernels' own width S are used where the kernels' vectors are 256 or
 * 512 bits wide. The Vector API methods that every kernel calls (intoArray, say) keep one type
 * profile for all callers; narrower vectors stored here put a second vector class into it, and C2
 * then sometimes compiled SgemmMicroKernel with its accumulators boxed: MLP epochs at 20-30 ms a
 * step instead of 2-3 ms, 10 runs in 108 over 8 s at 256-bit with 128-bit packing, against 0 in
 * 40 without (bench/results, slow first epochs). So slivers of mr = LANES / 2 rows store two k
 * steps per vector, an 8-row transpose at 16 lanes yields two columns per vector, and the shapes
 * no S-wide code covers (edges of B, 4-row slivers at 512-bit) go one float at a time. At 128
 * bits, S is the 4-float species and the 4×4 transposes use it.
 */
final class SgemmPack {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Floats in half a vector of S: the sliver height whose groups of two k steps fill one vector. */
    private static final int HALF = LANES / 2;
    /*
     * Index vectors of two-source selects (see picks) that interleave blocks of 1, 2, 4 and HALF
     * floats of two vectors: the transposes' rounds, and the pairing of two k steps' groups.
     */
    private static final float[] PICK1_LO = picks(1, false);
    private static final float[] PICK1_HI = picks(1, true);
    private static final float[] PICK2_LO = picks(2, false);
    private static final float[] PICK2_HI = picks(2, true);
    private static final float[] PICK4_LO = picks(4, false);
    private static final float[] PICK4_HI = picks(4, true);
    private static final float[] PICK_HALF_LO = picks(HALF, false);
    private static final float[] PICK_HALF_HI = picks(HALF, true);
    /**
     * Stored rows {@link #copyFourSlivers} copies across all its groups before the next ones (even):
     * 16 fill whole cache lines of each sliver (four at 256-bit). On the LSTM's weight-gradient
     * shapes (one thread, Zen 3) 16 and 32 were within noise of each other, 8 and 64 slower.
     */
    private static final int ROW_BLOCK = 16;
    /** The first half of S's lanes. */
    private static final VectorMask<Float> FIRST_HALF = S.indexInRange(0, HALF);
    /** Per thread: {@link #transpose8}'s results on their way to rows of dst 16 or more floats apart. */
    private static final ThreadFloats COLUMNS = new ThreadFloats(1);

    private SgemmPack() {}

    /**
     * Select indices, LANES of them, that interleave blocks of {@code block} floats from the first
     * (index i < LANES takes lane i) and second (index i >= LANES, lane i - LANES) of two vectors,
     * taken from their lower halves, or their upper halves when {@code upper}. With 8 lanes and
     * block 1: 0, 8, 1, 9, 2, 10, 3, 11.
     */
    private static float[] picks(int block, boolean upper) {
        float[] at = new float[LANES];
        for (int i = 0; i < LANES; i++) {
            int from = i / (2 * block) * block + i % block + (upper ? HALF : 0);
            at[i] = i % (2 * block) < block ? from : LANES + from;
        }
        return at;
    }

    /**
     * Packs alpha·op(A)[i0 .. i0+mc) × [p0 .. p0+kc) as mr-row slivers (mr = 4, 8 or 12) into
     * {@code dst}. {@code aAt} is the byte offset of stored A[0][0], {@code lda} its row pitch.
     */
    static void packA(boolean transA, MemorySegment a, long aAt, int lda, float alpha,
                      int i0, int mc, int p0, int kc, int mr, float[] dst) {
        long pitch = (long) lda * Float.BYTES;
        int s = 0;
        int base = 0;
        if (transA && (mr == HALF || mr == 4 && LANES == 4)) {
            // Four whole slivers per pass over the stored rows: one loop step per 4·mr floats
            // instead of per mr (the LSTM's weight-gradient GEMMs spent 8% of a training step
            // here at 256-bit, and 7% at 512-bit).
            int groups = mc / (4 * mr);
            if (groups > 0) {
                copyFourSlivers(a, aAt + ((long) p0 * lda + i0) * Float.BYTES, pitch, kc, mr, groups, alpha, dst);
                s = 4 * mr * groups;
                base = s * kc;
            }
        }
        for (; s < mc; s += mr, base += mr * kc) {
            int rows = Math.min(mr, mc - s);
            if (transA) {
                // Stored k×m: the mr values of sliver column p sit side by side in stored row p.
                long src = aAt + ((long) p0 * lda + i0 + s) * Float.BYTES;
                if (rows == mr) {
                    copyGroups(a, src, pitch, kc, mr, alpha, dst, base);
                } else {
                    for (int p = 0; p < kc; p++, src += pitch) {
                        gather(a, src, Float.BYTES, rows, mr, alpha, dst, base + p * mr);
                    }
                }
            } else {
                // Stored m×k: sliver row r is a stored row; four of them at a time become columns.
                long src = aAt + ((long) (i0 + s) * lda + p0) * Float.BYTES;
                int full = rows & ~3;
                int g = 0;
                if (rows >= 8 && LANES >= 8) {
                    transpose8(a, src, pitch, kc, alpha, dst, base, mr);
                    g = 8;
                }
                for (; g < full; g += 4) {
                    transpose4(a, src + g * pitch, pitch, kc, alpha, dst, base + g, mr);
                }
                for (int r = full; r < mr; r++) {
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                        dst[d] = r < rows ? alpha * a.get(F, src + r * pitch + (long) p * Float.BYTES) : 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[p0 .. p0+kc) × [j0 .. j0+nc) as NR-column slivers into {@code dst}.
     * {@code bAt} is the byte offset of stored B[0][0], {@code ldb} its row pitch in floats.
     */
    static void packB(boolean transB, MemorySegment b, long bAt, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        packB(transB, b, bAt, ldb, p0, kc, j0, nc, dst, 0);
    }

    /** {@link #packB(boolean, MemorySegment, long, int, int, int, int, int, float[])} into dst from index {@code dstAt}. */
    static void packB(boolean transB, MemorySegment b, long bAt, int ldb, int p0, int kc, int j0, int nc, float[] dst,
                      int dstAt) {
        long pitch = (long) ldb * Float.BYTES;
        for (int t = 0, base = dstAt; t < nc; t += NR, base += NR * kc) {
            int cols = Math.min(NR, nc - t);
            if (transB) {
                // Stored n×k: sliver column j is a stored row; four of them at a time become rows.
                long src = bAt + ((long) (j0 + t) * ldb + p0) * Float.BYTES;
                int full = cols & ~3;
                int g = 0;
                if (NR >= 16) {
                    for (; g + 8 <= full; g += 8) {
                        transpose8(b, src + g * pitch, pitch, kc, 1f, dst, base + g, NR);
                    }
                }
                for (; g < full; g += 4) {
                    transpose4(b, src + g * pitch, pitch, kc, 1f, dst, base + g, NR);
                }
                for (int j = full; j < NR; j++) {
                    for (int p = 0, d = base + j; p < kc; p++, d += NR) {
                        dst[d] = j < cols ? b.get(F, src + j * pitch + (long) p * Float.BYTES) : 0f;
                    }
                }
            } else {
                long src = bAt + ((long) p0 * ldb + j0 + t) * Float.BYTES;
                if (cols == NR) {
                    for (int p = 0, d = base; p < kc; p++, d += NR, src += pitch) {
                        FloatVector.fromMemorySegment(S, b, src, ORDER).intoArray(dst, d);
                        FloatVector.fromMemorySegment(S, b, src + (long) LANES * Float.BYTES, ORDER).intoArray(dst, d + LANES);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += pitch) {
                        gather(b, src, Float.BYTES, cols, NR, 1f, dst, base + p * NR);
                    }
                }
            }
        }
    }

    /**
     * {@code groups} runs of four mr-row slivers (mr = 4 at 128-bit, else half a vector), from
     * 4·mr·groups adjacent floats of each of kc stored rows, times alpha, into dst from 0. A block
     * of stored rows is copied across all its groups before the next block: walking one group
     * down all kc rows reads a row pitch apart (2 KiB for the LSTM's gate gradients, a new page
     * every other row), and walking whole rows writes one float group to each sliver, 4 KiB
     * apart, which share L1 sets. Against one group at a time, the LSTM's dW_ih and dW_hh
     * products ran 1.09× faster (one thread, alternating).
     */
    private static void copyFourSlivers(MemorySegment a, long src, long pitch, int kc, int mr, int groups,
                                        float alpha, float[] dst) {
        int step = mr * kc;
        if (mr == HALF) {
            copyFourSliversWide(a, src, pitch, kc, groups, alpha, dst, step);
            return;
        }
        // LANES and mr are 4 here. A product by alpha = 1 is exact, so one loop serves every alpha.
        FloatVector scale = FloatVector.broadcast(S, alpha);
        for (int p0 = 0; p0 < kc; p0 += ROW_BLOCK) {
            int rows = Math.min(ROW_BLOCK, kc - p0);
            for (int g = 0; g < groups; g++) {
                long at = src + p0 * pitch + 64L * g;
                for (int p = 0, d = 4 * p0 + 4 * step * g; p < rows; p++, at += pitch, d += 4) {
                    FloatVector.fromMemorySegment(S, a, at, ORDER).mul(scale).intoArray(dst, d);
                    FloatVector.fromMemorySegment(S, a, at + 16, ORDER).mul(scale).intoArray(dst, d + step);
                    FloatVector.fromMemorySegment(S, a, at + 32, ORDER).mul(scale).intoArray(dst, d + 2 * step);
                    FloatVector.fromMemorySegment(S, a, at + 48, ORDER).mul(scale).intoArray(dst, d + 3 * step);
                }
            }
        }
    }

    /**
     * {@link #copyFourSlivers} for slivers of half a vector: two stored rows at a time, two
     * vectors of each, whose first and second halves are one sliver's groups for those two k
     * steps.
     */
    private static void copyFourSliversWide(MemorySegment a, long src, long pitch, int kc, int groups, float alpha,
                                            float[] dst, int step) {
        FloatVector scale = FloatVector.broadcast(S, alpha);
        FloatVector lo = FloatVector.fromArray(S, PICK_HALF_LO, 0);
        FloatVector hi = FloatVector.fromArray(S, PICK_HALF_HI, 0);
        int pairs = kc >> 1;
        long vectorBytes = (long) LANES * Float.BYTES;
        for (int q0 = 0; q0 < pairs; q0 += ROW_BLOCK / 2) {
            int blockPairs = Math.min(ROW_BLOCK / 2, pairs - q0);
            for (int g = 0; g < groups; g++) {
                long at = src + 2L * q0 * pitch + 2 * vectorBytes * g;
                for (int q = 0, d = LANES * q0 + 4 * step * g; q < blockPairs; q++, at += 2 * pitch, d += LANES) {
                    FloatVector v0 = FloatVector.fromMemorySegment(S, a, at, ORDER);
                    FloatVector v1 = FloatVector.fromMemorySegment(S, a, at + vectorBytes, ORDER);
                    FloatVector w0 = FloatVector.fromMemorySegment(S, a, at + pitch, ORDER);
                    FloatVector w1 = FloatVector.fromMemorySegment(S, a, at + pitch + vectorBytes, ORDER);
                    lo.selectFrom(v0, w0).mul(scale).intoArray(dst, d);
                    hi.selectFrom(v0, w0).mul(scale).intoArray(dst, d + step);
                    lo.selectFrom(v1, w1).mul(scale).intoArray(dst, d + 2 * step);
                    hi.selectFrom(v1, w1).mul(scale).intoArray(dst, d + 3 * step);
                }
            }
        }
        if ((kc & 1) != 0) {
            long last = src + (kc - 1) * pitch;
            for (int s = 0; s < 4 * groups; s++) {
                gather(a, last + (long) HALF * Float.BYTES * s, Float.BYTES, HALF, HALF, alpha, dst,
                        HALF * (kc - 1) + s * step);
            }
        }
    }

    /** kc groups of mr (4 or 8) adjacent floats, one group per stored row, times alpha. */
    private static void copyGroups(MemorySegment a, long src, long pitch, int kc, int mr, float alpha, float[] dst, int d) {
        if (mr == HALF) {
            // Each load takes only its row's group: the next floats may lie past the segment.
            FloatVector scale = FloatVector.broadcast(S, alpha);
            FloatVector lo = FloatVector.fromArray(S, PICK_HALF_LO, 0);
            int p = 0;
            for (; p + 1 < kc; p += 2, src += 2 * pitch, d += LANES) {
                FloatVector v = FloatVector.fromMemorySegment(S, a, src, ORDER, FIRST_HALF);
                FloatVector w = FloatVector.fromMemorySegment(S, a, src + pitch, ORDER, FIRST_HALF);
                lo.selectFrom(v, w).mul(scale).intoArray(dst, d);
            }
            if (p < kc) {
                gather(a, src, Float.BYTES, mr, mr, alpha, dst, d);
            }
        } else if (mr == LANES) {
            FloatVector scale = FloatVector.broadcast(S, alpha);
            for (int p = 0; p < kc; p++, src += pitch, d += LANES) {
                FloatVector.fromMemorySegment(S, a, src, ORDER).mul(scale).intoArray(dst, d);
            }
        } else {
            for (int p = 0; p < kc; p++, src += pitch, d += mr) {
                gather(a, src, Float.BYTES, mr, mr, alpha, dst, d);
            }
        }
    }

    /** {@code valid} floats {@code step} bytes apart, times scale, then zeros up to {@code width}. */
    private static void gather(MemorySegment seg, long src, long step, int valid, int width, float scale, float[] dst, int d) {
        for (int i = 0; i < valid; i++) {
            dst[d + i] = scale * seg.get(F, src + i * step);
        }
        for (int i = valid; i < width; i++) {
            dst[d + i] = 0f;
        }
    }

    /**
     * Eight stored rows ({@code pitch} bytes apart) of {@code len} floats each, times scale, written
     * as {@code len} groups of eight: dst[d + p·dstPitch + r] = scale·row_r[p]. A block of LANES
     * columns (8 or 16) takes three rounds of eight two-source selects (one vpermt2ps each), a
     * third of the shuffles per float of {@link #transpose4}'s 4×4 blocks. Each result holds
     * LANES / 8 whole columns of the eight rows.
     */
    private static void transpose8(MemorySegment seg, long src, long pitch, int len, float scale,
                                   float[] dst, int d, int dstPitch) {
        FloatVector f = FloatVector.broadcast(S, scale);
        FloatVector lo1 = FloatVector.fromArray(S, PICK1_LO, 0);
        FloatVector hi1 = FloatVector.fromArray(S, PICK1_HI, 0);
        FloatVector lo2 = FloatVector.fromArray(S, PICK2_LO, 0);
        FloatVector hi2 = FloatVector.fromArray(S, PICK2_HI, 0);
        FloatVector lo4 = FloatVector.fromArray(S, PICK4_LO, 0);
        FloatVector hi4 = FloatVector.fromArray(S, PICK4_HI, 0);
        // Each result holds LANES / 8 columns. Where that is two and their rows of dst are more
        // than 8 floats apart, the results go to a scratch array and are spread from there.
        boolean whole = LANES == 8 || dstPitch == 8;
        float[] out = whole ? dst : COLUMNS.get(0, 8 * LANES);
        int at = whole ? d : 0;
        int step = whole ? LANES / 8 * dstPitch : LANES;
        int p = 0;
        for (; p <= len - LANES; p += LANES, src += (long) LANES * Float.BYTES, d += LANES * dstPitch) {
            FloatVector r0 = FloatVector.fromMemorySegment(S, seg, src, ORDER);
            FloatVector r1 = FloatVector.fromMemorySegment(S, seg, src + pitch, ORDER);
            FloatVector r2 = FloatVector.fromMemorySegment(S, seg, src + 2 * pitch, ORDER);
            FloatVector r3 = FloatVector.fromMemorySegment(S, seg, src + 3 * pitch, ORDER);
            FloatVector r4 = FloatVector.fromMemorySegment(S, seg, src + 4 * pitch, ORDER);
            FloatVector r5 = FloatVector.fromMemorySegment(S, seg, src + 5 * pitch, ORDER);
            FloatVector r6 = FloatVector.fromMemorySegment(S, seg, src + 6 * pitch, ORDER);
            FloatVector r7 = FloatVector.fromMemorySegment(S, seg, src + 7 * pitch, ORDER);
            // Pairs of rows interleaved: t0 holds the first half of rows 0 and 1's columns, t1 the second.
            FloatVector t0 = lo1.selectFrom(r0, r1);
            FloatVector t1 = hi1.selectFrom(r0, r1);
            FloatVector t2 = lo1.selectFrom(r2, r3);
            FloatVector t3 = hi1.selectFrom(r2, r3);
            FloatVector t4 = lo1.selectFrom(r4, r5);
            FloatVector t5 = hi1.selectFrom(r4, r5);
            FloatVector t6 = lo1.selectFrom(r6, r7);
            FloatVector t7 = hi1.selectFrom(r6, r7);
            // Quadruples of rows: u0 holds the first quarter of rows 0-3's columns, u1 the second, ...
            FloatVector u0 = lo2.selectFrom(t0, t2);
            FloatVector u1 = hi2.selectFrom(t0, t2);
            FloatVector u2 = lo2.selectFrom(t1, t3);
            FloatVector u3 = hi2.selectFrom(t1, t3);
            FloatVector u4 = lo2.selectFrom(t4, t6);
            FloatVector u5 = hi2.selectFrom(t4, t6);
            FloatVector u6 = lo2.selectFrom(t5, t7);
            FloatVector u7 = hi2.selectFrom(t5, t7);
            // Whole columns of the eight rows: with 8 lanes, result j is column j; with 16, columns
            // 2j and 2j + 1. Stored here, not by a helper: a vector passed to a call that C2 does
            // not inline is boxed. Masked stores of each half, in place of the spread through
            // an array, made this method too big for C1's profiling tier at 16 lanes ("out of
            // virtual registers"), and it then never reached C2: every vector op ran as Java
            // code, and the MLP's step at 512-bit took 2.4 times as long as at 256-bit.
            FloatVector v0 = lo4.selectFrom(u0, u4).mul(f);
            FloatVector v1 = hi4.selectFrom(u0, u4).mul(f);
            FloatVector v2 = lo4.selectFrom(u1, u5).mul(f);
            FloatVector v3 = hi4.selectFrom(u1, u5).mul(f);
            FloatVector v4 = lo4.selectFrom(u2, u6).mul(f);
            FloatVector v5 = hi4.selectFrom(u2, u6).mul(f);
            FloatVector v6 = lo4.selectFrom(u3, u7).mul(f);
            FloatVector v7 = hi4.selectFrom(u3, u7).mul(f);
            v0.intoArray(out, at);
            v1.intoArray(out, at + step);
            v2.intoArray(out, at + 2 * step);
            v3.intoArray(out, at + 3 * step);
            v4.intoArray(out, at + 4 * step);
            v5.intoArray(out, at + 5 * step);
            v6.intoArray(out, at + 6 * step);
            v7.intoArray(out, at + 7 * step);
            if (!whole) {
                spreadColumns(out, dst, d, dstPitch);
            } else {
                at += LANES * dstPitch;
            }
        }
        columns(seg, src, pitch, len - p, 8, scale, dst, d, dstPitch);
    }

    /**
     * The LANES 8-float columns of one block of {@link #transpose8} (16 lanes: result j at {@code
     * from[16j .. 16j + 16)} holds columns 2j and 2j + 1), into dst at {@code d + c·dstPitch}
     * for column c.
     */
    private static void spreadColumns(float[] from, float[] dst, int d, int dstPitch) {
        for (int c = 0; c < LANES; c++) {
            System.arraycopy(from, 8 * c, dst, d + c * dstPitch, 8);
        }
    }

    /**
     * Four stored rows ({@code pitch} bytes apart) of {@code len} floats each, times scale, written
     * as {@code len} groups of four: dst[d + p·dstPitch + r] = scale·row_r[p]. A block of LANES
     * columns takes two rounds of {@link #transpose8}'s selects; each result holds LANES / 4 whole
     * columns of the four rows, so with 8 lanes the results go out whole only where dstPitch is 4
     * (A's slivers). Elsewhere (B's last columns, and every 4-row block at 16 lanes) the groups go
     * one float at a time.
     */
    private static void transpose4(MemorySegment seg, long src, long pitch, int len, float scale,
                                   float[] dst, int d, int dstPitch) {
        int p = 0;
        if (LANES == 4 || LANES == 8 && dstPitch == 4) {
            int step = LANES / 4 * dstPitch;
            FloatVector f = FloatVector.broadcast(S, scale);
            FloatVector lo1 = FloatVector.fromArray(S, PICK1_LO, 0);
            FloatVector hi1 = FloatVector.fromArray(S, PICK1_HI, 0);
            FloatVector lo2 = FloatVector.fromArray(S, PICK2_LO, 0);
            FloatVector hi2 = FloatVector.fromArray(S, PICK2_HI, 0);
            for (; p <= len - LANES; p += LANES, src += (long) LANES * Float.BYTES, d += LANES * dstPitch) {
                FloatVector r0 = FloatVector.fromMemorySegment(S, seg, src, ORDER);
                FloatVector r1 = FloatVector.fromMemorySegment(S, seg, src + pitch, ORDER);
                FloatVector r2 = FloatVector.fromMemorySegment(S, seg, src + 2 * pitch, ORDER);
                FloatVector r3 = FloatVector.fromMemorySegment(S, seg, src + 3 * pitch, ORDER);
                FloatVector t0 = lo1.selectFrom(r0, r1);
                FloatVector t1 = hi1.selectFrom(r0, r1);
                FloatVector t2 = lo1.selectFrom(r2, r3);
                FloatVector t3 = hi1.selectFrom(r2, r3);
                lo2.selectFrom(t0, t2).mul(f).intoArray(dst, d);
                hi2.selectFrom(t0, t2).mul(f).intoArray(dst, d + step);
                lo2.selectFrom(t1, t3).mul(f).intoArray(dst, d + 2 * step);
                hi2.selectFrom(t1, t3).mul(f).intoArray(dst, d + 3 * step);
            }
        }
        columns(seg, src, pitch, len - p, 4, scale, dst, d, dstPitch);
    }

    /** The transposes' last columns one float at a time: dst[d + p·dstPitch + r] = scale·row_r[p] for p < count. */
    private static void columns(MemorySegment seg, long src, long pitch, int count, int rows, float scale, float[] dst,
                                int d, int dstPitch) {
        for (int p = 0; p < count; p++, src += Float.BYTES, d += dstPitch) {
            for (int r = 0; r < rows; r++) {
                dst[d + r] = scale * seg.get(F, src + r * pitch);
            }
        }
    }
}
