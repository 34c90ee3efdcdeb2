package dev.gatun.kernels.recurrent;

import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * The pointwise part of one GRU step, fused; PyTorch's and cuDNN's formulation, gate order r z n.
 * Row-major, contiguous, element offsets.
 *   forward:  xg[B, 3H] = x·W_ihᵀ + b_ih, hg[B, 3H] = hPrev·W_hhᵀ + b_hh, hPrev[B, H]
 *             -> h[B, H], saved[B, 4H] = r, z, n, hn
 *             r = σ(xr + hr)  z = σ(xz + hz)  n = tanh(xn + r·hn)  h = (1 − z)·n + z·hPrev
 *   backward: saved, hPrev, dh -> dxg[B, 3H], dhg[B, 3H], dhPrev[B, H]
 *             dn = dh·(1 − z)·(1 − n²)   dz = dh·(hPrev − n)·z(1 − z)   dr = dn·hn·r(1 − r)
 *             dxg = dr, dz, dn          dhg = dr, dz, dn·r               dhPrev = dh·z
 *             (dhPrev is the direct path only; the caller adds dhg·W_hh.)
 *
 * σ and tanh as in LstmCell (VectorMath on staged float[] rows; the scalar twins use VectorMath's
 * scalar functions), and everything else is float arithmetic in the same order in both versions:
 * the twin gives the same bits, forward and backward.
 */
/** The pointwise part of one GRU step, fused (gate order r, z, n, as PyTorch and cuDNN). */
public final class GruCell {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GruCell() {}

    /**
     * One forward step (see the header for the math).
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param xg the input projection x·W_ihᵀ + b_ih, [B, 3H]
     * @param xgOff offset of xg's first element, in floats
     * @param hg the hidden projection hPrev·W_hhᵀ + b_hh, [B, 3H]
     * @param hgOff offset of hg's first element, in floats
     * @param hPrev the previous hidden state [B, H]
     * @param hpOff offset of hPrev's first element, in floats
     * @param h receives the new hidden state [B, H]
     * @param hOff offset of h's first element, in floats
     * @param saved receives r, z, n and hn per row, [B, 4H], for the backward step
     * @param sOff offset of saved's first element, in floats
     */
    public static void forward(int batch, int hidden, MemorySegment xg, long xgOff, MemorySegment hg, long hgOff,
                               MemorySegment hPrev, long hpOff, MemorySegment h, long hOff, MemorySegment saved, long sOff) {
        if (!Simd.ENABLED) {
            forwardScalar(batch, hidden, xg, xgOff, hg, hgOff, hPrev, hpOff, h, hOff, saved, sOff);
            return;
        }
        checkForward(batch, hidden, xg, xgOff, hg, hgOff, hPrev, hpOff, h, hOff, saved, sOff);
        LstmCell.rows(batch, hidden, (start, end) -> {
            float[] xb = new float[3 * hidden];
            float[] hgb = new float[3 * hidden];
            float[] hpb = new float[hidden];
            float[] sb = new float[4 * hidden];
            for (long b = start; b < end; b++) {
                long r = b * hidden;
                MemorySegment.copy(xg, FLOAT, (xgOff + 3 * r) * Float.BYTES, xb, 0, 3 * hidden);
                MemorySegment.copy(hg, FLOAT, (hgOff + 3 * r) * Float.BYTES, hgb, 0, 3 * hidden);
                MemorySegment.copy(hPrev, FLOAT, (hpOff + r) * Float.BYTES, hpb, 0, hidden);
                forwardRow(hidden, xb, hgb, hpb, sb);
                MemorySegment.copy(hpb, 0, h, FLOAT, (hOff + r) * Float.BYTES, hidden);
                MemorySegment.copy(sb, 0, saved, FLOAT, (sOff + 4 * r) * Float.BYTES, 4 * hidden);
            }
        });
    }

