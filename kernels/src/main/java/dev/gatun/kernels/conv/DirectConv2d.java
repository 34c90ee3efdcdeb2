package dev.gatun.kernels.conv;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
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
 * float[]. Both vectorize along ow (an output row is a few vectors) and work on two output
 * channels at a time, so each unaligned load of xp feeds two FMAs (1.3-1.5x over one channel
 * at a time). No column matrix is built. Rows are computed in whole vectors: masked loads for
 * the row ends measured 1.7-2.1x slower on conv1. The lanes past outW read on into xp's next
 * row (or a slack past its end) and are dropped (forward) or multiplied by dy rows zero-padded
 * to whole vectors (backwardWeight), so they add exactly nothing for finite x; an infinite or
 * NaN x can reach dw entries whose taps never touched it (y is unaffected).
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
    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

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
        Conv2d.forImages(s.batch(), n -> forwardImage(s, x, xOff, weights, bias, y, yOff, n));
    }

    private static void forwardImage(ConvShape s, MemorySegment x, long xOff, float[] w, float[] bias,
                                     MemorySegment y, long yOff, int n) {
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        float[] xp = padImage(s, x, xOff + (long) n * s.inChannels() * s.inPlane(), hp, wp);
        int outH = s.outH();
        int outW = s.outW();
        int cg = s.groupIn();
        int og = s.groupOut();
        int taps = s.kernelH() * s.kernelW();
        float[] row = new float[Math.ceilDiv(outW, BLOCK) * BLOCK];
        float[] row2 = new float[row.length];
        int lanes = F.length();
        // Two output channels at a time share every load of xp: 8 FMAs per 4 loads.
        for (int o = 0; o < s.outChannels(); o += (o + 1) % og != 0 ? 2 : 1) {
            // Pairs never straddle groups: a group's last odd channel runs alone (computed twice, stored once).
            boolean two = (o + 1) % og != 0;
            int o1 = two ? o + 1 : o;
            int c0 = o / og * cg;
            int w0 = o * cg * taps;
            int w1 = o1 * cg * taps;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow0 = 0; ow0 < outW; ow0 += BLOCK) {
                    FloatVector a0 = FloatVector.broadcast(F, bias[o]);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    FloatVector b0 = FloatVector.broadcast(F, bias[o1]);
                    FloatVector b1 = b0;
                    FloatVector b2 = b0;
                    FloatVector b3 = b0;
                    for (int c = 0; c < cg; c++) {
                        int plane = (c0 + c) * hp * wp;
                        for (int i = 0; i < s.kernelH(); i++) {
                            int rowAt = plane + (oh + i * s.dilationH()) * wp + ow0;
                            int tap = (c * s.kernelH() + i) * s.kernelW();
                            for (int j = 0; j < s.kernelW(); j++) {
                                FloatVector u = FloatVector.broadcast(F, w[w0 + tap + j]);
                                FloatVector v = FloatVector.broadcast(F, w[w1 + tap + j]);
                                int at = rowAt + j * s.dilationW();
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
                        }
                    }
                    a0.intoArray(row, ow0);
                    a1.intoArray(row, ow0 + lanes);
                    a2.intoArray(row, ow0 + 2 * lanes);
                    a3.intoArray(row, ow0 + 3 * lanes);
                    b0.intoArray(row2, ow0);
                    b1.intoArray(row2, ow0 + lanes);
                    b2.intoArray(row2, ow0 + 2 * lanes);
                    b3.intoArray(row2, ow0 + 3 * lanes);
                }
                long dst = yOff + (((long) n * s.outChannels() + o) * outH + oh) * outW;
                MemorySegment.copy(row, 0, y, FLOAT, dst * Float.BYTES, outW);
                if (two) {
                    MemorySegment.copy(row2, 0, y, FLOAT, (dst + (long) outH * outW) * Float.BYTES, outW);
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
            for (int n = s.batch() * t / threads; n < s.batch() * (t + 1) / threads; n++) {
                backwardWeightImage(s, x, xOff, dy, dyOff, n, partial[t]);
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

    private static void backwardWeightImage(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                            int n, float[] dw) {
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        float[] xp = padImage(s, x, xOff + (long) n * s.inChannels() * s.inPlane(), hp, wp);
        int outH = s.outH();
        int outW = s.outW();
        int lanes = F.length();
        int cg = s.groupIn();
        int og = s.groupOut();
        // dy rows padded with zeros to whole vectors, so the lanes past outW add nothing.
        int outWv = Math.ceilDiv(outW, lanes) * lanes;
        float[] d = new float[outH * outWv];
        float[] e = new float[outH * outWv];
        // Two output channels at a time share every load of xp.
        for (int o = 0; o < s.outChannels(); o += (o + 1) % og != 0 ? 2 : 1) {
            // Pairs never straddle groups: a group's last odd channel runs alone (computed twice, stored once).
            boolean two = (o + 1) % og != 0;
            int o1 = two ? o + 1 : o;
            loadRows(s, dy, dyOff + ((long) n * s.outChannels() + o) * outH * outW, d, outWv);
            loadRows(s, dy, dyOff + ((long) n * s.outChannels() + o1) * outH * outW, e, outWv);
            int c0 = o / og * cg;
            for (int c = 0; c < cg; c++) {
                int plane = (c0 + c) * hp * wp;
                for (int i = 0; i < s.kernelH(); i++) {
                    int tap = (c * s.kernelH() + i) * s.kernelW();
                    int wAt = o * cg * s.kernelH() * s.kernelW() + tap;
                    int wAt1 = o1 * cg * s.kernelH() * s.kernelW() + tap;
                    // Four kernel columns at a time, each with its own accumulator per channel.
                    for (int j0 = 0; j0 < s.kernelW(); j0 += 4) {
                        int js = Math.min(4, s.kernelW() - j0);
                        FloatVector a0 = FloatVector.zero(F);
                        FloatVector a1 = a0;
                        FloatVector a2 = a0;
                        FloatVector a3 = a0;
                        FloatVector b0 = a0;
                        FloatVector b1 = a0;
                        FloatVector b2 = a0;
                        FloatVector b3 = a0;
                        int dw1 = s.dilationW();
                        for (int oh = 0; oh < outH; oh++) {
                            int rowAt = plane + (oh + i * s.dilationH()) * wp + j0 * dw1;
                            for (int ow = 0; ow < outWv; ow += lanes) {
                                FloatVector dv = FloatVector.fromArray(F, d, oh * outWv + ow);
                                FloatVector ev = FloatVector.fromArray(F, e, oh * outWv + ow);
                                int at = rowAt + ow;
                                // Taps past the kernel's last column (js < 4) read valid xp and are dropped below.
                                FloatVector x0 = FloatVector.fromArray(F, xp, at);
                                FloatVector x1 = FloatVector.fromArray(F, xp, at + dw1);
                                FloatVector x2 = FloatVector.fromArray(F, xp, at + 2 * dw1);
                                FloatVector x3 = FloatVector.fromArray(F, xp, at + 3 * dw1);
                                a0 = x0.fma(dv, a0);
                                a1 = x1.fma(dv, a1);
                                a2 = x2.fma(dv, a2);
                                a3 = x3.fma(dv, a3);
                                b0 = x0.fma(ev, b0);
                                b1 = x1.fma(ev, b1);
                                b2 = x2.fma(ev, b2);
                                b3 = x3.fma(ev, b3);
                            }
                        }
                        // Lanes reduced one by one: an array of vectors would box them (measured 10x slower).
                        float[] sums = {Simd.sum(a0), Simd.sum(a1),
                            Simd.sum(a2), Simd.sum(a3),
                            Simd.sum(b0), Simd.sum(b1),
                            Simd.sum(b2), Simd.sum(b3)};
                        for (int q = 0; q < js; q++) {
                            dw[wAt + j0 + q] += sums[q];
                            if (two) {
                                dw[wAt1 + j0 + q] += sums[4 + q];
                            }
                        }
                    }
                }
            }
        }
    }

    /** One dy plane into rows of outWv floats (the tail of each row stays zero). */
    private static void loadRows(ConvShape s, MemorySegment dy, long from, float[] d, int outWv) {
        for (int oh = 0; oh < s.outH(); oh++) {
            MemorySegment.copy(dy, FLOAT, (from + (long) oh * s.outW()) * Float.BYTES, d, oh * outWv, s.outW());
        }
    }

    /** Image n's channels with their zero border, in this thread's buffer [inChannels, hp, wp]. */
    private static float[] padImage(ConvShape s, MemorySegment x, long at, int hp, int wp) {
        float[][] holder = PADDED.get();
        int size = s.inChannels() * hp * wp;
        // Whole-vector loads run past the last row by up to a block plus the kernel's span.
        int slack = 2 * BLOCK + (s.kernelW() + 3) * s.dilationW();
        if (holder[0].length < size + slack) {
            holder[0] = new float[size + slack];
        }
        float[] xp = holder[0];
        Arrays.fill(xp, 0, size, 0f);
        for (int c = 0; c < s.inChannels(); c++) {
            for (int h = 0; h < s.inH(); h++) {
                MemorySegment.copy(x, FLOAT, (at + ((long) c * s.inH() + h) * s.inW()) * Float.BYTES, xp,
                        (c * hp + h + s.padH()) * wp + s.padW(), s.inW());
            }
        }
        return xp;
    }
}
