package dev.gatun.kernels.conv;

import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/*
 * Stride-1 forward convolution (ConvShape shapes, float32 NCHW) as GEMM register tiles read
 * straight from the zero-padded input, with nothing packed but the weights:
 *   y[n, o, oh, ow] = b[o] + Σ_q w[o, q]·xp[n, g, tapAt[q] + oh·wp + ow]
 * for q = (c, i, j) over group g's patch, tapAt[q] = c·hp·wp + i·dH·wp + j·dW (xp: one image's
 * padded planes, row pitch wp). A tile is MR = 4 output channels × NR = 2 vectors of adjacent
 * pixels of one output row: per tap, two unaligned loads of xp and four broadcast weights feed
 * eight FMAs, the step of SgemmMicroKernel.kernel4, with the B sliver read in place instead of
 * packed. The row's last tile computes NR lanes and stores the valid ones (masked): for outW = 14
 * (conv2 of the CNN sample) that is 16 lanes for 14 pixels, 14% more multiply-adds than the GEMM,
 * against the implicit GEMM's packing of every op(B) float (ColumnPanels), which is cheaper only
 * when each packed float serves many output channels. Conv2d decides where it runs (see there).
 *
 * Loop nest per image: output row, row tile, block of 4 channels; the taps of one row tile
 * (inC/G·kH rows of NR + (kW−1)·dW floats) stay in L1 while every channel block reads them.
 * Images go to threads in contiguous ranges (Conv2d.forImages), each thread padding its images
 * into its own buffer.
 */
final class RowTileConv2d {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final int LANES = F.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Output channels per tile. */
    static final int MR = 4;
    /** Pixels per tile: two vectors. */
    static final int NR = 2 * LANES;
    /**
     * The store masks of a tile's first and second vector for nr valid pixels, index nr. Made
     * once, not per tile: indexInRange on a partial vector showed up as calls to
     * AbstractMask.checkIndex0 (2.6% of a CNN training step's JFR samples), though conv2's
     * passes timed the same either way (9.13 against 9.18 ms, best of 20).
     */
    private static final VectorMask<Float>[] FIRST = masks(0);
    private static final VectorMask<Float>[] SECOND = masks(LANES);

    private RowTileConv2d() {}

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] masks(int from) {
        VectorMask<Float>[] m = (VectorMask<Float>[]) new VectorMask<?>[NR + 1];
        for (int nr = 0; nr <= NR; nr++) {
            m[nr] = F.indexInRange(from, nr);
        }
        return m;
    }

    /** Stride 1 in both axes: each tile's pixels are adjacent floats of the padded input. */
    static boolean supports(ConvShape s) {
        return s.strideH() == 1 && s.strideW() == 1;
    }

    /** Fraction of the multiply-adds spent on lanes past outW (the row's last tile). */
    static double waste(ConvShape s) {
        return Conv2d.laneWaste(s.outW(), NR);
    }

    /** y = conv(x, w) + b (b may be null) on checked arguments; offsets in floats. */
    static void forward(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                        MemorySegment b, long bOff, MemorySegment y, long yOff) {
        int cg = s.groupIn();
        int og = s.groupOut();
        int patch = s.patch();
        int blocks = Math.ceilDiv(og, MR);
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        // packed[g][blk][q][r] = w[g·og + blk·MR + r, q], zero rows past og.
        float[] packed = new float[s.groups() * blocks * patch * MR];
        for (int o = 0; o < s.outChannels(); o++) {
            int g = o / og;
            int blk = o % og / MR;
            int at = ((g * blocks + blk) * patch) * MR + o % og % MR;
            for (int q = 0; q < patch; q++) {
                packed[at + q * MR] = w.getAtIndex(FLOAT, wOff + (long) o * patch + q);
            }
        }
        float[] bias = new float[s.groups() * blocks * MR];
        for (int o = 0; o < s.outChannels(); o++) {
            bias[(o / og * blocks + o % og / MR) * MR + o % og % MR] = b == null ? 0f : b.getAtIndex(FLOAT, bOff + o);
        }
        int[] tapAt = DirectConv2d.tapOffsets(s, hp, wp);
        long planeBytes = (long) s.outPlane() * Float.BYTES;
        Conv2d.forImages(s.batch(), n -> {
            float[] xp = DirectConv2d.padImage(s, x, xOff + (long) n * s.inChannels() * s.inPlane(), hp, wp);
            for (int g = 0; g < s.groups(); g++) {
                int plane0 = g * cg * hp * wp;
                for (int oh = 0; oh < s.outH(); oh++) {
                    for (int ow = 0; ow < s.outW(); ow += NR) {
                        int at = plane0 + oh * wp + ow;
                        int nr = Math.min(NR, s.outW() - ow);
                        for (int blk = 0; blk < blocks; blk++) {
                            int o0 = g * og + blk * MR;
                            long yAt = (yOff + (((long) n * s.outChannels() + o0) * s.outH() + oh) * s.outW() + ow)
                                    * Float.BYTES;
                            tile(patch, packed, (g * blocks + blk) * patch * MR, bias, (g * blocks + blk) * MR,
                                    xp, tapAt, at, y, yAt, planeBytes, Math.min(MR, og - blk * MR), nr);
                        }
                    }
                }
            }
        });
    }

    /**
     * One tile: accumulators start at the bias, then for every tap q, y[r][l] += ap[q·MR + r] ·
     * xp[at + tapAt[q] + l]; stored to the mr × nr valid corner at yAt (rows planeBytes apart).
     */
    private static void tile(int patch, float[] ap, int ai, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                             MemorySegment y, long yAt, long planeBytes, int mr, int nr) {
        FloatVector c00 = FloatVector.broadcast(F, bias[bi]), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(F, bias[bi + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(F, bias[bi + 2]), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(F, bias[bi + 3]), c31 = c30;
        for (int q = 0; q < patch; q++) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, xp, u);
            FloatVector b1 = FloatVector.fromArray(F, xp, u + LANES);
            FloatVector a = FloatVector.broadcast(F, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            ai += MR;
        }
        VectorMask<Float> m0 = FIRST[nr];
        VectorMask<Float> m1 = SECOND[nr];
        long v = (long) LANES * Float.BYTES;
        c00.intoMemorySegment(y, yAt, ORDER, m0);
        c01.intoMemorySegment(y, yAt + v, ORDER, m1);
        if (mr > 1) {
            c10.intoMemorySegment(y, yAt + planeBytes, ORDER, m0);
            c11.intoMemorySegment(y, yAt + planeBytes + v, ORDER, m1);
        }
        if (mr > 2) {
            c20.intoMemorySegment(y, yAt + 2 * planeBytes, ORDER, m0);
            c21.intoMemorySegment(y, yAt + 2 * planeBytes + v, ORDER, m1);
        }
        if (mr > 3) {
            c30.intoMemorySegment(y, yAt + 3 * planeBytes, ORDER, m0);
            c31.intoMemorySegment(y, yAt + 3 * planeBytes + v, ORDER, m1);
        }
    }
}