    /**
     * Scalar twin of {@link #forward}.
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param xg the input projection x·W_ihᵀ + b_ih, [B, 3H]
     * @param xgOff offset of xg's first element, in floats
     * @param hg the hidden projection hPrev·W_hhᵀ + b_hh, [B, 3H]
     * @param hgOff offset of hg's first element, in floats
     * @param hPrev the previous hidden state [B, H]
     * @param hpOff offset of hPrev's first element, in floats
     * @param h receives the new hidden state [B, H]
     * @param hOff offset of h's first element, in floats
     * @param saved receives r, z, n and hn per row, [B, 4H], for the backward step
     * @param sOff offset of saved's first element, in floats
     */
    public static void forwardScalar(int batch, int hidden, MemorySegment xg, long xgOff, MemorySegment hg, long hgOff,
                                     MemorySegment hPrev, long hpOff, MemorySegment h, long hOff, MemorySegment saved, long sOff) {
        checkForward(batch, hidden, xg, xgOff, hg, hgOff, hPrev, hpOff, h, hOff, saved, sOff);
        for (long b = 0; b < batch; b++) {
            long x0 = xgOff + 3 * b * hidden;
            long h0 = hgOff + 3 * b * hidden;
            long s0 = sOff + 4 * b * hidden;
            for (long j = 0; j < hidden; j++) {
                float r = VectorMath.sigmoid(xg.getAtIndex(FLOAT, x0 + j) + hg.getAtIndex(FLOAT, h0 + j));
                float z = VectorMath.sigmoid(xg.getAtIndex(FLOAT, x0 + hidden + j) + hg.getAtIndex(FLOAT, h0 + hidden + j));
                float hn = hg.getAtIndex(FLOAT, h0 + 2L * hidden + j);
                float n = VectorMath.tanh(xg.getAtIndex(FLOAT, x0 + 2L * hidden + j) + r * hn);
                float hp = hPrev.getAtIndex(FLOAT, hpOff + b * hidden + j);
                saved.setAtIndex(FLOAT, s0 + j, r);
                saved.setAtIndex(FLOAT, s0 + hidden + j, z);
                saved.setAtIndex(FLOAT, s0 + 2L * hidden + j, n);
                saved.setAtIndex(FLOAT, s0 + 3L * hidden + j, hn);
                h.setAtIndex(FLOAT, hOff + b * hidden + j, (1f - z) * n + z * hp);
            }
        }
    }

    /**
     * One backward step (see the header). dhPrev gets the direct path z·dh only.
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param saved r, z, n and hn per row, [B, 4H], for the backward step
     * @param sOff offset of saved's first element, in floats
     * @param hPrev the previous hidden state [B, H]
     * @param hpOff offset of hPrev's first element, in floats
     * @param dh the gradient with respect to h [B, H]
     * @param dhOff offset of dh's first element, in floats
     * @param dxg receives the gradient with respect to xg [B, 3H]
     * @param dxOff offset of dxg's first element, in floats
     * @param dhg receives the gradient with respect to hg [B, 3H]
     * @param dhgOff offset of dhg's first element, in floats
     * @param dhPrev receives the direct-path gradient with respect to hPrev, dh·z, [B, H]
     * @param dhpOff offset of dhPrev's first element, in floats
     */
    public static void backward(int batch, int hidden, MemorySegment saved, long sOff, MemorySegment hPrev, long hpOff,
                                MemorySegment dh, long dhOff, MemorySegment dxg, long dxOff, MemorySegment dhg, long dhgOff,
                                MemorySegment dhPrev, long dhpOff) {
        if (!Simd.ENABLED) {
            backwardScalar(batch, hidden, saved, sOff, hPrev, hpOff, dh, dhOff, dxg, dxOff, dhg, dhgOff, dhPrev, dhpOff);
            return;
        }
        checkBackward(batch, hidden, saved, sOff, hPrev, hpOff, dh, dhOff, dxg, dxOff, dhg, dhgOff, dhPrev, dhpOff);
        LstmCell.rows(batch, hidden, (start, end) -> {
            float[] sb = new float[4 * hidden];
            float[] hpb = new float[hidden];
            float[] dhb = new float[hidden];
            float[] dxb = new float[3 * hidden];
            float[] dhgb = new float[3 * hidden];
            for (long b = start; b < end; b++) {
                long r = b * hidden;
                MemorySegment.copy(saved, FLOAT, (sOff + 4 * r) * Float.BYTES, sb, 0, 4 * hidden);
                MemorySegment.copy(hPrev, FLOAT, (hpOff + r) * Float.BYTES, hpb, 0, hidden);
                MemorySegment.copy(dh, FLOAT, (dhOff + r) * Float.BYTES, dhb, 0, hidden);
                backwardRow(hidden, sb, hpb, dhb, dxb, dhgb);
                MemorySegment.copy(dxb, 0, dxg, FLOAT, (dxOff + 3 * r) * Float.BYTES, 3 * hidden);
                MemorySegment.copy(dhgb, 0, dhg, FLOAT, (dhgOff + 3 * r) * Float.BYTES, 3 * hidden);
                MemorySegment.copy(dhb, 0, dhPrev, FLOAT, (dhpOff + r) * Float.BYTES, hidden);
            }
        });
    }

