package dev.gatun.kernels.recurrent;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * The pointwise part of one LSTM step, fused. Row-major, contiguous, element offsets.
 *   forward:  gates[B, 4H] (pre-activations, order i f g o), cPrev[B, H] -> gates (activated), c[B, H], h[B, H]
 *             i = σ(gi)  f = σ(gf)  g = tanh(gg)  o = σ(go)
 *             c = f·cPrev + i·g      h = o·tanh(c)
 *   backward: gates[B, 4H] (activated), cPrev, c, dh, dc (may be null) -> dGates[B, 4H], dcPrev[B, H]
 *             dcT = dh·o·(1 − tanh²c) + dc
 *             di = dcT·g·i(1−i)  df = dcT·cPrev·f(1−f)  dg = dcT·i·(1−g²)  do = dh·tanh(c)·o(1−o)
 *             dcPrev = dcT·f
 *
 * σ and tanh are VectorMath's (σ through e^-|x|, so it neither overflows nor loses small
 * outputs): exact lane-wise arithmetic, the same bits in every JIT tier, so a resumed run repeats
 * an uninterrupted one. The scalar twins use VectorMath's scalar σ and tanh and do the rest in
 * float in the same order: the two agree bit for bit. Each row is staged through float[] buffers,
 * which the fused row loops work on.
 *
 * At the sizes of one step (B·H ≈ 10^4) waking the second thread costs more than it saves, so
 * rows are split over threads only above PARALLEL_MIN elements.
 */
/** The pointwise part of one LSTM step, fused (gate order i, f, g, o). */
public final class LstmCell {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final long PARALLEL_MIN = 1 << 16;

    private LstmCell() {}

    /**
     * One forward step: activates gates in place and writes c and h (see the header for the math).
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param gates the gates [B, 4H]: pre-activations, replaced by their activations
     * @param gOff offset of gates' first element, in floats
     * @param cPrev the previous cell state [B, H]
     * @param cpOff offset of cPrev's first element, in floats
     * @param c receives the new cell state [B, H]
     * @param cOff offset of c's first element, in floats
     * @param h receives the new hidden state [B, H]
     * @param hOff offset of h's first element, in floats
     */
    public static void forward(int batch, int hidden, MemorySegment gates, long gOff, MemorySegment cPrev, long cpOff,
                               MemorySegment c, long cOff, MemorySegment h, long hOff) {
        if (!Simd.ENABLED) {
            forwardScalar(batch, hidden, gates, gOff, cPrev, cpOff, c, cOff, h, hOff);
            return;
        }
        checkForward(batch, hidden, gates, gOff, cPrev, cpOff, c, cOff, h, hOff);
        rows(batch, hidden, (start, end) -> {
            float[] gb = new float[4 * hidden];
            float[] cb = new float[hidden];
            float[] hb = new float[hidden];
            for (long b = start; b < end; b++) {
                long g0 = gOff + b * 4 * hidden;
                MemorySegment.copy(gates, FLOAT, g0 * Float.BYTES, gb, 0, 4 * hidden);
                MemorySegment.copy(cPrev, FLOAT, (cpOff + b * hidden) * Float.BYTES, cb, 0, hidden);
                forwardRow(hidden, gb, cb, hb);
                MemorySegment.copy(gb, 0, gates, FLOAT, g0 * Float.BYTES, 4 * hidden);
                MemorySegment.copy(cb, 0, c, FLOAT, (cOff + b * hidden) * Float.BYTES, hidden);
                MemorySegment.copy(hb, 0, h, FLOAT, (hOff + b * hidden) * Float.BYTES, hidden);
            }
        });
    }

