package dev.gatun.kernels.conv;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.ThreadFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Stride-1 forward convolution (ConvShape shapes, float32 NCHW) as register tiles of MR output
 * pixels × NR = 2 vectors of output channels, the input read in place:
 *   yᵀ[p][o] = b[o] + Σ_q xp[n, g, tapAt[q] + pixelAt[p]]·wᵀ[q][o]
 * for q = (c, i, j) over group g's patch and flat output pixel p = oh·outW + ow at pixelAt[p] =
 * oh·wp + ow (xp: one image's zero-padded planes, row pitch wp). Per tap, the tile loads two
 * vectors of the transposed weights (packed once per call, [patch][NR] per sliver of NR channels)
 * and broadcasts MR input floats into 2·MR FMAs. Broadcasts at constant offsets from one index
 * get one range check from C2.
 *
 * Against RowTileConv2d (vectors along pixels, weights broadcast) this wastes no lanes on rows
 * that are not whole vectors: the CNN sample's conv2 (rows of 14) spends 16 lanes a row there.
 *  - With 32 vector registers (512-bit), MR = 7 adjacent pixels of a row: 14 accumulators, 2
 *    weight vectors and the broadcasts fit. 7 divides rows of 28, 14 and 7; a partial last tile
 *    computes pixels it then discards. Intel Xeon, 2 threads: conv2 forward 300 -> 364 GFLOP/s,
 *    its flipped backward data 266 -> 363, a ResNet 3×3 layer 254 -> 315.
 *  - With 16 (256- and 128-bit), MR = 4 pixels of the flattened plane, 8 accumulators: C2 hoists
 *    every broadcast to the top of the loop, and more accumulators spill. Tiles run on across row
 *    ends, so no lane is spent past a row; a tile that crosses one takes a slower body with four
 *    offsets (1 in 7 of conv2's, timed no slower than splitting it into two pairs). A row tile's
 *    FMA costs about 7% less when neither wastes lanes (rows of 32: 0.93×), so Conv2d takes this
 *    one at these widths only where it saves the row tile's wasted lanes. AMD Zen 3, 256-bit,
 *    one thread, best of 20: conv2 forward 18.2-18.9 -> 16.1-17.2 ms, its flipped backward data
 *    18.1-19.6 -> 17.1-17.8, a ResNet 3×3 layer (rows of 56) 124-127 -> 104-105; the CNN's
 *    training step 1.06× (paired, both orders). Bit for bit the row tiles' sums: both add the
 *    same products to the bias in tap order.
 *
 * The tile bodies (7 pixels, 4 of a row, 4 across a row end) are written out each in full: a
 * vector handed to a call C2 does not inline is boxed, and only the row body's broadcasts sit at
 * constant offsets from one index.
 *
 * Where kernel rows at dilation 1 split into runs of 5 or 3 adjacent taps (5×5, 3×3, 1×6 ...),
 * each body has twins that read tapAt once a run and write the run's taps out, so one range
 * check covers the run (a pixel's, across a row end): per tap, the loop's table load, index arithmetic
 * and range check cost more than 14 (or 8) FMAs hide. Same sums in the same order. Intel Xeon
 * (AVX-512, 2 cores), ConvBenchmark GFLOP/s, tap loop -> runs: 512-bit conv2 forward 246 -> 315,
 * backward data 240 -> 323, ResNet 3×3 218 -> 260 and 206 -> 279; 256-bit on the same host,
 * conv2 132 -> 172 and 132 -> 164, ResNet 127 -> 154 and 131 -> 157, then the tiles across row
 * ends (1 in 7 of conv2's) conv2 forward 168-177 -> 182-191. A loop over the run's taps
 * left for C2 to unroll ran slower than the tap loop (123 against 143 GFLOP/s on one core).
 *
 * The K loop runs over the whole patch with the accumulators in registers (a K-blocked version
 * that kept partial sums in the output tile ran 10% slower). Each image's tiles for one sliver go
 * to a [pixels][NR] buffer, then transposed into y's planes. Images go to threads in contiguous
 * ranges (Conv2d.forImages), each thread padding its images into its own buffer; every output
 * is one tile's sum in tap order, so results do not depend on the thread count.
 */
final class PixelTileConv2d {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final int LANES = F.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Output pixels per tile: 7 adjacent ones of a row with 32 vector registers, else 4 of the flat plane (see the header). */
    static final int MR = Simd.FLOAT_LANES >= 16 ? 7 : 4;
    /** Whether tiles run over the flat plane (MR = 4) rather than along rows. */
    private static final boolean FLAT = MR == 4;
    /** Output channels per tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Per thread: the packed weights and bias (the caller's), and an image's tiles (each worker's). */
    private static final ThreadFloats SCRATCH = new ThreadFloats(3);
    private static final int WEIGHTS = 0;
    private static final int BIAS = 1;
    private static final int TILES = 2;

    private PixelTileConv2d() {}

    /** Stride 1 in both axes: a tile's pixels are adjacent floats of the padded input. */
    static boolean supports(ConvShape s) {
        return s.strideH() == 1 && s.strideW() == 1;
    }

    /** Fraction of the multiply-adds spent on lanes past a group's output channels (its last sliver). */
    static double waste(ConvShape s) {
        return Conv2d.laneWaste(s.groupOut(), NR);
    }

    /** y = conv(x, w) + b (b may be null) on checked arguments; offsets in floats. */
    static void forward(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                        MemorySegment b, long bOff, MemorySegment y, long yOff) {
        int cg = s.groupIn();
        int og = s.groupOut();
        int patch = s.patch();
        int slivers = Math.ceilDiv(og, NR);
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        // wt[g][sl][q][l] = w[g·og + sl·NR + l, q] and bias[g][sl][l] likewise, zero past og.
        // Both are this thread's buffers: the workers below only read them during this call.
        int wtFloats = Math.multiplyExact(Math.multiplyExact(s.groups() * slivers, patch), NR);
        int biasFloats = s.groups() * slivers * NR;
        float[] wt = SCRATCH.get(WEIGHTS, wtFloats);
        float[] bias = SCRATCH.get(BIAS, biasFloats);
        if (og % NR != 0) {
            Arrays.fill(wt, 0, wtFloats, 0f);
            Arrays.fill(bias, 0, biasFloats, 0f);
        }
        for (int o = 0; o < s.outChannels(); o++) {
            int sliver = o / og * slivers + o % og / NR;
            int lane = o % og % NR;
            for (int q = 0; q < patch; q++) {
                wt[(sliver * patch + q) * NR + lane] = w.getAtIndex(FLOAT, wOff + (long) o * patch + q);
            }
            bias[sliver * NR + lane] = b == null ? 0f : b.getAtIndex(FLOAT, bOff + o);
        }
        int[] tapAt = DirectConv2d.tapOffsets(s, hp, wp);
        int outW = s.outW();
        int plane = s.outPlane();
        int[] pixelAt = FLAT ? pixelOffsets(s, wp) : null;
        int run = run(s);
        Conv2d.forImages(s.batch(), n -> {
            float[] xp = DirectConv2d.padImage(s, x, xOff + (long) n * s.inChannels() * s.inPlane(), hp, wp);
            float[] tiles = SCRATCH.get(TILES, (plane + MR) * NR);
            for (int g = 0; g < s.groups(); g++) {
                int plane0 = g * cg * hp * wp;
                for (int sl = 0; sl < slivers; sl++) {
                    int sliver = g * slivers + sl;
                    if (!FLAT) {
                        for (int oh = 0; oh < s.outH(); oh++) {
                            for (int ow = 0; ow < outW; ow += MR) {
                                tile7(run, patch, wt, sliver * patch * NR, bias, sliver * NR, xp, tapAt, plane0 + oh * wp + ow,
                                        tiles, (oh * outW + ow) * NR);
                            }
                        }
                    } else {
                        for (int p = 0; p < plane; p += 4) {
                            if (pixelAt[p + 3] - pixelAt[p] == 3) {
                                rowTile(run, patch, wt, sliver * patch * NR, bias, sliver * NR, xp, tapAt, plane0 + pixelAt[p],
                                        tiles, p * NR);
                            } else {
                                crossingTile(run, patch, wt, sliver * patch * NR, bias, sliver * NR, xp, tapAt, plane0,
                                        pixelAt, p, tiles, p * NR);
                            }
                        }
                    }
                    int o0 = g * og + sl * NR;
                    for (int l = 0; l < Math.min(NR, og - sl * NR); l++) {
                        long yAt = yOff + ((long) n * s.outChannels() + o0 + l) * plane;
                        for (int p = 0; p < plane; p++) {
                            y.setAtIndex(FLOAT, yAt + p, tiles[p * NR + l]);
                        }
                    }
                }
            }
        });
    }

    /**
     * Adjacent taps per run for the written-out tile bodies: 5 or 3 where kernel rows at dilation 1
     * divide into runs of that many, else 1 (the tap loop of {@link #tile}).
     */
    static int run(ConvShape s) {
        if (s.dilationW() != 1) {
            return 1;
        }
        return s.kernelW() % 5 == 0 ? 5 : s.kernelW() % 3 == 0 ? 3 : 1;
    }

    /** The 7-pixel tile for runs of {@code run} taps: {@link #tileRuns5}, {@link #tileRuns3} or {@link #tile}. */
    private static void tile7(int run, int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                             float[] out, int oi) {
        if (run == 5) {
            tileRuns5(patch, wt, wi, bias, bi, xp, tapAt, at, out, oi);
        } else if (run == 3) {
            tileRuns3(patch, wt, wi, bias, bi, xp, tapAt, at, out, oi);
        } else {
            tile(patch, wt, wi, bias, bi, xp, tapAt, at, out, oi);
        }
    }

    /** The 4-of-a-row tile for runs of {@code run} taps: {@link #rowTile4Runs5}, {@link #rowTile4Runs3} or {@link #rowTile4}. */
    private static void rowTile(int run, int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt,
                                int at, float[] out, int oi) {
        if (run == 5) {
            rowTile4Runs5(patch, wt, wi, bias, bi, xp, tapAt, at, out, oi);
        } else if (run == 3) {
            rowTile4Runs3(patch, wt, wi, bias, bi, xp, tapAt, at, out, oi);
        } else {
            rowTile4(patch, wt, wi, bias, bi, xp, tapAt, at, out, oi);
        }
    }

    /** The 4-across-a-row-end tile for runs of {@code run} taps: {@link #crossingTile4Runs5}, {@link #crossingTile4Runs3} or {@link #crossingTile4}. */
    private static void crossingTile(int run, int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt,
                                     int plane0, int[] pixelAt, int p, float[] out, int oi) {
        if (run == 5) {
            crossingTile4Runs5(patch, wt, wi, bias, bi, xp, tapAt, plane0, pixelAt, p, out, oi);
        } else if (run == 3) {
            crossingTile4Runs3(patch, wt, wi, bias, bi, xp, tapAt, plane0, pixelAt, p, out, oi);
        } else {
            crossingTile4(patch, wt, wi, bias, bi, xp, tapAt, plane0, pixelAt, p, out, oi);
        }
    }

    /** pixelAt[p]: the padded offset oh·wp + ow of flat output pixel p = oh·outW + ow, then 3 more copies of the last one's. */
    static int[] pixelOffsets(ConvShape s, int wp) {
        int plane = s.outPlane();
        int[] at = new int[plane + 3];
        for (int p = 0; p < at.length; p++) {
            int q = Math.min(p, plane - 1);
            at[p] = q / s.outW() * wp + q % s.outW();
        }
        return at;
    }

    /** A tile of 4 adjacent pixels of one row, the first at xp offset at; sums to out at oi (row pitch NR). */
    private static void rowTile4(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                              float[] out, int oi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        for (int q = 0; q < patch; q++) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a = FloatVector.broadcast(F, xp[u]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            wi += NR;
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
    }

    /** A tile of the 4 flat pixels from p where they cross a row end (or run past the plane): each its own offset. */
    private static void crossingTile4(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int plane0,
                              int[] pixelAt, int p, float[] out, int oi) {
        int d0 = plane0 + pixelAt[p];
        int d1 = plane0 + pixelAt[p + 1];
        int d2 = plane0 + pixelAt[p + 2];
        int d3 = plane0 + pixelAt[p + 3];
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        for (int q = 0; q < patch; q++) {
            int u = tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a = FloatVector.broadcast(F, xp[u + d0]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, xp[u + d1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, xp[u + d2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, xp[u + d3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            wi += NR;
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
    }

    /**
     * One tile: accumulators start at the bias, then for every tap q, t[r][l] += xp[at + tapAt[q] + r]
     * · wt[wi + q·NR + l]; the 7 × NR sums go to out at oi (row pitch NR). Pixels past the row's
     * end read the next row or padImage's slack, and their rows of out are overwritten or unused.
     */
    private static void tile(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                             float[] out, int oi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        FloatVector c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01;
        for (int q = 0; q < patch; q++) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a = FloatVector.broadcast(F, xp[u]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, xp[u + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, xp[u + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(F, xp[u + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            wi += NR;
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
        c40.intoArray(out, oi + 4 * NR);
        c41.intoArray(out, oi + 4 * NR + LANES);
        c50.intoArray(out, oi + 5 * NR);
        c51.intoArray(out, oi + 5 * NR + LANES);
        c60.intoArray(out, oi + 6 * NR);
        c61.intoArray(out, oi + 6 * NR + LANES);
    }

    /**
     * {@link #tile} for a patch made of runs of 5 adjacent taps (kernel rows of a multiple of
     * 5 at dilation 1): tapAt is read once a run, and the run's taps are written out, so one range
     * check covers a run's 11 floats of xp. Same sums in the same order as {@link #tile}.
     */
    private static void tileRuns5(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                                  float[] out, int oi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        FloatVector c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01;
        for (int q = 0; q < patch; q += 5, wi += 5 * NR) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a00 = FloatVector.broadcast(F, xp[u]);
            c00 = a00.fma(b0, c00);
            c01 = a00.fma(b1, c01);
            FloatVector a01 = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a01.fma(b0, c10);
            c11 = a01.fma(b1, c11);
            FloatVector a02 = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a02.fma(b0, c20);
            c21 = a02.fma(b1, c21);
            FloatVector a03 = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a03.fma(b0, c30);
            c31 = a03.fma(b1, c31);
            FloatVector a04 = FloatVector.broadcast(F, xp[u + 4]);
            c40 = a04.fma(b0, c40);
            c41 = a04.fma(b1, c41);
            FloatVector a05 = FloatVector.broadcast(F, xp[u + 5]);
            c50 = a05.fma(b0, c50);
            c51 = a05.fma(b1, c51);
            FloatVector a06 = FloatVector.broadcast(F, xp[u + 6]);
            c60 = a06.fma(b0, c60);
            c61 = a06.fma(b1, c61);
            b0 = FloatVector.fromArray(F, wt, wi + 1 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 1 * NR + LANES);
            FloatVector a10 = FloatVector.broadcast(F, xp[u + 1]);
            c00 = a10.fma(b0, c00);
            c01 = a10.fma(b1, c01);
            FloatVector a11 = FloatVector.broadcast(F, xp[u + 2]);
            c10 = a11.fma(b0, c10);
            c11 = a11.fma(b1, c11);
            FloatVector a12 = FloatVector.broadcast(F, xp[u + 3]);
            c20 = a12.fma(b0, c20);
            c21 = a12.fma(b1, c21);
            FloatVector a13 = FloatVector.broadcast(F, xp[u + 4]);
            c30 = a13.fma(b0, c30);
            c31 = a13.fma(b1, c31);
            FloatVector a14 = FloatVector.broadcast(F, xp[u + 5]);
            c40 = a14.fma(b0, c40);
            c41 = a14.fma(b1, c41);
            FloatVector a15 = FloatVector.broadcast(F, xp[u + 6]);
            c50 = a15.fma(b0, c50);
            c51 = a15.fma(b1, c51);
            FloatVector a16 = FloatVector.broadcast(F, xp[u + 7]);
            c60 = a16.fma(b0, c60);
            c61 = a16.fma(b1, c61);
            b0 = FloatVector.fromArray(F, wt, wi + 2 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 2 * NR + LANES);
            FloatVector a20 = FloatVector.broadcast(F, xp[u + 2]);
            c00 = a20.fma(b0, c00);
            c01 = a20.fma(b1, c01);
            FloatVector a21 = FloatVector.broadcast(F, xp[u + 3]);
            c10 = a21.fma(b0, c10);
            c11 = a21.fma(b1, c11);
            FloatVector a22 = FloatVector.broadcast(F, xp[u + 4]);
            c20 = a22.fma(b0, c20);
            c21 = a22.fma(b1, c21);
            FloatVector a23 = FloatVector.broadcast(F, xp[u + 5]);
            c30 = a23.fma(b0, c30);
            c31 = a23.fma(b1, c31);
            FloatVector a24 = FloatVector.broadcast(F, xp[u + 6]);
            c40 = a24.fma(b0, c40);
            c41 = a24.fma(b1, c41);
            FloatVector a25 = FloatVector.broadcast(F, xp[u + 7]);
            c50 = a25.fma(b0, c50);
            c51 = a25.fma(b1, c51);
            FloatVector a26 = FloatVector.broadcast(F, xp[u + 8]);
            c60 = a26.fma(b0, c60);
            c61 = a26.fma(b1, c61);
            b0 = FloatVector.fromArray(F, wt, wi + 3 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 3 * NR + LANES);
            FloatVector a30 = FloatVector.broadcast(F, xp[u + 3]);
            c00 = a30.fma(b0, c00);
            c01 = a30.fma(b1, c01);
            FloatVector a31 = FloatVector.broadcast(F, xp[u + 4]);
            c10 = a31.fma(b0, c10);
            c11 = a31.fma(b1, c11);
            FloatVector a32 = FloatVector.broadcast(F, xp[u + 5]);
            c20 = a32.fma(b0, c20);
            c21 = a32.fma(b1, c21);
            FloatVector a33 = FloatVector.broadcast(F, xp[u + 6]);
            c30 = a33.fma(b0, c30);
            c31 = a33.fma(b1, c31);
            FloatVector a34 = FloatVector.broadcast(F, xp[u + 7]);
            c40 = a34.fma(b0, c40);
            c41 = a34.fma(b1, c41);
            FloatVector a35 = FloatVector.broadcast(F, xp[u + 8]);
            c50 = a35.fma(b0, c50);
            c51 = a35.fma(b1, c51);
            FloatVector a36 = FloatVector.broadcast(F, xp[u + 9]);
            c60 = a36.fma(b0, c60);
            c61 = a36.fma(b1, c61);
            b0 = FloatVector.fromArray(F, wt, wi + 4 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 4 * NR + LANES);
            FloatVector a40 = FloatVector.broadcast(F, xp[u + 4]);
            c00 = a40.fma(b0, c00);
            c01 = a40.fma(b1, c01);
            FloatVector a41 = FloatVector.broadcast(F, xp[u + 5]);
            c10 = a41.fma(b0, c10);
            c11 = a41.fma(b1, c11);
            FloatVector a42 = FloatVector.broadcast(F, xp[u + 6]);
            c20 = a42.fma(b0, c20);
            c21 = a42.fma(b1, c21);
            FloatVector a43 = FloatVector.broadcast(F, xp[u + 7]);
            c30 = a43.fma(b0, c30);
            c31 = a43.fma(b1, c31);
            FloatVector a44 = FloatVector.broadcast(F, xp[u + 8]);
            c40 = a44.fma(b0, c40);
            c41 = a44.fma(b1, c41);
            FloatVector a45 = FloatVector.broadcast(F, xp[u + 9]);
            c50 = a45.fma(b0, c50);
            c51 = a45.fma(b1, c51);
            FloatVector a46 = FloatVector.broadcast(F, xp[u + 10]);
            c60 = a46.fma(b0, c60);
            c61 = a46.fma(b1, c61);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
        c40.intoArray(out, oi + 4 * NR);
        c41.intoArray(out, oi + 4 * NR + LANES);
        c50.intoArray(out, oi + 5 * NR);
        c51.intoArray(out, oi + 5 * NR + LANES);
        c60.intoArray(out, oi + 6 * NR);
        c61.intoArray(out, oi + 6 * NR + LANES);
    }

    /**
     * {@link #tile} for a patch made of runs of 3 adjacent taps (kernel rows of a multiple of
     * 3 at dilation 1): tapAt is read once a run, and the run's taps are written out, so one range
     * check covers a run's 9 floats of xp. Same sums in the same order as {@link #tile}.
     */
    private static void tileRuns3(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                                  float[] out, int oi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        FloatVector c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01;
        for (int q = 0; q < patch; q += 3, wi += 3 * NR) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a00 = FloatVector.broadcast(F, xp[u]);
            c00 = a00.fma(b0, c00);
            c01 = a00.fma(b1, c01);
            FloatVector a01 = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a01.fma(b0, c10);
            c11 = a01.fma(b1, c11);
            FloatVector a02 = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a02.fma(b0, c20);
            c21 = a02.fma(b1, c21);
            FloatVector a03 = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a03.fma(b0, c30);
            c31 = a03.fma(b1, c31);
            FloatVector a04 = FloatVector.broadcast(F, xp[u + 4]);
            c40 = a04.fma(b0, c40);
            c41 = a04.fma(b1, c41);
            FloatVector a05 = FloatVector.broadcast(F, xp[u + 5]);
            c50 = a05.fma(b0, c50);
            c51 = a05.fma(b1, c51);
            FloatVector a06 = FloatVector.broadcast(F, xp[u + 6]);
            c60 = a06.fma(b0, c60);
            c61 = a06.fma(b1, c61);
            b0 = FloatVector.fromArray(F, wt, wi + 1 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 1 * NR + LANES);
            FloatVector a10 = FloatVector.broadcast(F, xp[u + 1]);
            c00 = a10.fma(b0, c00);
            c01 = a10.fma(b1, c01);
            FloatVector a11 = FloatVector.broadcast(F, xp[u + 2]);
            c10 = a11.fma(b0, c10);
            c11 = a11.fma(b1, c11);
            FloatVector a12 = FloatVector.broadcast(F, xp[u + 3]);
            c20 = a12.fma(b0, c20);
            c21 = a12.fma(b1, c21);
            FloatVector a13 = FloatVector.broadcast(F, xp[u + 4]);
            c30 = a13.fma(b0, c30);
            c31 = a13.fma(b1, c31);
            FloatVector a14 = FloatVector.broadcast(F, xp[u + 5]);
            c40 = a14.fma(b0, c40);
            c41 = a14.fma(b1, c41);
            FloatVector a15 = FloatVector.broadcast(F, xp[u + 6]);
            c50 = a15.fma(b0, c50);
            c51 = a15.fma(b1, c51);
            FloatVector a16 = FloatVector.broadcast(F, xp[u + 7]);
            c60 = a16.fma(b0, c60);
            c61 = a16.fma(b1, c61);
            b0 = FloatVector.fromArray(F, wt, wi + 2 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 2 * NR + LANES);
            FloatVector a20 = FloatVector.broadcast(F, xp[u + 2]);
            c00 = a20.fma(b0, c00);
            c01 = a20.fma(b1, c01);
            FloatVector a21 = FloatVector.broadcast(F, xp[u + 3]);
            c10 = a21.fma(b0, c10);
            c11 = a21.fma(b1, c11);
            FloatVector a22 = FloatVector.broadcast(F, xp[u + 4]);
            c20 = a22.fma(b0, c20);
            c21 = a22.fma(b1, c21);
            FloatVector a23 = FloatVector.broadcast(F, xp[u + 5]);
            c30 = a23.fma(b0, c30);
            c31 = a23.fma(b1, c31);
            FloatVector a24 = FloatVector.broadcast(F, xp[u + 6]);
            c40 = a24.fma(b0, c40);
            c41 = a24.fma(b1, c41);
            FloatVector a25 = FloatVector.broadcast(F, xp[u + 7]);
            c50 = a25.fma(b0, c50);
            c51 = a25.fma(b1, c51);
            FloatVector a26 = FloatVector.broadcast(F, xp[u + 8]);
            c60 = a26.fma(b0, c60);
            c61 = a26.fma(b1, c61);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
        c40.intoArray(out, oi + 4 * NR);
        c41.intoArray(out, oi + 4 * NR + LANES);
        c50.intoArray(out, oi + 5 * NR);
        c51.intoArray(out, oi + 5 * NR + LANES);
        c60.intoArray(out, oi + 6 * NR);
        c61.intoArray(out, oi + 6 * NR + LANES);
    }

    /** {@link #rowTile4} for runs of 5 adjacent taps, as {@link #tileRuns5}: same sums in the same order. */
    private static void rowTile4Runs5(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                                      float[] out, int oi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        for (int q = 0; q < patch; q += 5, wi += 5 * NR) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a00 = FloatVector.broadcast(F, xp[u]);
            c00 = a00.fma(b0, c00);
            c01 = a00.fma(b1, c01);
            FloatVector a01 = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a01.fma(b0, c10);
            c11 = a01.fma(b1, c11);
            FloatVector a02 = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a02.fma(b0, c20);
            c21 = a02.fma(b1, c21);
            FloatVector a03 = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a03.fma(b0, c30);
            c31 = a03.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 1 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 1 * NR + LANES);
            FloatVector a10 = FloatVector.broadcast(F, xp[u + 1]);
            c00 = a10.fma(b0, c00);
            c01 = a10.fma(b1, c01);
            FloatVector a11 = FloatVector.broadcast(F, xp[u + 2]);
            c10 = a11.fma(b0, c10);
            c11 = a11.fma(b1, c11);
            FloatVector a12 = FloatVector.broadcast(F, xp[u + 3]);
            c20 = a12.fma(b0, c20);
            c21 = a12.fma(b1, c21);
            FloatVector a13 = FloatVector.broadcast(F, xp[u + 4]);
            c30 = a13.fma(b0, c30);
            c31 = a13.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 2 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 2 * NR + LANES);
            FloatVector a20 = FloatVector.broadcast(F, xp[u + 2]);
            c00 = a20.fma(b0, c00);
            c01 = a20.fma(b1, c01);
            FloatVector a21 = FloatVector.broadcast(F, xp[u + 3]);
            c10 = a21.fma(b0, c10);
            c11 = a21.fma(b1, c11);
            FloatVector a22 = FloatVector.broadcast(F, xp[u + 4]);
            c20 = a22.fma(b0, c20);
            c21 = a22.fma(b1, c21);
            FloatVector a23 = FloatVector.broadcast(F, xp[u + 5]);
            c30 = a23.fma(b0, c30);
            c31 = a23.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 3 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 3 * NR + LANES);
            FloatVector a30 = FloatVector.broadcast(F, xp[u + 3]);
            c00 = a30.fma(b0, c00);
            c01 = a30.fma(b1, c01);
            FloatVector a31 = FloatVector.broadcast(F, xp[u + 4]);
            c10 = a31.fma(b0, c10);
            c11 = a31.fma(b1, c11);
            FloatVector a32 = FloatVector.broadcast(F, xp[u + 5]);
            c20 = a32.fma(b0, c20);
            c21 = a32.fma(b1, c21);
            FloatVector a33 = FloatVector.broadcast(F, xp[u + 6]);
            c30 = a33.fma(b0, c30);
            c31 = a33.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 4 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 4 * NR + LANES);
            FloatVector a40 = FloatVector.broadcast(F, xp[u + 4]);
            c00 = a40.fma(b0, c00);
            c01 = a40.fma(b1, c01);
            FloatVector a41 = FloatVector.broadcast(F, xp[u + 5]);
            c10 = a41.fma(b0, c10);
            c11 = a41.fma(b1, c11);
            FloatVector a42 = FloatVector.broadcast(F, xp[u + 6]);
            c20 = a42.fma(b0, c20);
            c21 = a42.fma(b1, c21);
            FloatVector a43 = FloatVector.broadcast(F, xp[u + 7]);
            c30 = a43.fma(b0, c30);
            c31 = a43.fma(b1, c31);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
    }

    /** {@link #rowTile4} for runs of 3 adjacent taps, as {@link #tileRuns3}: same sums in the same order. */
    private static void rowTile4Runs3(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt, int at,
                                      float[] out, int oi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        for (int q = 0; q < patch; q += 3, wi += 3 * NR) {
            int u = at + tapAt[q];
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a00 = FloatVector.broadcast(F, xp[u]);
            c00 = a00.fma(b0, c00);
            c01 = a00.fma(b1, c01);
            FloatVector a01 = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a01.fma(b0, c10);
            c11 = a01.fma(b1, c11);
            FloatVector a02 = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a02.fma(b0, c20);
            c21 = a02.fma(b1, c21);
            FloatVector a03 = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a03.fma(b0, c30);
            c31 = a03.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 1 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 1 * NR + LANES);
            FloatVector a10 = FloatVector.broadcast(F, xp[u + 1]);
            c00 = a10.fma(b0, c00);
            c01 = a10.fma(b1, c01);
            FloatVector a11 = FloatVector.broadcast(F, xp[u + 2]);
            c10 = a11.fma(b0, c10);
            c11 = a11.fma(b1, c11);
            FloatVector a12 = FloatVector.broadcast(F, xp[u + 3]);
            c20 = a12.fma(b0, c20);
            c21 = a12.fma(b1, c21);
            FloatVector a13 = FloatVector.broadcast(F, xp[u + 4]);
            c30 = a13.fma(b0, c30);
            c31 = a13.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 2 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 2 * NR + LANES);
            FloatVector a20 = FloatVector.broadcast(F, xp[u + 2]);
            c00 = a20.fma(b0, c00);
            c01 = a20.fma(b1, c01);
            FloatVector a21 = FloatVector.broadcast(F, xp[u + 3]);
            c10 = a21.fma(b0, c10);
            c11 = a21.fma(b1, c11);
            FloatVector a22 = FloatVector.broadcast(F, xp[u + 4]);
            c20 = a22.fma(b0, c20);
            c21 = a22.fma(b1, c21);
            FloatVector a23 = FloatVector.broadcast(F, xp[u + 5]);
            c30 = a23.fma(b0, c30);
            c31 = a23.fma(b1, c31);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
    }

    /** {@link #crossingTile4} for runs of 5 adjacent taps, as {@link #tileRuns5}: same sums in the same order. */
    private static void crossingTile4Runs5(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt,
                                           int plane0, int[] pixelAt, int p, float[] out, int oi) {
        int d0 = plane0 + pixelAt[p];
        int d1 = plane0 + pixelAt[p + 1];
        int d2 = plane0 + pixelAt[p + 2];
        int d3 = plane0 + pixelAt[p + 3];
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        for (int q = 0; q < patch; q += 5, wi += 5 * NR) {
            int u = tapAt[q];
            int u0 = u + d0;
            int u1 = u + d1;
            int u2 = u + d2;
            int u3 = u + d3;
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a00 = FloatVector.broadcast(F, xp[u0]);
            c00 = a00.fma(b0, c00);
            c01 = a00.fma(b1, c01);
            FloatVector a01 = FloatVector.broadcast(F, xp[u1]);
            c10 = a01.fma(b0, c10);
            c11 = a01.fma(b1, c11);
            FloatVector a02 = FloatVector.broadcast(F, xp[u2]);
            c20 = a02.fma(b0, c20);
            c21 = a02.fma(b1, c21);
            FloatVector a03 = FloatVector.broadcast(F, xp[u3]);
            c30 = a03.fma(b0, c30);
            c31 = a03.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 1 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 1 * NR + LANES);
            FloatVector a10 = FloatVector.broadcast(F, xp[u0 + 1]);
            c00 = a10.fma(b0, c00);
            c01 = a10.fma(b1, c01);
            FloatVector a11 = FloatVector.broadcast(F, xp[u1 + 1]);
            c10 = a11.fma(b0, c10);
            c11 = a11.fma(b1, c11);
            FloatVector a12 = FloatVector.broadcast(F, xp[u2 + 1]);
            c20 = a12.fma(b0, c20);
            c21 = a12.fma(b1, c21);
            FloatVector a13 = FloatVector.broadcast(F, xp[u3 + 1]);
            c30 = a13.fma(b0, c30);
            c31 = a13.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 2 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 2 * NR + LANES);
            FloatVector a20 = FloatVector.broadcast(F, xp[u0 + 2]);
            c00 = a20.fma(b0, c00);
            c01 = a20.fma(b1, c01);
            FloatVector a21 = FloatVector.broadcast(F, xp[u1 + 2]);
            c10 = a21.fma(b0, c10);
            c11 = a21.fma(b1, c11);
            FloatVector a22 = FloatVector.broadcast(F, xp[u2 + 2]);
            c20 = a22.fma(b0, c20);
            c21 = a22.fma(b1, c21);
            FloatVector a23 = FloatVector.broadcast(F, xp[u3 + 2]);
            c30 = a23.fma(b0, c30);
            c31 = a23.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 3 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 3 * NR + LANES);
            FloatVector a30 = FloatVector.broadcast(F, xp[u0 + 3]);
            c00 = a30.fma(b0, c00);
            c01 = a30.fma(b1, c01);
            FloatVector a31 = FloatVector.broadcast(F, xp[u1 + 3]);
            c10 = a31.fma(b0, c10);
            c11 = a31.fma(b1, c11);
            FloatVector a32 = FloatVector.broadcast(F, xp[u2 + 3]);
            c20 = a32.fma(b0, c20);
            c21 = a32.fma(b1, c21);
            FloatVector a33 = FloatVector.broadcast(F, xp[u3 + 3]);
            c30 = a33.fma(b0, c30);
            c31 = a33.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 4 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 4 * NR + LANES);
            FloatVector a40 = FloatVector.broadcast(F, xp[u0 + 4]);
            c00 = a40.fma(b0, c00);
            c01 = a40.fma(b1, c01);
            FloatVector a41 = FloatVector.broadcast(F, xp[u1 + 4]);
            c10 = a41.fma(b0, c10);
            c11 = a41.fma(b1, c11);
            FloatVector a42 = FloatVector.broadcast(F, xp[u2 + 4]);
            c20 = a42.fma(b0, c20);
            c21 = a42.fma(b1, c21);
            FloatVector a43 = FloatVector.broadcast(F, xp[u3 + 4]);
            c30 = a43.fma(b0, c30);
            c31 = a43.fma(b1, c31);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
    }

    /** {@link #crossingTile4} for runs of 3 adjacent taps, as {@link #tileRuns3}: same sums in the same order. */
    private static void crossingTile4Runs3(int patch, float[] wt, int wi, float[] bias, int bi, float[] xp, int[] tapAt,
                                           int plane0, int[] pixelAt, int p, float[] out, int oi) {
        int d0 = plane0 + pixelAt[p];
        int d1 = plane0 + pixelAt[p + 1];
        int d2 = plane0 + pixelAt[p + 2];
        int d3 = plane0 + pixelAt[p + 3];
        FloatVector c00 = FloatVector.fromArray(F, bias, bi);
        FloatVector c01 = FloatVector.fromArray(F, bias, bi + LANES);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        for (int q = 0; q < patch; q += 3, wi += 3 * NR) {
            int u = tapAt[q];
            int u0 = u + d0;
            int u1 = u + d1;
            int u2 = u + d2;
            int u3 = u + d3;
            FloatVector b0 = FloatVector.fromArray(F, wt, wi);
            FloatVector b1 = FloatVector.fromArray(F, wt, wi + LANES);
            FloatVector a00 = FloatVector.broadcast(F, xp[u0]);
            c00 = a00.fma(b0, c00);
            c01 = a00.fma(b1, c01);
            FloatVector a01 = FloatVector.broadcast(F, xp[u1]);
            c10 = a01.fma(b0, c10);
            c11 = a01.fma(b1, c11);
            FloatVector a02 = FloatVector.broadcast(F, xp[u2]);
            c20 = a02.fma(b0, c20);
            c21 = a02.fma(b1, c21);
            FloatVector a03 = FloatVector.broadcast(F, xp[u3]);
            c30 = a03.fma(b0, c30);
            c31 = a03.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 1 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 1 * NR + LANES);
            FloatVector a10 = FloatVector.broadcast(F, xp[u0 + 1]);
            c00 = a10.fma(b0, c00);
            c01 = a10.fma(b1, c01);
            FloatVector a11 = FloatVector.broadcast(F, xp[u1 + 1]);
            c10 = a11.fma(b0, c10);
            c11 = a11.fma(b1, c11);
            FloatVector a12 = FloatVector.broadcast(F, xp[u2 + 1]);
            c20 = a12.fma(b0, c20);
            c21 = a12.fma(b1, c21);
            FloatVector a13 = FloatVector.broadcast(F, xp[u3 + 1]);
            c30 = a13.fma(b0, c30);
            c31 = a13.fma(b1, c31);
            b0 = FloatVector.fromArray(F, wt, wi + 2 * NR);
            b1 = FloatVector.fromArray(F, wt, wi + 2 * NR + LANES);
            FloatVector a20 = FloatVector.broadcast(F, xp[u0 + 2]);
            c00 = a20.fma(b0, c00);
            c01 = a20.fma(b1, c01);
            FloatVector a21 = FloatVector.broadcast(F, xp[u1 + 2]);
            c10 = a21.fma(b0, c10);
            c11 = a21.fma(b1, c11);
            FloatVector a22 = FloatVector.broadcast(F, xp[u2 + 2]);
            c20 = a22.fma(b0, c20);
            c21 = a22.fma(b1, c21);
            FloatVector a23 = FloatVector.broadcast(F, xp[u3 + 2]);
            c30 = a23.fma(b0, c30);
            c31 = a23.fma(b1, c31);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + LANES);
        c10.intoArray(out, oi + NR);
        c11.intoArray(out, oi + NR + LANES);
        c20.intoArray(out, oi + 2 * NR);
        c21.intoArray(out, oi + 2 * NR + LANES);
        c30.intoArray(out, oi + 3 * NR);
        c31.intoArray(out, oi + 3 * NR + LANES);
    }
}