    /**
     * Scalar twin of {@link #backward}: same arithmetic in the same order.
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param saved r, z, n and hn per row, [B, 4H], for the backward step
     * @param sOff offset of saved's first element, in floats
     * @param hPrev the previous hidden state [B, H]
     * @param hpOff offset of hPrev's first element, in floats
     * @param dh the gradient with respect to h [B, H]
     * @param dhOff offset of dh's first element, in floats
     * @param dxg receives the gradient with respect to xg [B, 3H]
     * @param dxOff offset of dxg's first element, in floats
     * @param dhg receives the gradient with respect to hg [B, 3H]
     * @param dhgOff offset of dhg's first element, in floats
     * @param dhPrev receives the direct-path gradient with respect to hPrev, dh·z, [B, H]
     * @param dhpOff offset of dhPrev's first element, in floats
     */
    public static void backwardScalar(int batch, int hidden, MemorySegment saved, long sOff, MemorySegment hPrev, long hpOff,
                                      MemorySegment dh, long dhOff, MemorySegment dxg, long dxOff, MemorySegment dhg, long dhgOff,
                                      MemorySegment dhPrev, long dhpOff) {
        checkBackward(batch, hidden, saved, sOff, hPrev, hpOff, dh, dhOff, dxg, dxOff, dhg, dhgOff, dhPrev, dhpOff);
        for (long b = 0; b < batch; b++) {
            long s0 = sOff + 4 * b * hidden;
            long x0 = dxOff + 3 * b * hidden;
            long h0 = dhgOff + 3 * b * hidden;
            for (long j = 0; j < hidden; j++) {
                float r = saved.getAtIndex(FLOAT, s0 + j);
                float z = saved.getAtIndex(FLOAT, s0 + hidden + j);
                float n = saved.getAtIndex(FLOAT, s0 + 2L * hidden + j);
                float hn = saved.getAtIndex(FLOAT, s0 + 3L * hidden + j);
                float hp = hPrev.getAtIndex(FLOAT, hpOff + b * hidden + j);
                float d = dh.getAtIndex(FLOAT, dhOff + b * hidden + j);
                float dn = d * (1f - z) * (1f - n * n);
                float dz = d * (hp - n) * (z * (1f - z));
                float dr = dn * hn * (r * (1f - r));
                dxg.setAtIndex(FLOAT, x0 + j, dr);
                dxg.setAtIndex(FLOAT, x0 + hidden + j, dz);
                dxg.setAtIndex(FLOAT, x0 + 2L * hidden + j, dn);
                dhg.setAtIndex(FLOAT, h0 + j, dr);
                dhg.setAtIndex(FLOAT, h0 + hidden + j, dz);
                dhg.setAtIndex(FLOAT, h0 + 2L * hidden + j, dn * r);
                dhPrev.setAtIndex(FLOAT, dhpOff + b * hidden + j, d * z);
            }
        }
    }

