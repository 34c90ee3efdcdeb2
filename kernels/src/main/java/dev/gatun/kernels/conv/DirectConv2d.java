package dev.gatun.kernels.conv;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.ThreadFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Direct 2-D convolution for stride 1 and few taps per output (ConvShape shapes, float32 NCHW):
 *   forward:        y[n, o, oh, ow]  = b[o] + Σ_{c,i,j} w[o, c, i, j]·xp[n, c, oh + i·dH, ow + j·dW]
 *   backwardWeight: dw[o, c, i, j]   = Σ_{n,oh,ow} dy[n, o, oh, ow]·xp[n, c, oh + i·dH, ow + j·dW]
 * xp is x with its zero border (padding) made explicit, one image at a time in a per-thread
 * float[]. Both walk the output pixels flat at xp's row pitch wp (t = oh·wp + ow), so a tap
 * (c, i, j) is a single offset into xp for any run of pixels, and both work on two output
 * channels at a time, so each unaligned load of xp feeds two FMAs (1.3-1.5x over one channel
 * at a time). No column matrix is built. The lanes at ow >= outW (wp - outW of every wp) read
 * on into xp's next row (or a slack past its end) and are dropped (forward) or multiplied by
 * the zero gaps of dy rows laid out at pitch wp (backwardWeight), so they add exactly nothing
 * for finite x; an infinite or NaN x can reach dw entries whose taps never touched it (y is
 * unaffected). Masked loads for the row ends measured 1.7-2.1x slower on conv1.
 *
 * Register blocks: forward, 2 channels × 4 vectors of pixels over one flat loop of all taps;
 * backwardWeight, 2 channels × 5 (or 4) taps of a kernel row over one flat loop of all pixels.
 backwardWeight's pixel loop must not be unrolled by C2: unrolled, it hoisted the loads of
 * several iterations and spilled accumulators to the stack (31 GFLOP/s), so its step is read
 * from a non-final field. forward's tap loop is the other way round: unrolled it runs 0.98 ms
 * on conv1, kept rolled the same way 1.30 (best of 20, 3 JVMs each). conv1 (x [64,1,28,28],
 * 32 5×5, pad 2), both threads, best of 20 calls, before → after: backwardWeight with the bias
 * gradient 2.55-2.61 → 1.32-1.34 ms (31 → 60 GFLOP/s; before, 4-tap blocks computed 8 taps for
 * a row of 5, per output row), forward 1.44-1.45 → 0.98 ms (row tiles took 1.17 there).
 *
 * It wins where im2col + GEMM has a tiny GEMM depth: the CNN sample's first layer (1 input
 * channel, 5×5, so depth 25) spends its GEMM time packing, not multiplying. Conv2d decides
 * when to use it (see there). Images go to threads in contiguous ranges; backwardWeight gives
 * each thread its own dw partial and adds them at the end.
 *
 * The scalar twins are Conv2d.forwardScalar / backwardWeightScalar (direct loops in double);
 * this kernel sums in float, in a different order.
 */
final class DirectConv2d {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Output columns per register block: 4 vector accumulators. */
    private static final int BLOCK = 4 * F.length();
    private static final ThreadFloats PADDED = new ThreadFloats(1);

    private DirectConv2d() {}

    /** Stride 1 in both axes: every output row is a contiguous run of input columns. */
    static boolean supports(ConvShape s) {
        return s.strideH() == 1 && s.strideW() == 1;
    }

    static void forward(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                        MemorySegment b, long bOff, MemorySegment y, long yOff) {
        float[] weights = new float[Math.toIntExact(s.weightSize())];
        MemorySegment.copy(w, FLOAT, wOff * Float.BYTES, weights, 0, weights.length);
        float[] bias = new float[s.outChannels()];
        if (b != null) {
            MemorySegment.copy(b, FLOAT, bOff * Float.BYTES, bias, 0, bias.length);
        }
        int[] tapAt = tapOffsets(s, s.inH() + 2 * s.padH(), s.inW() + 2 * s.padW());
        Conv2d.forImages(s.batch(), n -> forwardImage(s, x, xOff, weights, bias, tapAt, y, yOff, n));
    }