    /**
     * Scalar twin of {@link #forward}.
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param gates the gates [B, 4H]: pre-activations, replaced by their activations
     * @param gOff offset of gates' first element, in floats
     * @param cPrev the previous cell state [B, H]
     * @param cpOff offset of cPrev's first element, in floats
     * @param c receives the new cell state [B, H]
     * @param cOff offset of c's first element, in floats
     * @param h receives the new hidden state [B, H]
     * @param hOff offset of h's first element, in floats
     */
    public static void forwardScalar(int batch, int hidden, MemorySegment gates, long gOff, MemorySegment cPrev, long cpOff,
                                     MemorySegment c, long cOff, MemorySegment h, long hOff) {
        checkForward(batch, hidden, gates, gOff, cPrev, cpOff, c, cOff, h, hOff);
        for (long b = 0; b < batch; b++) {
            long g0 = gOff + b * 4 * hidden;
            for (long j = 0; j < hidden; j++) {
                float i = VectorMath.sigmoid(gates.getAtIndex(FLOAT, g0 + j));
                float f = VectorMath.sigmoid(gates.getAtIndex(FLOAT, g0 + hidden + j));
                float g = VectorMath.tanh(gates.getAtIndex(FLOAT, g0 + 2L * hidden + j));
                float o = VectorMath.sigmoid(gates.getAtIndex(FLOAT, g0 + 3L * hidden + j));
                float cv = f * cPrev.getAtIndex(FLOAT, cpOff + b * hidden + j) + i * g;
                gates.setAtIndex(FLOAT, g0 + j, i);
                gates.setAtIndex(FLOAT, g0 + hidden + j, f);
                gates.setAtIndex(FLOAT, g0 + 2L * hidden + j, g);
                gates.setAtIndex(FLOAT, g0 + 3L * hidden + j, o);
                c.setAtIndex(FLOAT, cOff + b * hidden + j, cv);
                h.setAtIndex(FLOAT, hOff + b * hidden + j, o * VectorMath.tanh(cv));
            }
        }
    }

    /**
     * One backward step from the activated gates (see the header). dc may be null (no gradient
     * reaches c from a later step); dcPrev may alias dc.
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param gates the activated gates [B, 4H] from the forward step
     * @param gOff offset of gates' first element, in floats
     * @param cPrev the previous cell state [B, H]
     * @param cpOff offset of cPrev's first element, in floats
     * @param c the cell state [B, H] from the forward step
     * @param cOff offset of c's first element, in floats
     * @param dh the gradient with respect to h [B, H]
     * @param dhOff offset of dh's first element, in floats
     * @param dc the gradient with respect to c from a later step [B, H], or null for none
     * @param dcOff offset of dc's first element, in floats
     * @param dGates receives the gradient with respect to the gate pre-activations [B, 4H]
     * @param dgOff offset of dGates' first element, in floats
     * @param dcPrev receives the gradient with respect to cPrev [B, H]; may alias dc
     * @param dcpOff offset of dcPrev's first element, in floats
     */
    public static void backward(int batch, int hidden, MemorySegment gates, long gOff, MemorySegment cPrev, long cpOff,
                                MemorySegment c, long cOff, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                                MemorySegment dGates, long dgOff, MemorySegment dcPrev, long dcpOff) {
        if (!Simd.ENABLED) {
            backwardScalar(batch, hidden, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dc, dcOff, dGates, dgOff, dcPrev, dcpOff);
            return;
        }
        checkBackward(batch, hidden, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dc, dcOff, dGates, dgOff, dcPrev, dcpOff);
        rows(batch, hidden, (start, end) -> {
            float[] gb = new float[4 * hidden];
            float[] cpb = new float[hidden];
            float[] cb = new float[hidden];
            float[] dhb = new float[hidden];
            float[] dcb = new float[hidden];
            for (long b = start; b < end; b++) {
                long r = b * hidden;
                MemorySegment.copy(gates, FLOAT, (gOff + 4 * r) * Float.BYTES, gb, 0, 4 * hidden);
                MemorySegment.copy(cPrev, FLOAT, (cpOff + r) * Float.BYTES, cpb, 0, hidden);
                MemorySegment.copy(c, FLOAT, (cOff + r) * Float.BYTES, cb, 0, hidden);
                MemorySegment.copy(dh, FLOAT, (dhOff + r) * Float.BYTES, dhb, 0, hidden);
                if (dc != null) {
                    MemorySegment.copy(dc, FLOAT, (dcOff + r) * Float.BYTES, dcb, 0, hidden);
                } else {
                    java.util.Arrays.fill(dcb, 0f);
                }
                backwardRow(hidden, gb, cpb, cb, dhb, dcb);
                MemorySegment.copy(gb, 0, dGates, FLOAT, (dgOff + 4 * r) * Float.BYTES, 4 * hidden);
                MemorySegment.copy(dcb, 0, dcPrev, FLOAT, (dcpOff + r) * Float.BYTES, hidden);
            }
        });
    }