    // hpb holds hPrev on entry and h on exit; xb is used as scratch. One short loop per function,
    // as in LstmCell.
    private static void forwardRow(int hidden, float[] xb, float[] hgb, float[] hpb, float[] sb) {
        int twoH = 2 * hidden;
        int j = 0;
        for (int bound = F.loopBound(twoH); j < bound; j += F.length()) {
            FloatVector.fromArray(F, xb, j).add(FloatVector.fromArray(F, hgb, j)).intoArray(xb, j);
        }
        for (; j < twoH; j++) {
            xb[j] = xb[j] + hgb[j];
        }
        VectorMath.sigmoid(xb, 0, twoH);
        j = 0;
        for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
            FloatVector r = FloatVector.fromArray(F, xb, j);
            FloatVector hn = FloatVector.fromArray(F, hgb, twoH + j);
            FloatVector.fromArray(F, xb, twoH + j).add(r.mul(hn)).intoArray(xb, twoH + j);
        }
        for (; j < hidden; j++) {
            xb[twoH + j] = xb[twoH + j] + xb[j] * hgb[twoH + j];
        }
        VectorMath.tanh(xb, twoH, hidden);
        FloatVector one = FloatVector.broadcast(F, 1f);
        j = 0;
        for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
            FloatVector z = FloatVector.fromArray(F, xb, hidden + j);
            FloatVector n = FloatVector.fromArray(F, xb, twoH + j);
            one.sub(z).mul(n).add(z.mul(FloatVector.fromArray(F, hpb, j))).intoArray(hpb, j);
        }
        for (; j < hidden; j++) {
            float z = xb[hidden + j];
            hpb[j] = (1f - z) * xb[twoH + j] + z * hpb[j];
        }
        System.arraycopy(xb, 0, sb, 0, 3 * hidden);
        System.arraycopy(hgb, twoH, sb, 3 * hidden, hidden);
    }

    // dhb holds dh on entry and dhPrev on exit.
    private static void backwardRow(int hidden, float[] sb, float[] hpb, float[] dhb, float[] dxb, float[] dhgb) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int j = 0;
        for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
            FloatVector r = FloatVector.fromArray(F, sb, j);
            FloatVector z = FloatVector.fromArray(F, sb, hidden + j);
            FloatVector n = FloatVector.fromArray(F, sb, 2 * hidden + j);
            FloatVector hn = FloatVector.fromArray(F, sb, 3 * hidden + j);
            FloatVector d = FloatVector.fromArray(F, dhb, j);
            FloatVector dn = d.mul(one.sub(z)).mul(one.sub(n.mul(n)));
            FloatVector dz = d.mul(FloatVector.fromArray(F, hpb, j).sub(n)).mul(z.mul(one.sub(z)));
            FloatVector dr = dn.mul(hn).mul(r.mul(one.sub(r)));
            dr.intoArray(dxb, j);
            dz.intoArray(dxb, hidden + j);
            dn.intoArray(dxb, 2 * hidden + j);
            dr.intoArray(dhgb, j);
            dz.intoArray(dhgb, hidden + j);
            dn.mul(r).intoArray(dhgb, 2 * hidden + j);
            d.mul(z).intoArray(dhb, j);
        }
        for (; j < hidden; j++) {
            float r = sb[j];
            float z = sb[hidden + j];
            float n = sb[2 * hidden + j];
            float hn = sb[3 * hidden + j];
            float d = dhb[j];
            float dn = d * (1f - z) * (1f - n * n);
            float dz = d * (hpb[j] - n) * (z * (1f - z));
            float dr = dn * hn * (r * (1f - r));
            dxb[j] = dr;
            dxb[hidden + j] = dz;
            dxb[2 * hidden + j] = dn;
            dhgb[j] = dr;
            dhgb[hidden + j] = dz;
            dhgb[2 * hidden + j] = dn * r;
            dhb[j] = d * z;
        }
    }

    private static void checkForward(int batch, int hidden, MemorySegment xg, long xgOff, MemorySegment hg, long hgOff,
                                     MemorySegment hPrev, long hpOff, MemorySegment h, long hOff, MemorySegment saved, long sOff) {
        LstmCell.checkSizes(batch, hidden);
        long n = (long) batch * hidden;
        SegmentBounds.floats("xg", xg, xgOff, 3 * n);
        SegmentBounds.floats("hg", hg, hgOff, 3 * n);
        SegmentBounds.floats("hPrev", hPrev, hpOff, n);
        SegmentBounds.floats("h", h, hOff, n);
        SegmentBounds.floats("saved", saved, sOff, 4 * n);
    }

    private static void checkBackward(int batch, int hidden, MemorySegment saved, long sOff, MemorySegment hPrev, long hpOff,
                                      MemorySegment dh, long dhOff, MemorySegment dxg, long dxOff, MemorySegment dhg, long dhgOff,
                                      MemorySegment dhPrev, long dhpOff) {
        LstmCell.checkSizes(batch, hidden);
        long n = (long) batch * hidden;
        SegmentBounds.floats("saved", saved, sOff, 4 * n);
        SegmentBounds.floats("hPrev", hPrev, hpOff, n);
        SegmentBounds.floats("dh", dh, dhOff, n);
        SegmentBounds.floats("dxg", dxg, dxOff, 3 * n);
        SegmentBounds.floats("dhg", dhg, dhgOff, 3 * n);
        SegmentBounds.floats("dhPrev", dhPrev, dhpOff, n);
    }
}