    /**
     * tapAt[q] for tap q = (c, i, j) of one group's patch: its offset into a padded image
     * [channels, hp, wp] from the group's first plane, so pixel t = oh·wp + ow reads tapAt[q] + t.
     */
    static int[] tapOffsets(ConvShape s, int hp, int wp) {
        int[] tapAt = new int[s.patch()];
        for (int c = 0, q = 0; c < s.groupIn(); c++) {
            for (int i = 0; i < s.kernelH(); i++) {
                for (int j = 0; j < s.kernelW(); j++, q++) {
                    tapAt[q] = (c * hp + i * s.dilationH()) * wp + j * s.dilationW();
                }
            }
        }
        return tapAt;
    }

    /**
     * Image n's output planes. Like backwardWeightImage, output pixels are walked flat at xp's
     * row pitch (t = oh·wp + ow), so every tap is one offset into xp for a whole block of BLOCK
     * pixels; the lanes at ow >= outW are computed and dropped when the rows are copied out.
     */
    private static void forwardImage(ConvShape s, MemorySegment x, long xOff, float[] w, float[] bias, int[] tapAt,
                                     MemorySegment y, long yOff, int n) {
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        float[] xp = padImage(s, x, xOff + (long) n * s.inChannels() * s.inPlane(), hp, wp);
        int outH = s.outH();
        int outW = s.outW();
        int cg = s.groupIn();
        int og = s.groupOut();
        int taps = tapAt.length;
        float[] pair = new float[2 * taps];
        float[] rowA = new float[Math.ceilDiv(outH * wp, BLOCK) * BLOCK];
        float[] rowB = new float[rowA.length];
        int lanes = F.length();
        // Two output channels at a time share every load of xp: 8 FMAs per 4 loads.
        for (int o = 0; o < s.outChannels(); o += (o + 1) % og != 0 ? 2 : 1) {
            // Pairs never straddle groups: a group's last odd channel runs alone (computed twice, stored once).
            boolean two = (o + 1) % og != 0;
            int o1 = two ? o + 1 : o;
            for (int q = 0; q < taps; q++) {
                pair[2 * q] = w[o * taps + q];
                pair[2 * q + 1] = w[o1 * taps + q];
            }
            int base = o / og * cg * hp * wp;
            for (int t = 0; t < rowA.length; t += BLOCK) {
                FloatVector a0 = FloatVector.broadcast(F, bias[o]);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                FloatVector b0 = FloatVector.broadcast(F, bias[o1]);
                FloatVector b1 = b0;
                FloatVector b2 = b0;
                FloatVector b3 = b0;
                for (int q = 0; q < taps; q++) {
                    FloatVector u = FloatVector.broadcast(F, pair[2 * q]);
                    FloatVector v = FloatVector.broadcast(F, pair[2 * q + 1]);
                    int at = base + tapAt[q] + t;
                    FloatVector x0 = FloatVector.fromArray(F, xp, at);
                    FloatVector x1 = FloatVector.fromArray(F, xp, at + lanes);
                    FloatVector x2 = FloatVector.fromArray(F, xp, at + 2 * lanes);
                    FloatVector x3 = FloatVector.fromArray(F, xp, at + 3 * lanes);
                    a0 = x0.fma(u, a0);
                    a1 = x1.fma(u, a1);
                    a2 = x2.fma(u, a2);
                    a3 = x3.fma(u, a3);
                    b0 = x0.fma(v, b0);
                    b1 = x1.fma(v, b1);
                    b2 = x2.fma(v, b2);
                    b3 = x3.fma(v, b3);
                }
                a0.intoArray(rowA, t);
                a1.intoArray(rowA, t + lanes);
                a2.intoArray(rowA, t + 2 * lanes);
                a3.intoArray(rowA, t + 3 * lanes);
                b0.intoArray(rowB, t);
                b1.intoArray(rowB, t + lanes);
                b2.intoArray(rowB, t + 2 * lanes);
                b3.intoArray(rowB, t + 3 * lanes);
            }
            long dst = yOff + ((long) n * s.outChannels() + o) * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                MemorySegment.copy(rowA, oh * wp, y, FLOAT, (dst + (long) oh * outW) * Float.BYTES, outW);
                if (two) {
                    MemorySegment.copy(rowB, oh * wp, y, FLOAT, (dst + (long) (outH + oh) * outW) * Float.BYTES, outW);
                }
            }
        }
    }

    /** dw (overwritten) only; the caller computes the bias gradient. */
    static void backwardWeight(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                               MemorySegment dw, long dwOff) {
        int threads = Math.min(Parallel.THREADS, s.batch());
        float[][] partial = new float[threads][Math.toIntExact(s.weightSize())];
        Parallel.forEach(threads, t -> {
            // dy planes with xp's row pitch: pixel t = oh·wp + ow, zeros past outW (see backwardWeightImage).
            int wp = s.inW() + 2 * s.padW();
            float[] d = new float[Math.ceilDiv(s.outH() * wp, F.length()) * F.length()];
            float[] e = new float[d.length];
            for (int n = s.batch() * t / threads; n < s.batch() * (t + 1) / threads; n++) {
                backwardWeightImage(s, x, xOff, dy, dyOff, n, partial[t], d, e);
            }
        });
        float[] sum = partial[0];
        for (int t = 1; t < threads; t++) {
            for (int k = 0; k < sum.length; k++) {
                sum[k] += partial[t][k];
            }
        }
        MemorySegment.copy(sum, 0, dw, FLOAT, dwOff * Float.BYTES, sum.length);
    }

    /**
     * Image n's share of dw, added to {@code dw}. d and e hold two dy planes with xp's row pitch
     * wp, so an output pixel t = oh·wp + ow and the input it meets through tap (i, j),
     * xp[plane + i·dH·wp + j·dW + t], advance together: each kernel row of taps is one flat loop
     * over t. The lanes at ow >= outW multiply dy's zero gaps.
     */
    private static void backwardWeightImage(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                            int n, float[] dw, float[] d, float[] e) {
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        float[] xp = padImage(s, x, xOff + (long) n * s.inChannels() * s.inPlane(), hp, wp);
        int outH = s.outH();
        int cg = s.groupIn();
        int og = s.groupOut();
        int kw = s.kernelW();
        int dw1 = s.dilationW();
        int taps = tapsPerBlock(kw);
        float[] sums = new float[2 * TAPS_MAX];
        float[] lanes = new float[2 * TAPS_MAX * F.length()];
        int pixelStep = notUnrolled;
        // Two output channels at a time share every load of xp.
        for (int o = 0; o < s.outChannels(); o += (o + 1) % og != 0 ? 2 : 1) {
            // Pairs never straddle groups: a group's last odd channel runs alone (computed twice, stored once).
            boolean two = (o + 1) % og != 0;
            int o1 = two ? o + 1 : o;
            loadRows(s, dy, dyOff + ((long) n * s.outChannels() + o) * outH * s.outW(), d, wp);
            loadRows(s, dy, dyOff + ((long) n * s.outChannels() + o1) * outH * s.outW(), e, wp);
            int c0 = o / og * cg;
            for (int c = 0; c < cg; c++) {
                int plane = (c0 + c) * hp * wp;
                for (int i = 0; i < s.kernelH(); i++) {
                    int rowAt = plane + i * s.dilationH() * wp;
                    int wAt = ((o * cg + c) * s.kernelH() + i) * kw;
                    int wAt1 = ((o1 * cg + c) * s.kernelH() + i) * kw;
                    for (int j0 = 0; j0 < kw; j0 += taps) {
                        // Taps past the kernel's last column read valid xp and are dropped.
                        tapBlock(xp, rowAt + j0 * dw1, dw1, d, e, pixelStep, taps == 5, sums, lanes);
                        for (int q = 0; q < Math.min(taps, kw - j0); q++) {
                            dw[wAt + j0 + q] += sums[q];
                            if (two) {
                                dw[wAt1 + j0 + q] += sums[TAPS_MAX + q];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Taps per register block of backwardWeight: 5 or 4, whichever computes fewer dropped taps for a kernel row of kw. */
    static int tapsPerBlock(int kw) {
        return Math.ceilDiv(kw, 5) * 5 <= Math.ceilDiv(kw, 4) * 4 ? 5 : 4;
    }

    private static final int TAPS_MAX = 5;

    /**
     * backwardWeight's pixel-loop step, F.length() read from a non-final field: C2 does not unroll a loop
     * whose step is not a constant. Unrolled 4 times, tapBlock kept the loads of four iterations
     * live at once and spilled half its accumulators to the stack.
     */
    @SuppressWarnings("FieldMayBeFinal")
    private static int notUnrolled = F.length();

    /**
     * sums[q] = Σ_t d[t]·xp[at + q·step + t] and sums[TAPS_MAX + q] the same with e, over
     * t < d.length, for q < 5 (fifth) or q < 4: 10 or 8 accumulators, 7 or 6 loads per 10 or 8
     * FMAs. fifth is the same for the whole loop, so C2 compiles one loop per value of it
     * (unswitching) rather than testing it on every step. spill is scratch of 2·TAPS_MAX vectors.
     */
    private static void tapBlock(float[] xp, int at, int step, float[] d, float[] e, int lanes, boolean fifth,
                                 float[] sums, float[] spill) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
        for (int t = 0; t < d.length; t += lanes) {
            FloatVector dv = FloatVector.fromArray(F, d, t);
            FloatVector ev = FloatVector.fromArray(F, e, t);
            int u = at + t;
            FloatVector xv = FloatVector.fromArray(F, xp, u);
            a0 = xv.fma(dv, a0);
            b0 = xv.fma(ev, b0);
            xv = FloatVector.fromArray(F, xp, u + step);
            a1 = xv.fma(dv, a1);
            b1 = xv.fma(ev, b1);
            xv = FloatVector.fromArray(F, xp, u + 2 * step);
            a2 = xv.fma(dv, a2);
            b2 = xv.fma(ev, b2);
            xv = FloatVector.fromArray(F, xp, u + 3 * step);
            a3 = xv.fma(dv, a3);
            b3 = xv.fma(ev, b3);
            if (fifth) {
                xv = FloatVector.fromArray(F, xp, u + 4 * step);
                a4 = xv.fma(dv, a4);
                b4 = xv.fma(ev, b4);
            }
        }
        // Stored, then reduced as floats: ten inlined Simd.sum calls passed C2's node budget, and the
        // last four were called with their vectors boxed (an array of vectors boxes them too).
        int v = F.length();
        a0.intoArray(spill, 0);
        a1.intoArray(spill, v);
        a2.intoArray(spill, 2 * v);
        a3.intoArray(spill, 3 * v);
        a4.intoArray(spill, 4 * v);
        b0.intoArray(spill, 5 * v);
        b1.intoArray(spill, 6 * v);
        b2.intoArray(spill, 7 * v);
        b3.intoArray(spill, 8 * v);
        b4.intoArray(spill, 9 * v);
        for (int q = 0; q < TAPS_MAX; q++) {
            sums[q] = Simd.sumStored(spill, q * v);
            sums[TAPS_MAX + q] = Simd.sumStored(spill, (TAPS_MAX + q) * v);
        }
    }

    /** One dy plane into d at row pitch {@code pitch}; the gaps past outW in each row stay zero. */
    private static void loadRows(ConvShape s, MemorySegment dy, long from, float[] d, int pitch) {
        for (int oh = 0; oh < s.outH(); oh++) {
            MemorySegment.copy(dy, FLOAT, (from + (long) oh * s.outW()) * Float.BYTES, d, oh * pitch, s.outW());
        }
    }

    /** Image n's channels with their zero border, in this thread's buffer [inChannels, hp, wp]. */
    static float[] padImage(ConvShape s, MemorySegment x, long at, int hp, int wp) {
        int size = s.inChannels() * hp * wp;
        // Whole-vector loads run past the last row by up to a block plus the kernel's span.
        // (backwardWeight: a flat row of outH·wp rounded up to whole vectors, from a block's last tap.)
        // PixelTileConv2d's last row tile reads up to MR - 1 = 6 floats past the last plane.
        int slack = 2 * BLOCK + (s.kernelW() + TAPS_MAX) * s.dilationW();
        float[] xp = PADDED.get(0, size + slack);
        padInto(s, x, at, hp, wp, xp, 0);
        return xp;
    }

    /** The image at x offset {@code at} with its zero border into dst from {@code dstAt}, [inChannels, hp, wp]. */
    static void padInto(ConvShape s, MemorySegment x, long at, int hp, int wp, float[] dst, int dstAt) {
        Arrays.fill(dst, dstAt, dstAt + s.inChannels() * hp * wp, 0f);
        for (int c = 0; c < s.inChannels(); c++) {
            for (int h = 0; h < s.inH(); h++) {
                MemorySegment.copy(x, FLOAT, (at + ((long) c * s.inH() + h) * s.inW()) * Float.BYTES, dst,
                        dstAt + (c * hp + h + s.padH()) * wp + s.padW(), s.inW());
            }
        }
    }
}