    /**
     * Scalar twin of {@link #backward}.
     *
     * @param batch the number of rows B
     * @param hidden the hidden size H
     * @param gates the activated gates [B, 4H] from the forward step
     * @param gOff offset of gates' first element, in floats
     * @param cPrev the previous cell state [B, H]
     * @param cpOff offset of cPrev's first element, in floats
     * @param c the cell state [B, H] from the forward step
     * @param cOff offset of c's first element, in floats
     * @param dh the gradient with respect to h [B, H]
     * @param dhOff offset of dh's first element, in floats
     * @param dc the gradient with respect to c from a later step [B, H], or null for none
     * @param dcOff offset of dc's first element, in floats
     * @param dGates receives the gradient with respect to the gate pre-activations [B, 4H]
     * @param dgOff offset of dGates' first element, in floats
     * @param dcPrev receives the gradient with respect to cPrev [B, H]; may alias dc
     * @param dcpOff offset of dcPrev's first element, in floats
     */
    public static void backwardScalar(int batch, int hidden, MemorySegment gates, long gOff, MemorySegment cPrev, long cpOff,
                                      MemorySegment c, long cOff, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                                      MemorySegment dGates, long dgOff, MemorySegment dcPrev, long dcpOff) {
        checkBackward(batch, hidden, gates, gOff, cPrev, cpOff, c, cOff, dh, dhOff, dc, dcOff, dGates, dgOff, dcPrev, dcpOff);
        for (long b = 0; b < batch; b++) {
            long g0 = gOff + b * 4 * hidden;
            long d0 = dgOff + b * 4 * hidden;
            for (long j = 0; j < hidden; j++) {
                long r = b * hidden + j;
                float i = gates.getAtIndex(FLOAT, g0 + j);
                float f = gates.getAtIndex(FLOAT, g0 + hidden + j);
                float g = gates.getAtIndex(FLOAT, g0 + 2L * hidden + j);
                float o = gates.getAtIndex(FLOAT, g0 + 3L * hidden + j);
                float cp = cPrev.getAtIndex(FLOAT, cpOff + r);
                float tc = VectorMath.tanh(c.getAtIndex(FLOAT, cOff + r));
                float dhv = dh.getAtIndex(FLOAT, dhOff + r);
                float dcv = dc == null ? 0f : dc.getAtIndex(FLOAT, dcOff + r);
                float dct = dhv * o * (1f - tc * tc) + dcv;
                dGates.setAtIndex(FLOAT, d0 + j, dct * g * (i * (1f - i)));
                dGates.setAtIndex(FLOAT, d0 + hidden + j, dct * cp * (f * (1f - f)));
                dGates.setAtIndex(FLOAT, d0 + 2L * hidden + j, dct * i * (1f - g * g));
                dGates.setAtIndex(FLOAT, d0 + 3L * hidden + j, dhv * tc * (o * (1f - o)));
                dcPrev.setAtIndex(FLOAT, dcpOff + r, dct * f);
            }
        }
    }

