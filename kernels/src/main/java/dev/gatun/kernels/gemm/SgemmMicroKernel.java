package dev.gatun.kernels.gemm;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
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
 * 6×2 ≈ 44). With 32 registers (AVX-512) MR=8 uses 26.
 *
 * <p>The species is the static final {@link Simd#FLOATS}, never a parameter, so C2 emits real
 * vector instructions. Edge tiles (mr < MR or nr < NR) go through a small array and a scalar
 * merge that writes only the valid elements of C.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = Simd.FLOATS;
    static final int LANES = Simd.FLOAT_LANES;
    /** Columns per tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Rows per tile on this CPU: 8 where vectors are 512-bit (32 registers), else 4. */
    static final int MR = VectorShape.preferredShape().vectorBitSize() >= 512 ? 8 : 4;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final long VBYTES = (long) LANES * Float.BYTES;

    private SgemmMicroKernel() {}

    /**
     * One tile with {@code tileRows} (4 or 8) rows; {@code mr}/{@code nr} are the valid part.
     * {@code cAt} is the byte offset of C[0][0] of the tile, {@code ldcBytes} the row pitch.
     * {@code edge} is scratch of at least 8·NR floats.
     */
    static void tile(int tileRows, int kc, float[] ap, int ai, float[] bp, int bi,
                     MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] edge) {
        if (tileRows == 4) {
            kernel4(kc, ap, ai, bp, bi, c, cAt, ldcBytes, beta, mr, nr, edge);
        } else {
            kernel8(kc, ap, ai, bp, bi, c, cAt, ldcBytes, beta, mr, nr, edge);
        }
    }

    private static void kernel4(int kc, float[] ap, int ai, float[] bp, int bi,
                                MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] edge) {
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
            row(c00, c01, c, cAt, beta);
            row(c10, c11, c, cAt + ldcBytes, beta);
            row(c20, c21, c, cAt + 2 * ldcBytes, beta);
            row(c30, c31, c, cAt + 3 * ldcBytes, beta);
        } else {
            c00.intoArray(edge, 0);
            c01.intoArray(edge, LANES);
            c10.intoArray(edge, NR);
            c11.intoArray(edge, NR + LANES);
            c20.intoArray(edge, 2 * NR);
            c21.intoArray(edge, 2 * NR + LANES);
            c30.intoArray(edge, 3 * NR);
            c31.intoArray(edge, 3 * NR + LANES);
            merge(edge, mr, nr, c, cAt, ldcBytes, beta);
        }
    }

    private static void kernel8(int kc, float[] ap, int ai, float[] bp, int bi,
                                MemorySegment c, long cAt, long ldcBytes, float beta, int mr, int nr, float[] edge) {
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
        if (mr == 8 && nr == NR) {
            row(c00, c01, c, cAt, beta);
            row(c10, c11, c, cAt + ldcBytes, beta);
            row(c20, c21, c, cAt + 2 * ldcBytes, beta);
            row(c30, c31, c, cAt + 3 * ldcBytes, beta);
            row(c40, c41, c, cAt + 4 * ldcBytes, beta);
            row(c50, c51, c, cAt + 5 * ldcBytes, beta);
            row(c60, c61, c, cAt + 6 * ldcBytes, beta);
            row(c70, c71, c, cAt + 7 * ldcBytes, beta);
        } else {
            c00.intoArray(edge, 0);
            c01.intoArray(edge, LANES);
            c10.intoArray(edge, NR);
            c11.intoArray(edge, NR + LANES);
            c20.intoArray(edge, 2 * NR);
            c21.intoArray(edge, 2 * NR + LANES);
            c30.intoArray(edge, 3 * NR);
            c31.intoArray(edge, 3 * NR + LANES);
            c40.intoArray(edge, 4 * NR);
            c41.intoArray(edge, 4 * NR + LANES);
            c50.intoArray(edge, 5 * NR);
            c51.intoArray(edge, 5 * NR + LANES);
            c60.intoArray(edge, 6 * NR);
            c61.intoArray(edge, 6 * NR + LANES);
            c70.intoArray(edge, 7 * NR);
            c71.intoArray(edge, 7 * NR + LANES);
            merge(edge, mr, nr, c, cAt, ldcBytes, beta);
        }
    }

    /** One full row of the tile: two vectors of C. beta == 0 never reads C, so NaNs there vanish. */
    private static void row(FloatVector v0, FloatVector v1, MemorySegment c, long at, float beta) {
        if (beta == 0f) {
            v0.intoMemorySegment(c, at, ORDER);
            v1.intoMemorySegment(c, at + VBYTES, ORDER);
        } else if (beta == 1f) {
            v0.add(FloatVector.fromMemorySegment(S, c, at, ORDER)).intoMemorySegment(c, at, ORDER);
            v1.add(FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER)).intoMemorySegment(c, at + VBYTES, ORDER);
        } else {
            FloatVector.fromMemorySegment(S, c, at, ORDER).fma(FloatVector.broadcast(S, beta), v0)
                    .intoMemorySegment(c, at, ORDER);
            FloatVector.fromMemorySegment(S, c, at + VBYTES, ORDER).fma(FloatVector.broadcast(S, beta), v1)
                    .intoMemorySegment(c, at + VBYTES, ORDER);
        }
    }

    /** The valid mr×nr corner of a tile spilled to {@code edge} (row pitch NR), merged into C. */
    private static void merge(float[] edge, int mr, int nr, MemorySegment c, long cAt, long ldcBytes, float beta) {
        for (int r = 0; r < mr; r++) {
            long at = cAt + r * ldcBytes;
            for (int j = 0; j < nr; j++) {
                long o = at + (long) j * Float.BYTES;
                float v = edge[r * NR + j];
                c.set(F, o, beta == 0f ? v : Math.fma(beta, c.get(F, o), v));
            }
        }
    }
}
