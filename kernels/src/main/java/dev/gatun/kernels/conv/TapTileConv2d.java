package dev.gatun.kernels.conv;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.ThreadFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/*
 * Backward weight (ConvShape shapes, float32 NCHW, dilation 1 along rows) as register tiles of
 * NR output channels × TAPS adjacent taps of one kernel row, the input read in place:
 *   dw[o, c, i, j0 + t] = Σ_{n, p} dyᵀ[n, p, o]·xp[n, c, i·dH + oh(p)·sH, j0 + t + ow(p)·sW]
 * for t < TAPS, summed over images n and output pixels p = (oh, ow) in that order. xp is x with
 * its zero border made explicit (all of an image's channels, image pitch inC·hp·wp), dyᵀ is dy
 * with the channels innermost, a sliver of NR channels at a time ([n][sliver][p][NR], zero past
 * a group's channels; gathered from a copy of the image's dy). Per pixel, the tile loads V
 * vectors of dyᵀ and broadcasts TAPS floats of xp at constant offsets from one index (one range
 * check) into V·TAPS FMAs; the pixel's xp offset comes from a table.
 *  - With 32 vector registers (512-bit), V = 4: 20 accumulators, 4 dy vectors and a broadcast;
 *    V = 2 where a group has at most two vectors of channels (conv1's 32: none wasted).
 *  - With 16, V = 2: 10 accumulators.
 *  - At stride 1 along rows of even width, the K loop takes two adjacent pixels a pass, the
 *    second written out at offset + 1: one table load and range check for 2·V·TAPS FMAs.
 * A row of kW taps takes ceil(kW / TAPS) tiles; taps past its end read valid xp (a slack of TAPS
 * floats past the last image) and are dropped.
 *
 * Against the implicit GEMM (Sgemm over ColumnPanels, op(B) = colᵀ) nothing is packed: with the
 * CNN sample's conv2 (64 channels, so M = 64) the GEMM spent a fifth of the pass gathering colᵀ
 * for 64 multiply-adds a float. Intel Xeon (AVX-512, 2 cores), ConvBenchmark conv2 backward
 * weight with the bias gradient, GFLOP/s: 512-bit 212-218 -> 256, 256-bit 155 -> 182 (pairs and
 * the gathered transposition of dy took it from 217 and 242). On one core the pair tile runs at
 * ~150 GFLOP/s with its data in L1, the single-pixel tile at ~142.
 *
 * Every dw element is one accumulator's chain of FMAs from zero over (n, p) in order: the tile's
 * sums go to a per-call array between blocks of pixels and come back unchanged, and tiles go to
 * threads whole, so the result depends on neither the thread count nor the blocking. Images go
 * in chunks of at most CHUNK_FLOATS floats of scratch (padded planes and dyᵀ), each prepared in
 * parallel over images, then its tiles in parallel over ranges of tiles; a range takes an
 * image's pixels a block at a time, so the block's dyᵀ stays in L1 across the range's tiles.
 * With fewer than MIN_SHARED_TILES tiles (conv1 has 5) the threads share out parts of
 * PART_IMAGES images instead, each part summing into its own copy of the sums, added in part
 * order at the end: a chain per part, the parts fixed by the shape, so again the same bits on
 * any number of threads. conv1's dy (32 channels for 1 input channel) is as big as its padded
 * input, so transposing it costs a third of that pass.
 */
final class TapTileConv2d {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final int LANES = F.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Adjacent taps of a kernel row per tile. */
    static final int TAPS = 5;
    /** Most vectors of output channels per tile: 4 with 32 vector registers (512-bit), else 2 (see {@link #vectors}). */
    static final int V = Simd.FLOAT_LANES >= 16 ? 4 : 2;
    /** Output channels per tile of 4 and of 2 vectors. */
    private static final int NR4 = 4 * LANES;
    private static final int NR2 = 2 * LANES;
    /** Fewest tiles for which the tiles are shared out among the threads rather than the images. */
    static final int MIN_SHARED_TILES = 64;
    /** Images per part where the images are shared out instead. */
    static final int PART_IMAGES = 4;
    /** Most floats of scratch per chunk of images (8 MiB), shared by the threads. */
    static final long CHUNK_FLOATS = 1L << 21;
    /** Most floats of one sliver's dyᵀ per block of pixels: 24 KiB, half of a 48 KiB L1d. */
    static final int BLOCK_FLOATS = 6144;
    /** Ranges of tiles per thread: fewer ranges stream each block of dyᵀ into fewer L2s. */
    static final int RANGES_PER_THREAD = 2;
    /** The calling thread's padded planes, dyᵀ and tile sums; its workers use them only during the call. */
    private static final ThreadFloats SCRATCH = new ThreadFloats(4);
    private static final int PADDED = 0;
    private static final int DY_T = 1;
    private static final int SUMS = 2;
    private static final int DY_IMAGE = 3;