    // gb holds one row's gates [4H] (activated in place); cb holds cPrev on entry and c on exit.
    // One short loop per function (VectorMath's array loops) keeps each in a loop C2 compiles
    // well; a single loop doing all five activations was measured several times slower.
    private static void forwardRow(int hidden, float[] gb, float[] cb, float[] hb) {
        VectorMath.sigmoid(gb, 0, 2 * hidden);
        VectorMath.tanh(gb, 2 * hidden, hidden);
        VectorMath.sigmoid(gb, 3 * hidden, hidden);
        int j = 0;
        for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
            FloatVector i = FloatVector.fromArray(F, gb, j);
            FloatVector f = FloatVector.fromArray(F, gb, hidden + j);
            FloatVector g = FloatVector.fromArray(F, gb, 2 * hidden + j);
            f.mul(FloatVector.fromArray(F, cb, j)).add(i.mul(g)).intoArray(cb, j);
        }
        for (; j < hidden; j++) {
            cb[j] = gb[hidden + j] * cb[j] + gb[j] * gb[2 * hidden + j];
        }
        System.arraycopy(cb, 0, hb, 0, hidden);
        VectorMath.tanh(hb, 0, hidden);
        j = 0;
        for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
            FloatVector.fromArray(F, gb, 3 * hidden + j).mul(FloatVector.fromArray(F, hb, j)).intoArray(hb, j);
        }
        for (; j < hidden; j++) {
            hb[j] = gb[3 * hidden + j] * hb[j];
        }
    }

    // gb: activated gates in, dGates out; cb: c in, tanh(c) after; dcb: dc in, dcPrev out.
    private static void backwardRow(int hidden, float[] gb, float[] cpb, float[] cb, float[] dhb, float[] dcb) {
        VectorMath.tanh(cb, 0, hidden);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int j = 0;
        for (int bound = F.loopBound(hidden); j < bound; j += F.length()) {
            FloatVector i = FloatVector.fromArray(F, gb, j);
            FloatVector f = FloatVector.fromArray(F, gb, hidden + j);
            FloatVector g = FloatVector.fromArray(F, gb, 2 * hidden + j);
            FloatVector o = FloatVector.fromArray(F, gb, 3 * hidden + j);
            FloatVector tc = FloatVector.fromArray(F, cb, j);
            FloatVector dhv = FloatVector.fromArray(F, dhb, j);
            FloatVector dct = dhv.mul(o).mul(one.sub(tc.mul(tc))).add(FloatVector.fromArray(F, dcb, j));
            dct.mul(g).mul(i.mul(one.sub(i))).intoArray(gb, j);
            dct.mul(FloatVector.fromArray(F, cpb, j)).mul(f.mul(one.sub(f))).intoArray(gb, hidden + j);
            dct.mul(i).mul(one.sub(g.mul(g))).intoArray(gb, 2 * hidden + j);
            dhv.mul(tc).mul(o.mul(one.sub(o))).intoArray(gb, 3 * hidden + j);
            dct.mul(f).intoArray(dcb, j);
        }
        for (; j < hidden; j++) {
            float i = gb[j];
            float f = gb[hidden + j];
            float g = gb[2 * hidden + j];
            float o = gb[3 * hidden + j];
            float tc = cb[j];
            float dct = dhb[j] * o * (1f - tc * tc) + dcb[j];
            gb[j] = dct * g * (i * (1f - i));
            gb[hidden + j] = dct * cpb[j] * (f * (1f - f));
            gb[2 * hidden + j] = dct * i * (1f - g * g);
            gb[3 * hidden + j] = dhb[j] * tc * (o * (1f - o));
            dcb[j] = dct * f;
        }
    }

    /** Splits the batch rows over threads when the step is big enough to pay for the wake-up. */
    static void rows(int batch, int hidden, Parallel.Range body) {
        if ((long) batch * hidden < PARALLEL_MIN || batch < 2) {
            body.run(0, batch);
            return;
        }
        int tasks = Math.min(Parallel.THREADS, batch);
        Parallel.forEach(tasks, t -> body.run((long) batch * t / tasks, (long) batch * (t + 1) / tasks));
    }

    static void checkSizes(int batch, int hidden) {
        if (batch < 0 || hidden < 0) {
            throw new IllegalArgumentException("batch and hidden must be >= 0, got batch=" + batch + ", hidden=" + hidden);
        }
    }

    private static void checkForward(int batch, int hidden, MemorySegment gates, long gOff, MemorySegment cPrev, long cpOff,
                                     MemorySegment c, long cOff, MemorySegment h, long hOff) {
        checkSizes(batch, hidden);
        long n = (long) batch * hidden;
        SegmentBounds.floats("gates", gates, gOff, 4 * n);
        SegmentBounds.floats("cPrev", cPrev, cpOff, n);
        SegmentBounds.floats("c", c, cOff, n);
        SegmentBounds.floats("h", h, hOff, n);
    }

    private static void checkBackward(int batch, int hidden, MemorySegment gates, long gOff, MemorySegment cPrev, long cpOff,
                                      MemorySegment c, long cOff, MemorySegment dh, long dhOff, MemorySegment dc, long dcOff,
                                      MemorySegment dGates, long dgOff, MemorySegment dcPrev, long dcpOff) {
        checkSizes(batch, hidden);
        long n = (long) batch * hidden;
        SegmentBounds.floats("gates", gates, gOff, 4 * n);
        SegmentBounds.floats("cPrev", cPrev, cpOff, n);
        SegmentBounds.floats("c", c, cOff, n);
        SegmentBounds.floats("dh", dh, dhOff, n);
        if (dc != null) {
            SegmentBounds.floats("dc", dc, dcOff, n);
        }
        SegmentBounds.floats("dGates", dGates, dgOff, 4 * n);
        SegmentBounds.floats("dcPrev", dcPrev, dcpOff, n);
    }
}
