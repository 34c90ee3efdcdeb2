package dev.gatun.kernels.gemm;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile: C[mr×nr] = beta·C + Ã·B̃ for one MR-row sliver Ã (kc×MR, packed) of A and
 * one NR-column sliver B̃ (kc×NR, packed) of B.
 *
 * <p>Shapes: Ã holds kc groups of MR floats (column p of the sliver), B̃ kc rows of NR = 2 vectors.
 * Each step broadcasts MR values of Ã and does MR×2 FMAs into accumulators that live in
 * registers for the whole kc loop. FMA latency × pipes needs at least 8 independent chains.
 *
 * <p>Why MR=4 with 16 vector registers (AVX2): C2 hoists all MR broadcasts and both B loads to
 * the top of the loop body, so it needs MR·2 + MR + 2 registers; MR=4 uses 14, MR=5 or 6 spill
 * one accumulator to the stack and run at half speed (measured: 4×2 ≈ 97 GFLOP/s per core,
 * 6×2 ≈ 44). With 32 registers (AVX-512) MR=8 uses 26. The 12-row tile ({@link #TALL_MR}) would
 * need 38 that way, but there C2 loads each broadcast next to its two FMAs and keeps the 24
 * accumulators, 2 B vectors and 3 broadcasts in registers, with nothing spilled.
 *
 * <p>The species is the static final {@link Simd#FLOATS}, never a parameter, so C2 emits real
 * vector instructions. Edge tiles (mr < MR or nr < NR) write only the valid elements of C.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = Simd.FLOATS;
    static final int LANES = Simd.FLOAT_LANES;
    /** Columns per tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Rows per tile on this CPU: 8 where vectors are 512-bit (32 registers), else 4. */
    static final int MR = VectorShape.preferredShape().vectorBitSize() >= 512 ? 8 : 4;
    /**
     * Rows of the tallest tile, which products of many rows take where vectors are 512-bit: 24
     * accumulators, and 10 loads and a few scalar ops to every 24 FMAs instead of every 16.
     */
    static final int TALL_MR = 12;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long VBYTES = (long) LANES * Float.BYTES;

    private SgemmMicroKernel() {}

    /**
     * One tile with {@code tileRows} (4, 8 or 12) rows; {@code mr}/{@code nr} are the valid part.
     * {@code cAt} is the byte offset of C[0][0] of the tile, {@code ldcBytes} the row pitch.
     * {@code tile} is scratch of at least TALL_MR·NR floats.
     */
    static void tile(int tileRows, int kc, float[] ap, int ai, float[] bp, int bi,
                     MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] tile) {
        if (tileRows == 4) {
            kernel4(kc, ap, ai, bp, bi, c, cAt, ldcBytes, beta, mr, nr, tile);
        } else if (tileRows == 8) {
            kernel8(kc, ap, ai, bp, bi, c, cAt, ldcBytes, beta, mr, nr, tile);
        } else {
            kernel12(kc, ap, ai, bp, bi, c, cAt, ldcBytes, beta, mr, nr, tile);
        }
    }

    private static void kernel4(int kc, float[] ap, int ai, float[] bp, int bi,
                                MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + LANES);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            ai += 4;
            bi += NR;
        }
        if (mr == 4 && nr == NR) {
            // Written out rather than a per-row helper, see store(); 4% faster at 1024³ than the
            // spill through the array.
            long at = cAt;
            if (beta == 0f) {
                c00.intoMemorySegment(c, at, ORDER);
                c01.intoMemorySegment(c, at + VBYTES, ORDER);
                at += ldcBytes;
                c10.intoMemorySegment(c, at, ORDER);
                c11.intoMemorySegment(c, at + VBYTES, ORDER);
                at += ldcBytes;
                c20.intoMemorySegment(c, at, ORDER);
                c21.intoMemorySegment(c, at + VBYTES, ORDER);
                at += ldcBytes;
                c30.intoMemorySegment(c, at, ORDER);
                c31.intoMemorySegment(c, at + VBYTES, ORDER);
            } else {
                FloatVector vb = FloatVector.broadcast(S, beta);
                FloatVector.fromMemorySegment(S, c, at, ORDER).fma(vb, c00).intoMemorySegment(c, at, ORDER);
                FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER).fma(vb, c01)
                        .intoMemorySegment(c, at + VBYTES, ORDER);
                at += ldcBytes;
                FloatVector.fromMemorySegment(S, c, at, ORDER).fma(vb, c10).intoMemorySegment(c, at, ORDER);
                FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER).fma(vb, c11)
                        .intoMemorySegment(c, at + VBYTES, ORDER);
                at += ldcBytes;
                FloatVector.fromMemorySegment(S, c, at, ORDER).fma(vb, c20).intoMemorySegment(c, at, ORDER);
                FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER).fma(vb, c21)
                        .intoMemorySegment(c, at + VBYTES, ORDER);
                at += ldcBytes;
                FloatVector.fromMemorySegment(S, c, at, ORDER).fma(vb, c30).intoMemorySegment(c, at, ORDER);
                FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER).fma(vb, c31)
                        .intoMemorySegment(c, at + VBYTES, ORDER);
            }
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
        store(tile, mr, nr, c, cAt, ldcBytes, beta);
    }

    private static void kernel8(int kc, float[] ap, int ai, float[] bp, int bi,
                                MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + LANES);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            ai += 8;
            bi += NR;
        }
        // No written-out full-tile path here, unlike kernel4: twice the code made C1 give up on
        // this method ("out of virtual registers"), and it then never reached C2 (1 GFLOP/s).
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + LANES);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + LANES);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + LANES);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + LANES);
        store(tile, mr, nr, c, cAt, ldcBytes, beta);
    }

    /**
     * The 12-row tile, written as kernel8 is: 24 accumulators, 2 B vectors and the broadcasts in
     * 32 registers. On panels in L1, one core of an AVX-512 Xeon ran it at 173–186 GFLOP/s
     * against the 8-row tile's 171–180 in the same spells (without the store of C, 195–200
     * against 178–182; a C version of each loop, 212 and 197).
     */
    private static void kernel12(int kc, float[] ap, int ai, float[] bp, int bi,
                                 MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00;
        FloatVector c71 = c00, c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00;
        FloatVector cb1 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + LANES);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            a = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = a.fma(b0, c80);
            c81 = a.fma(b1, c81);
            a = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = a.fma(b0, c90);
            c91 = a.fma(b1, c91);
            a = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = a.fma(b0, ca0);
            ca1 = a.fma(b1, ca1);
            a = FloatVector.broadcast(S, ap[ai + 11]);
            cb0 = a.fma(b0, cb0);
            cb1 = a.fma(b1, cb1);
            ai += 12;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + LANES);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + LANES);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + LANES);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + LANES);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + LANES);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + LANES);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + LANES);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + LANES);
        store(tile, mr, nr, c, cAt, ldcBytes, beta);
    }

    /**
     * The valid mr×nr corner of a tile spilled to {@code tile} (row pitch NR), into C. beta == 0
     * never reads C, so NaNs there vanish. Partial rows go through lane masks: masked-off lanes
     * are neither read nor written, so a tile at the right edge never touches the next row of C
     * or memory past the segment.
     *
     * <p>The accumulators come through an array, not as arguments: C2 stops inlining callees
     * once the kernel is big, and vectors passed to a call that is not inlined get boxed; the
     * 8-row kernel calling a per-row helper ran 6× slower that way.
     */
    private static void store(float[] tile, int mr, int nr, MemorySegment c, long cAt, long ldcBytes, float beta) {
        FloatVector vb = FloatVector.broadcast(S, beta);
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                long at = cAt + r * ldcBytes;
                FloatVector v0 = FloatVector.fromArray(S, tile, r * NR);
                FloatVector v1 = FloatVector.fromArray(S, tile, r * NR + LANES);
                if (beta != 0f) {
                    v0 = FloatVector.fromMemorySegment(S, c, at, ORDER).fma(vb, v0);
                    v1 = FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER).fma(vb, v1);
                }
                v0.intoMemorySegment(c, at, ORDER);
                v1.intoMemorySegment(c, at + VBYTES, ORDER);
            }
            return;
        }
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        VectorMask<Float> m1 = S.indexInRange(LANES, nr);
        for (int r = 0; r < mr; r++) {
            long at = cAt + r * ldcBytes;
            FloatVector v0 = FloatVector.fromArray(S, tile, r * NR);
            FloatVector v1 = FloatVector.fromArray(S, tile, r * NR + LANES);
            if (beta != 0f) {
                v0 = FloatVector.fromMemorySegment(S, c, at, ORDER, m0).fma(vb, v0);
                v1 = FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER, m1).fma(vb, v1);
            }
            v0.intoMemorySegment(c, at, ORDER, m0);
            v1.intoMemorySegment(c, at + VBYTES, ORDER, m1);
        }
    }
}