    private TapTileConv2d() {}

    /** Adjacent taps along a kernel row are adjacent floats of xp: dilation 1 along rows. */
    static boolean supports(ConvShape s) {
        return s.dilationW() == 1;
    }

    /** Fraction of the multiply-adds spent on lanes past a group's channels or taps past a kernel row. */
    static double waste(ConvShape s) {
        int og = s.groupOut();
        int kw = s.kernelW();
        int nr = vectors(s) * LANES;
        double used = (double) og * kw;
        double lanes = (double) Math.ceilDiv(og, nr) * nr * Math.ceilDiv(kw, TAPS) * TAPS;
        return 1 - used / lanes;
    }

    /** dw (overwritten) only, on checked arguments with {@link #supports}; the caller computes the bias gradient. */
    static void backwardWeight(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                               MemorySegment dw, long dwOff) {
        int nr = vectors(s) * LANES;
        long perImage = (long) s.inChannels() * (s.inH() + 2 * s.padH()) * (s.inW() + 2 * s.padW())
                + (long) s.groups() * Math.ceilDiv(s.groupOut(), nr) * nr * s.outPlane();
        int chunk = (int) Math.max(1, Math.min(s.batch(), CHUNK_FLOATS / perImage));
        backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff, chunk, Math.max(2, BLOCK_FLOATS / nr));
    }

    /** Vectors of output channels per tile for s: 4 with 32 registers unless a group has at most 2 vectors' worth, else 2. */
    static int vectors(ConvShape s) {
        return V == 4 && s.groupOut() > 2 * LANES ? 4 : 2;
    }

    /** Tiles of s: per group, slivers of output channels × input channels × kernel rows × runs of TAPS taps. */
    static int tiles(ConvShape s) {
        return s.groups() * Math.ceilDiv(s.groupOut(), vectors(s) * LANES) * s.groupIn() * s.kernelH()
                * Math.ceilDiv(s.kernelW(), TAPS);
    }

    /**
     * {@link #backwardWeight} with {@code chunk} images per chunk and blocks of about {@code
     * pixels} output pixels (equal blocks, even where pixels go in pairs), so tests reach uneven
     * splits; the result is the same bit for bit whatever the two.
     */
    static void backwardWeight(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                               MemorySegment dw, long dwOff, int chunk, int pixels) {
        int og = s.groupOut();
        int plane = s.outPlane();
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        boolean four = vectors(s) == 4;
        int nr = vectors(s) * LANES;
        int slivers = Math.ceilDiv(og, nr);
        Tile[] grid = grid(s, nr);
        int tiles = grid.length;
        // Too few tiles to share out: the images go in parts of PART_IMAGES, each part's sums its
        // own, added in part order at the end; the parts depend only on the shape.
        int partImages = tiles >= MIN_SHARED_TILES ? s.batch() : PART_IMAGES;
        int parts = Math.ceilDiv(s.batch(), partImages);
        int partFloats = Math.multiplyExact(tiles, TAPS * nr);
        int sumFloats = Math.multiplyExact(parts, partFloats);
        float[] sums = SCRATCH.get(SUMS, sumFloats);
        Arrays.fill(sums, 0, sumFloats, 0f);
        int imagePitch = Math.multiplyExact(s.inChannels(), hp * wp);
        int dyPitch = Math.multiplyExact(s.groups() * slivers * nr, plane);
        float[] xp = SCRATCH.get(PADDED, Math.addExact(Math.multiplyExact(chunk, imagePitch), TAPS));
        float[] dyt = SCRATCH.get(DY_T, Math.multiplyExact(chunk, dyPitch));
        // pixelAt[p]: output pixel p's offset into its image's padded planes.
        int[] pixelAt = new int[plane];
        for (int oh = 0, p = 0; oh < s.outH(); oh++) {
            for (int ow = 0; ow < s.outW(); ow++, p++) {
                pixelAt[p] = oh * s.strideH() * wp + ow * s.strideW();
            }
        }
        // The gathers of transposeDy: lane l reads channel l's plane.
        int[] channelAt = new int[LANES];
        for (int l = 0; l < LANES; l++) {
            channelAt[l] = l * plane;
        }
        // Pairs of adjacent pixels never straddle a row: stride 1 along rows of even width.
        boolean pairs = s.strideW() == 1 && s.outW() % 2 == 0;
        // Equal blocks of pixels (even with pairs): a last one of a few pixels would pay a tile's loads and stores for little.
        int equal = Math.ceilDiv(plane, Math.ceilDiv(plane, pixels));
        int block = pairs ? equal + equal % 2 : equal;
        int ranges = parts > 1 ? 1 : Math.min(tiles, Parallel.THREADS * RANGES_PER_THREAD);
        for (int first = 0; first < s.batch(); first += chunk) {
            int images = Math.min(chunk, s.batch() - first);
            int from = first;
            Conv2d.forImages(images, n -> {
                DirectConv2d.padInto(s, x, xOff + (long) (from + n) * s.inChannels() * s.inPlane(), hp, wp, xp, n * imagePitch);
                transposeDy(s, dy, dyOff + (long) (from + n) * s.outChannels() * plane, dyt, n * dyPitch, slivers, nr,
                        channelAt);
            });
            // The parts this chunk's images fall in, each with its ranges of tiles.
            int part0 = from / partImages;
            int partCount = (from + images - 1) / partImages - part0 + 1;
            Parallel.forEach(partCount * ranges, task -> {
                int part = part0 + task / ranges;
                int r = task % ranges;
                int t0 = tiles * r / ranges;
                int t1 = tiles * (r + 1) / ranges;
                int n0 = Math.max(from, part * partImages) - from;
                int n1 = Math.min(from + images, (part + 1) * partImages) - from;
                for (int n = n0; n < n1; n++) {
                    for (int p0 = 0; p0 < plane; p0 += block) {
                        int p1 = Math.min(plane, p0 + block);
                        for (int t = t0; t < t1; t++) {
                            int at = n * imagePitch + grid[t].xpAt();
                            int d = n * dyPitch + grid[t].dyAt() + p0 * nr;
                            int si = part * partFloats + t * TAPS * nr;
                            if (four && pairs) {
                                tile4Pairs(xp, at, pixelAt, p0, p1, dyt, d, sums, si);
                            } else if (four) {
                                tile4(xp, at, pixelAt, p0, p1, dyt, d, sums, si);
                            } else if (pairs) {
                                tile2Pairs(xp, at, pixelAt, p0, p1, dyt, d, sums, si);
                            } else {
                                tile2(xp, at, pixelAt, p0, p1, dyt, d, sums, si);
                            }
                        }
                    }
                }
            });
        }
        for (int part = 1; part < parts; part++) {
            for (int k = 0; k < partFloats; k++) {
                sums[k] += sums[part * partFloats + k];
            }
        }
        int patch = s.patch();
        for (int t = 0; t < tiles; t++) {
            Tile tile = grid[t];
            for (int j = 0; j < tile.taps(); j++) {
                for (int l = 0; l < tile.lanes(); l++) {
                    dw.setAtIndex(FLOAT, dwOff + tile.dwAt() + (long) l * patch + j, sums[(t * TAPS + j) * nr + l]);
                }
            }
        }
    }

    /**
     * Where tile t reads and writes: its first tap's offset into an image's padded planes, its
     * sliver's offset into an image's dyᵀ, dw's index of its first channel and tap, and how many
     * of its lanes and taps are real (the rest lie past a group's channels or a kernel row).
     */
    private record Tile(int xpAt, int dyAt, long dwAt, int lanes, int taps) {}

    /**
     * The tiles of s with nr channels each, in the order ((g·slivers + sl)·cg + c)·kh + i, then
     * the runs of a kernel row.
     */
    private static Tile[] grid(ConvShape s, int nr) {
        int og = s.groupOut();
        int cg = s.groupIn();
        int kw = s.kernelW();
        int wp = s.inW() + 2 * s.padW();
        int hp = s.inH() + 2 * s.padH();
        int plane = s.outPlane();
        Tile[] grid = new Tile[tiles(s)];
        int t = 0;
        for (int g = 0; g < s.groups(); g++) {
            for (int o0 = 0; o0 < og; o0 += nr) {
                int sliverAt = g * Math.ceilDiv(og, nr) + o0 / nr;
                for (int c = 0; c < cg; c++) {
                    for (int i = 0; i < s.kernelH(); i++) {
                        for (int j0 = 0; j0 < kw; j0 += TAPS) {
                            grid[t++] = new Tile(((g * cg + c) * hp + i * s.dilationH()) * wp + j0, sliverAt * plane * nr,
                                    (long) (g * og + o0) * s.patch() + (c * s.kernelH() + i) * kw + j0,
                                    Math.min(nr, og - o0), Math.min(TAPS, kw - j0));
                        }
                    }
                }
            }
        }
        return grid;
    }

    /**
     * One image's dy [outChannels, plane] into dyt at {@code at} as [group·slivers + sliver][plane][NR],
     * zero past og: the image's dy copied whole into this thread's buffer, then each vector of
     * dyt gathered from LANES channels' planes (index map channelAt: lane l at l·plane).
     */
    private static void transposeDy(ConvShape s, MemorySegment dy, long dyOff, float[] dyt, int at, int slivers, int nr,
                                    int[] channelAt) {
        int plane = s.outPlane();
        int og = s.groupOut();
        int floats = s.outChannels() * plane;
        float[] image = SCRATCH.get(DY_IMAGE, floats);
        MemorySegment.copy(dy, FLOAT, dyOff * Float.BYTES, image, 0, floats);
        for (int g = 0; g < s.groups(); g++) {
            for (int sl = 0; sl < slivers; sl++) {
                int base = at + (g * slivers + sl) * plane * nr;
                int o0 = g * og + sl * nr;
                int lanes = Math.min(nr, og - sl * nr);
                if (lanes < nr) {
                    Arrays.fill(dyt, base, base + plane * nr, 0f);
                    for (int l = 0; l < lanes; l++) {
                        for (int p = 0; p < plane; p++) {
                            dyt[base + p * nr + l] = image[(o0 + l) * plane + p];
                        }
                    }
                    continue;
                }
                for (int p = 0; p < plane; p++) {
                    for (int v = 0; v < nr / LANES; v++) {
                        FloatVector.fromArray(F, image, (o0 + v * LANES) * plane + p, channelAt, 0)
                                .intoArray(dyt, base + p * nr + v * LANES);
                    }
                }
            }
        }
    }

    /**
     * 4 vectors × 5 taps: sums[si + t·NR + l] += Σ over pixels p in [p0, p1) of
     * xp[at + pixelAt[p] + t]·dyt[d + (p - p0)·NR + l], pixels in order.
     */
    private static void tile4(float[] xp, int at, int[] pixelAt, int p0, int p1, float[] dyt, int d, float[] sums, int si) {
        FloatVector c00 = FloatVector.fromArray(F, sums, si);
        FloatVector c01 = FloatVector.fromArray(F, sums, si + LANES);
        FloatVector c02 = FloatVector.fromArray(F, sums, si + 2 * LANES);
        FloatVector c03 = FloatVector.fromArray(F, sums, si + 3 * LANES);
        FloatVector c10 = FloatVector.fromArray(F, sums, si + NR4);
        FloatVector c11 = FloatVector.fromArray(F, sums, si + NR4 + LANES);
        FloatVector c12 = FloatVector.fromArray(F, sums, si + NR4 + 2 * LANES);
        FloatVector c13 = FloatVector.fromArray(F, sums, si + NR4 + 3 * LANES);
        FloatVector c20 = FloatVector.fromArray(F, sums, si + 2 * NR4);
        FloatVector c21 = FloatVector.fromArray(F, sums, si + 2 * NR4 + LANES);
        FloatVector c22 = FloatVector.fromArray(F, sums, si + 2 * NR4 + 2 * LANES);
        FloatVector c23 = FloatVector.fromArray(F, sums, si + 2 * NR4 + 3 * LANES);
        FloatVector c30 = FloatVector.fromArray(F, sums, si + 3 * NR4);
        FloatVector c31 = FloatVector.fromArray(F, sums, si + 3 * NR4 + LANES);
        FloatVector c32 = FloatVector.fromArray(F, sums, si + 3 * NR4 + 2 * LANES);
        FloatVector c33 = FloatVector.fromArray(F, sums, si + 3 * NR4 + 3 * LANES);
        FloatVector c40 = FloatVector.fromArray(F, sums, si + 4 * NR4);
        FloatVector c41 = FloatVector.fromArray(F, sums, si + 4 * NR4 + LANES);
        FloatVector c42 = FloatVector.fromArray(F, sums, si + 4 * NR4 + 2 * LANES);
        FloatVector c43 = FloatVector.fromArray(F, sums, si + 4 * NR4 + 3 * LANES);
        for (int p = p0; p < p1; p++, d += NR4) {
            int u = at + pixelAt[p];
            FloatVector a;
            FloatVector b0 = FloatVector.fromArray(F, dyt, d);
            FloatVector b1 = FloatVector.fromArray(F, dyt, d + LANES);
            FloatVector b2 = FloatVector.fromArray(F, dyt, d + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(F, dyt, d + 3 * LANES);
            a = FloatVector.broadcast(F, xp[u]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(F, xp[u + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
        }
        c00.intoArray(sums, si);
        c01.intoArray(sums, si + LANES);
        c02.intoArray(sums, si + 2 * LANES);
        c03.intoArray(sums, si + 3 * LANES);
        c10.intoArray(sums, si + NR4);
        c11.intoArray(sums, si + NR4 + LANES);
        c12.intoArray(sums, si + NR4 + 2 * LANES);
        c13.intoArray(sums, si + NR4 + 3 * LANES);
        c20.intoArray(sums, si + 2 * NR4);
        c21.intoArray(sums, si + 2 * NR4 + LANES);
        c22.intoArray(sums, si + 2 * NR4 + 2 * LANES);
        c23.intoArray(sums, si + 2 * NR4 + 3 * LANES);
        c30.intoArray(sums, si + 3 * NR4);
        c31.intoArray(sums, si + 3 * NR4 + LANES);
        c32.intoArray(sums, si + 3 * NR4 + 2 * LANES);
        c33.intoArray(sums, si + 3 * NR4 + 3 * LANES);
        c40.intoArray(sums, si + 4 * NR4);
        c41.intoArray(sums, si + 4 * NR4 + LANES);
        c42.intoArray(sums, si + 4 * NR4 + 2 * LANES);
        c43.intoArray(sums, si + 4 * NR4 + 3 * LANES);
    }

    /** {@link #tile4} two adjacent pixels of a row at a time (stride 1, p0 and p1 even, rows of even width). */
    private static void tile4Pairs(float[] xp, int at, int[] pixelAt, int p0, int p1, float[] dyt, int d, float[] sums, int si) {
        FloatVector c00 = FloatVector.fromArray(F, sums, si);
        FloatVector c01 = FloatVector.fromArray(F, sums, si + LANES);
        FloatVector c02 = FloatVector.fromArray(F, sums, si + 2 * LANES);
        FloatVector c03 = FloatVector.fromArray(F, sums, si + 3 * LANES);
        FloatVector c10 = FloatVector.fromArray(F, sums, si + NR4);
        FloatVector c11 = FloatVector.fromArray(F, sums, si + NR4 + LANES);
        FloatVector c12 = FloatVector.fromArray(F, sums, si + NR4 + 2 * LANES);
        FloatVector c13 = FloatVector.fromArray(F, sums, si + NR4 + 3 * LANES);
        FloatVector c20 = FloatVector.fromArray(F, sums, si + 2 * NR4);
        FloatVector c21 = FloatVector.fromArray(F, sums, si + 2 * NR4 + LANES);
        FloatVector c22 = FloatVector.fromArray(F, sums, si + 2 * NR4 + 2 * LANES);
        FloatVector c23 = FloatVector.fromArray(F, sums, si + 2 * NR4 + 3 * LANES);
        FloatVector c30 = FloatVector.fromArray(F, sums, si + 3 * NR4);
        FloatVector c31 = FloatVector.fromArray(F, sums, si + 3 * NR4 + LANES);
        FloatVector c32 = FloatVector.fromArray(F, sums, si + 3 * NR4 + 2 * LANES);
        FloatVector c33 = FloatVector.fromArray(F, sums, si + 3 * NR4 + 3 * LANES);
        FloatVector c40 = FloatVector.fromArray(F, sums, si + 4 * NR4);
        FloatVector c41 = FloatVector.fromArray(F, sums, si + 4 * NR4 + LANES);
        FloatVector c42 = FloatVector.fromArray(F, sums, si + 4 * NR4 + 2 * LANES);
        FloatVector c43 = FloatVector.fromArray(F, sums, si + 4 * NR4 + 3 * LANES);
        for (int p = p0; p < p1; p += 2, d += 2 * NR4) {
            int u = at + pixelAt[p];
            FloatVector a;
            FloatVector b0 = FloatVector.fromArray(F, dyt, d);
            FloatVector b1 = FloatVector.fromArray(F, dyt, d + LANES);
            FloatVector b2 = FloatVector.fromArray(F, dyt, d + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(F, dyt, d + 3 * LANES);
            a = FloatVector.broadcast(F, xp[u]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(F, xp[u + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(F, xp[u + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(F, xp[u + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(F, xp[u + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
            b0 = FloatVector.fromArray(F, dyt, d + NR4);
            b1 = FloatVector.fromArray(F, dyt, d + NR4 + LANES);
            b2 = FloatVector.fromArray(F, dyt, d + NR4 + 2 * LANES);
            b3 = FloatVector.fromArray(F, dyt, d + NR4 + 3 * LANES);
            a = FloatVector.broadcast(F, xp[u + 1]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(F, xp[u + 2]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(F, xp[u + 3]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(F, xp[u + 4]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(F, xp[u + 5]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
        }
        c00.intoArray(sums, si);
        c01.intoArray(sums, si + LANES);
        c02.intoArray(sums, si + 2 * LANES);
        c03.intoArray(sums, si + 3 * LANES);
        c10.intoArray(sums, si + NR4);
        c11.intoArray(sums, si + NR4 + LANES);
        c12.intoArray(sums, si + NR4 + 2 * LANES);
        c13.intoArray(sums, si + NR4 + 3 * LANES);
        c20.intoArray(sums, si + 2 * NR4);
        c21.intoArray(sums, si + 2 * NR4 + LANES);
        c22.intoArray(sums, si + 2 * NR4 + 2 * LANES);
        c23.intoArray(sums, si + 2 * NR4 + 3 * LANES);
        c30.intoArray(sums, si + 3 * NR4);
        c31.intoArray(sums, si + 3 * NR4 + LANES);
        c32.intoArray(sums, si + 3 * NR4 + 2 * LANES);
        c33.intoArray(sums, si + 3 * NR4 + 3 * LANES);
        c40.intoArray(sums, si + 4 * NR4);
        c41.intoArray(sums, si + 4 * NR4 + LANES);
        c42.intoArray(sums, si + 4 * NR4 + 2 * LANES);
        c43.intoArray(sums, si + 4 * NR4 + 3 * LANES);
    }

    /**
     * 2 vectors × 5 taps: sums[si + t·NR + l] += Σ over pixels p in [p0, p1) of
     * xp[at + pixelAt[p] + t]·dyt[d + (p - p0)·NR + l], pixels in order.
     */
    private static void tile2(float[] xp, int at, int[] pixelAt, int p0, int p1, float[] dyt, int d, float[] sums, int si) {
        FloatVector c00 = FloatVector.fromArray(F, sums, si);
        FloatVector c01 = FloatVector.fromArray(F, sums, si + LANES);
        FloatVector c10 = FloatVector.fromArray(F, sums, si + NR2);
        FloatVector c11 = FloatVector.fromArray(F, sums, si + NR2 + LANES);
        FloatVector c20 = FloatVector.fromArray(F, sums, si + 2 * NR2);
        FloatVector c21 = FloatVector.fromArray(F, sums, si + 2 * NR2 + LANES);
        FloatVector c30 = FloatVector.fromArray(F, sums, si + 3 * NR2);
        FloatVector c31 = FloatVector.fromArray(F, sums, si + 3 * NR2 + LANES);
        FloatVector c40 = FloatVector.fromArray(F, sums, si + 4 * NR2);
        FloatVector c41 = FloatVector.fromArray(F, sums, si + 4 * NR2 + LANES);
        for (int p = p0; p < p1; p++, d += NR2) {
            int u = at + pixelAt[p];
            FloatVector a;
            FloatVector b0 = FloatVector.fromArray(F, dyt, d);
            FloatVector b1 = FloatVector.fromArray(F, dyt, d + LANES);
            a = FloatVector.broadcast(F, xp[u]);
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
        }
        c00.intoArray(sums, si);
        c01.intoArray(sums, si + LANES);
        c10.intoArray(sums, si + NR2);
        c11.intoArray(sums, si + NR2 + LANES);
        c20.intoArray(sums, si + 2 * NR2);
        c21.intoArray(sums, si + 2 * NR2 + LANES);
        c30.intoArray(sums, si + 3 * NR2);
        c31.intoArray(sums, si + 3 * NR2 + LANES);
        c40.intoArray(sums, si + 4 * NR2);
        c41.intoArray(sums, si + 4 * NR2 + LANES);
    }

    /** {@link #tile2} two adjacent pixels of a row at a time (stride 1, p0 and p1 even, rows of even width). */
    private static void tile2Pairs(float[] xp, int at, int[] pixelAt, int p0, int p1, float[] dyt, int d, float[] sums, int si) {
        FloatVector c00 = FloatVector.fromArray(F, sums, si);
        FloatVector c01 = FloatVector.fromArray(F, sums, si + LANES);
        FloatVector c10 = FloatVector.fromArray(F, sums, si + NR2);
        FloatVector c11 = FloatVector.fromArray(F, sums, si + NR2 + LANES);
        FloatVector c20 = FloatVector.fromArray(F, sums, si + 2 * NR2);
        FloatVector c21 = FloatVector.fromArray(F, sums, si + 2 * NR2 + LANES);
        FloatVector c30 = FloatVector.fromArray(F, sums, si + 3 * NR2);
        FloatVector c31 = FloatVector.fromArray(F, sums, si + 3 * NR2 + LANES);
        FloatVector c40 = FloatVector.fromArray(F, sums, si + 4 * NR2);
        FloatVector c41 = FloatVector.fromArray(F, sums, si + 4 * NR2 + LANES);
        for (int p = p0; p < p1; p += 2, d += 2 * NR2) {
            int u = at + pixelAt[p];
            FloatVector a;
            FloatVector b0 = FloatVector.fromArray(F, dyt, d);
            FloatVector b1 = FloatVector.fromArray(F, dyt, d + LANES);
            a = FloatVector.broadcast(F, xp[u]);
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
            b0 = FloatVector.fromArray(F, dyt, d + NR2);
            b1 = FloatVector.fromArray(F, dyt, d + NR2 + LANES);
            a = FloatVector.broadcast(F, xp[u + 1]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, xp[u + 2]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, xp[u + 3]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, xp[u + 4]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, xp[u + 5]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
        }
        c00.intoArray(sums, si);
        c01.intoArray(sums, si + LANES);
        c10.intoArray(sums, si + NR2);
        c11.intoArray(sums, si + NR2 + LANES);
        c20.intoArray(sums, si + 2 * NR2);
        c21.intoArray(sums, si + 2 * NR2 + LANES);
        c30.intoArray(sums, si + 3 * NR2);
        c31.intoArray(sums, si + 3 * NR2 + LANES);
        c40.intoArray(sums, si + 4 * NR2);
        c41.intoArray(sums, si + 4 * NR2 + LANES);
    }
}
