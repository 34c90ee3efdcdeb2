package dev.gatun.kernels.conv;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.Simd;
import dev.gatun.kernels.gemm.Sgemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * 2-D convolution, NCHW, float32 (shapes in ConvShape): the entry points, and the choice of method.
 *   forward:        x, w, b -> y        y[n, o] = Σ_{c,i,j} w[o, c, i, j]·x[n, c, ·+i, ·+j] + b[o]
 *   backwardData:   dy, w -> dx         dx = col2im(Wᵀ·dY), at stride 1 a forward conv of dy (below)
 *   backwardWeight: x, dy -> dw, db     dw = Σ_n dY_n·col_nᵀ,  db[o] = Σ_{n,pixels} dy[n, o]
 * Per group g, W_g is the [outC/G, patch] block of w and col_g the im2col of group g's channels
 * (patch = inC/G·kH·kW, the GEMM depth).
 *
 * Methods, tried in this order (the measurements behind each rule are in
 * bench/results/conv2d-kernel-journal.md):
 *  - Tap tiles (TapTileConv2d), backward weight at dilation 1 along rows, where padding a group's
 *    output channels and kernel rows to whole tiles wastes at most TAP_TILE_MAX_WASTE: the input
 *    read in place, nothing packed. On 2 Xeon cores (AVX-512), conv2 backward weight 212-218 ->
 *    256 GFLOP/s at 512 bits and 155 -> 182 at 256 (against the implicit GEMM), conv1's 42 -> 60
 *    (against direct).
 *  - Direct (DirectConv2d), forward and backward weight at stride 1 with patch <= DIRECT_MAX_PATCH:
 *    a GEMM of depth 25 spends its time packing; deeper, direct falls behind for want of register
 *    blocking over input channels.
 *  - Pixel tiles (PixelTileConv2d), other stride-1 forward passes and the flipped backward data:
 *    the input read in place, vectors along output channels. At 512 bits (32 registers hold a
 *    7-pixel tile) where padding the group's output channels to whole tiles wastes at most
 *    PIXEL_TILE_MAX_WASTE of the lanes (conv2 forward 300 -> 364 GFLOP/s, backward data 266 ->
 *    363, measured on 2 Xeon cores). Below, with 4-pixel tiles, only where row tiles would run
 *    and waste more lanes on short rows than pixel tiles do on channels, by more than the pixel
 *    tile's dearer multiply-add (PIXEL_TILE_FMA_COST): the CNN sample's conv2 and the ResNet
 *    3×3 layers, 5-21% faster on one Zen 3 core.
 *  - Row tiles (RowTileConv2d), other stride-1 forward passes and the flipped backward data, while
 *    the last tile of a row wastes at most ROW_TILE_MAX_WASTE of its lanes and a group has at
 *    most ROW_TILE_MAX_OUT output channels: the register tile reads the padded input in place,
 *    so only the weights are packed (conv2 forward 9.4 -> 8.8 ms, backward data 11.1 -> 9.0).
 *  - Implicit GEMM (ColumnPanels packing Sgemm's slivers straight from padded input planes), the
 *    other forward and backward-weight passes: no column matrix is stored (conv2 forward and
 *    backward weight 27-33 -> 18-19 ms on one thread).
 *  - Backward data at stride 1 with padding <= dilation·(kernel − 1) and at least
 *    FLIPPED_MIN_GROUP_IN input channels per group: the forward convolution of dy with the
 *    weights flipped and transposed per group, by the forward's rules above; with fewer
 *    channels the flipped GEMM's M is too thin.
 *  - Other backward data: Wᵀ·dY into a stored column matrix, a chunk of images at a time, capped at
 *    COLUMN_FLOATS so that it stays in L3 until col2im adds it back.
 * Sgemm splits each chunk's GEMM over the threads; padding, col2im, gathers and scatters take
 * contiguous ranges of images per thread. Scratch is per calling thread and reused: off-heap
 * matrices (Sgemm reads them faster), float[] padded planes (the packer's loads and gathers).
 *
 * The scalar twins are direct 7-loop convolutions accumulated in double and rounded once, the
 * reference both fast paths are tested against (they sum in float, in other orders: relative
 * error ~1e-7 per term summed).
 */
/** 2-D convolution of NCHW float32 tensors, forward and both gradients, with scalar twins. */
public final class Conv2d {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    static final long COLUMN_FLOATS = 1L << 21;
    /** Fewest input channels per group (the flipped GEMM's M) for which backward data runs as a forward convolution (see the header). */
    static final int FLIPPED_MIN_GROUP_IN = 32;
    /** Largest share of row-tile lanes past outW for which a stride-1 forward convolution runs as row tiles (see the header). */
    static final double ROW_TILE_MAX_WASTE = 0.125;
    /** Most output channels per group for which it does. */
    static final int ROW_TILE_MAX_OUT = 64;
    /** Largest share of pixel-tile lanes past the group's output channels for which a stride-1 forward convolution runs as pixel tiles. */
    static final double PIXEL_TILE_MAX_WASTE = 0.25;
    /** Below 512 bits, a pixel tile's multiply-add against a row tile's (see the header). */
    static final double PIXEL_TILE_FMA_COST = 1.07;
    /** Largest share of tap-tile multiply-adds on lanes past a group's channels or taps past a kernel row for which backward weight runs as tap tiles. */
    static final double TAP_TILE_MAX_WASTE = 0.25;
    /** Image ranges per thread in forImages: enough to rebalance around a slowed core, few enough that each is many tiles. */
    static final int IMAGE_TASKS_PER_THREAD = 4;
    /** Largest GEMM depth (groupIn·kH·kW) for which the direct kernel runs instead (see the header). */
    static final int DIRECT_MAX_PATCH = 32;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Conv2d() {}

    /**
     * y = conv(x, w) + b (b may be null). Offsets in floats; y is overwritten.
     *
     * @param s the convolution's sizes
     * @param x the input [batch, inChannels, inH, inW]
     * @param xOff offset of x's first element, in floats
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param wOff offset of w's first element, in floats
     * @param b the bias [outChannels], or null for none
     * @param bOff offset of b's first element, in floats (ignored when b is null)
     * @param y the output [batch, outChannels, outH, outW], overwritten
     * @param yOff offset of y's first element, in floats
     */
    public static void forward(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                               MemorySegment b, long bOff, MemorySegment y, long yOff) {
        if (!Simd.ENABLED) {
            forwardScalar(s, x, xOff, w, wOff, b, bOff, y, yOff);
            return;
        }
        checkForward(s, x, xOff, w, wOff, b, bOff, y, yOff);
        if (direct(s)) {
            DirectConv2d.forward(s, x, xOff, w, wOff, b, bOff, y, yOff);
            return;
        }
        forwardBy(tiling(s), s, x, xOff, w, wOff, b, bOff, y, yOff);
    }

    /** How a forward convolution that is not direct runs (see the header). */
    enum Tiling {
        PIXEL_TILES,
        ROW_TILES,
        IMPLICIT_GEMM
    }

    /** The method for s by the header's rules. */
    static Tiling tiling(ConvShape s) {
        if (pixelTile(s)) {
            return Tiling.PIXEL_TILES;
        }
        return rowTile(s) ? Tiling.ROW_TILES : Tiling.IMPLICIT_GEMM;
    }

    /** {@link #forward} on checked arguments by the given method. */
    static void forwardBy(Tiling tiling, ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                          MemorySegment b, long bOff, MemorySegment y, long yOff) {
        switch (tiling) {
            case PIXEL_TILES -> PixelTileConv2d.forward(s, x, xOff, w, wOff, b, bOff, y, yOff);
            case ROW_TILES -> RowTileConv2d.forward(s, x, xOff, w, wOff, b, bOff, y, yOff);
            case IMPLICIT_GEMM -> forwardImplicit(s, x, xOff, w, wOff, b, bOff, y, yOff, implicitChunk(s));
        }
    }

    /** {@link #forward} on checked arguments as an implicit GEMM ({@link ColumnPanels}), {@code chunk} images per GEMM. */
    static void forwardImplicit(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                                MemorySegment b, long bOff, MemorySegment y, long yOff, int chunk) {
        int plane = s.outPlane();
        int og = s.groupOut();
        int patch = s.patch();
        Scratch scratch = SCRATCH.get();
        ColumnPanels panels = scratch.panels;
        MemorySegment out = scratch.out((long) og * chunk * plane);
        forEachBlock(s, chunk, blk -> {
            int group = blk.group();
            int ld = blk.ld();
            panels.load(s, x, xOff, blk.first(), blk.images(), group, false);
            Sgemm.sgemm(false, og, ld, patch, 1f, w, wOff + (long) group * og * patch, patch, panels, 0f, out, 0, ld);
            scatter(s, out, blk, b, bOff, y, yOff);
        });
    }

    /** y's planes of the block's images and group = the GEMM's output matrix (columns = images·pixels) + bias. */
    private static void scatter(ConvShape s, MemorySegment out, Block blk, MemorySegment b, long bOff,
                                MemorySegment y, long yOff) {
        int plane = s.outPlane();
        int og = s.groupOut();
        forImages(blk.images(), i -> {
            for (int o = 0; o < og; o++) {
                int channel = blk.group() * og + o;
                long from = (long) o * blk.ld() + (long) i * plane;
                long dst = yOff + ((long) (blk.first() + i) * s.outChannels() + channel) * plane;
                float bias = b == null ? 0f : b.getAtIndex(FLOAT, bOff + channel);
                copyAdd(out, from * Float.BYTES, y, dst * Float.BYTES, plane, bias);
            }
        });
    }

    /**
     * Scalar twin of {@link #forward}: the direct convolution, summed in double.
     *
     * @param s the convolution's sizes
     * @param x the input [batch, inChannels, inH, inW]
     * @param xOff offset of x's first element, in floats
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param wOff offset of w's first element, in floats
     * @param b the bias [outChannels], or null for none
     * @param bOff offset of b's first element, in floats (ignored when b is null)
     * @param y the output [batch, outChannels, outH, outW], overwritten
     * @param yOff offset of y's first element, in floats
     */
    public static void forwardScalar(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                                     MemorySegment b, long bOff, MemorySegment y, long yOff) {
        checkForward(s, x, xOff, w, wOff, b, bOff, y, yOff);
        int outH = s.outH();
        int outW = s.outW();
        int cg = s.groupIn();
        int og = s.groupOut();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int g = o / og;
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        double sum = b == null ? 0 : b.getAtIndex(FLOAT, bOff + o);
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < s.kernelH(); i++) {
                                int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                                if (ih < 0 || ih >= s.inH()) {
                                    continue;
                                }
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                                    if (iw < 0 || iw >= s.inW()) {
                                        continue;
                                    }
                                    double xv = x.getAtIndex(FLOAT, xOff + (((long) n * s.inChannels() + g * cg + c) * s.inH() + ih) * s.inW() + iw);
                                    double wv = w.getAtIndex(FLOAT, wOff + (((long) o * cg + c) * s.kernelH() + i) * s.kernelW() + j);
                                    sum += xv * wv;
                                }
                            }
                        }
                        y.setAtIndex(FLOAT, yOff + (((long) n * s.outChannels() + o) * outH + oh) * outW + ow, (float) sum);
                    }
                }
            }
        }
    }

    /**
     * dx = the gradient of {@link #forward} with respect to x, given dy; dx is overwritten.
     *
     * @param s the convolution's sizes
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param dyOff offset of dy's first element, in floats
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param wOff offset of w's first element, in floats
     * @param dx receives the gradient with respect to x, [batch, inChannels, inH, inW]
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backwardData(ConvShape s, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                    MemorySegment dx, long dxOff) {
        if (!Simd.ENABLED) {
            backwardDataScalar(s, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        checkBackwardData(s, dy, dyOff, w, wOff, dx, dxOff);
        ConvShape t = transposed(s);
        if (t != null && s.groupIn() >= FLIPPED_MIN_GROUP_IN) {
            backwardDataFlipped(s, t, dy, dyOff, w, wOff, dx, dxOff, tiling(t));
        } else {
            backwardDataChunked(s, dy, dyOff, w, wOff, dx, dxOff, chunkImages(s));
        }
    }

    /**
     * {@link #backwardData} on checked arguments as the forward convolution t = {@link #transposed}(s),
     * run by the given method.
     */
    static void backwardDataFlipped(ConvShape s, ConvShape t, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                    MemorySegment dx, long dxOff, Tiling tiling) {
        MemorySegment flipped = SCRATCH.get().flipped(s.weightSize());
        flipWeights(s, w, wOff, flipped);
        forwardBy(tiling, t, dy, dyOff, flipped, 0, null, 0, dx, dxOff);
    }

    /**
     * At stride 1, dx is the forward convolution of dy with the weights flipped in space and
     * transposed per group (see {@link #flipWeights}), dilated as w, padded by
     * dilation·(kernel − 1) − pad: the shape of that convolution, or null where it does not
     * exist (a stride above 1, or more padding than the kernel's span).
     */
    static ConvShape transposed(ConvShape s) {
        int padH = s.dilationH() * (s.kernelH() - 1) - s.padH();
        int padW = s.dilationW() * (s.kernelW() - 1) - s.padW();
        if (s.strideH() != 1 || s.strideW() != 1 || padH < 0 || padW < 0) {
            return null;
        }
        return new ConvShape(s.batch(), s.outChannels(), s.outH(), s.outW(), s.inChannels(), s.kernelH(), s.kernelW(),
                1, 1, padH, padW, s.dilationH(), s.dilationW(), s.groups());
    }

    /** flipped[g·cg + c, o, i, j] = w[g·og + o, c, kH−1−i, kW−1−j]: the weights of {@link #transposed}. */
    private static void flipWeights(ConvShape s, MemorySegment w, long wOff, MemorySegment flipped) {
        int cg = s.groupIn();
        int og = s.groupOut();
        int kh = s.kernelH();
        int kw = s.kernelW();
        for (int g = 0; g < s.groups(); g++) {
            for (int c = 0; c < cg; c++) {
                for (int o = 0; o < og; o++) {
                    long from = wOff + ((long) (g * og + o) * cg + c) * kh * kw;
                    long to = ((long) (g * cg + c) * og + o) * kh * kw;
                    for (int k = 0; k < kh * kw; k++) {
                        flipped.setAtIndex(FLOAT, to + kh * kw - 1 - k, w.getAtIndex(FLOAT, from + k));
                    }
                }
            }
        }
    }

    /** {@link #backwardData} on checked arguments, {@code chunk} images per GEMM. */
    static void backwardDataChunked(ConvShape s, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                    MemorySegment dx, long dxOff, int chunk) {
        int plane = s.outPlane();
        int cg = s.groupIn();
        int og = s.groupOut();
        int patch = s.patch();
        Scratch scratch = SCRATCH.get();
        MemorySegment col = scratch.col((long) patch * chunk * plane);
        MemorySegment out = scratch.out((long) og * chunk * plane);
        forEachBlock(s, chunk, blk -> {
            int group = blk.group();
            int ld = blk.ld();
            forImages(blk.images(), i -> gather(s, dy, dyOff, blk.first() + i, group, out, i, ld));
            Sgemm.sgemm(true, false, patch, ld, og, 1f, w, wOff + (long) group * og * patch, patch, out, 0, ld, 0f, col, 0, ld);
            forImages(blk.images(), i -> {
                long at = inputAt(s, dxOff, blk.first() + i, group);
                dx.asSlice(at * Float.BYTES, (long) cg * s.inPlane() * Float.BYTES).fill((byte) 0);
                Im2col.col2im(s, col, (long) i * plane, ld, cg, dx, at);
            });
        });
    }

    /**
     * Scalar twin of {@link #backwardData}: for each dx element, the sum over the outputs it fed, in double.
     *
     * @param s the convolution's sizes
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param dyOff offset of dy's first element, in floats
     * @param w the weights [outChannels, inChannels / groups, kernelH, kernelW]
     * @param wOff offset of w's first element, in floats
     * @param dx receives the gradient with respect to x, [batch, inChannels, inH, inW]
     * @param dxOff offset of dx's first element, in floats
     */
    public static void backwardDataScalar(ConvShape s, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                          MemorySegment dx, long dxOff) {
        checkBackwardData(s, dy, dyOff, w, wOff, dx, dxOff);
        int outH = s.outH();
        int outW = s.outW();
        int cg = s.groupIn();
        int og = s.groupOut();
        for (int n = 0; n < s.batch(); n++) {
            for (int ci = 0; ci < s.inChannels(); ci++) {
                int g = ci / cg;
                int c = ci % cg;
                for (int ih = 0; ih < s.inH(); ih++) {
                    for (int iw = 0; iw < s.inW(); iw++) {
                        double sum = 0;
                        for (int i = 0; i < s.kernelH(); i++) {
                            int th = ih + s.padH() - i * s.dilationH();
                            if (th < 0 || th % s.strideH() != 0 || th / s.strideH() >= outH) {
                                continue;
                            }
                            int oh = th / s.strideH();
                            for (int j = 0; j < s.kernelW(); j++) {
                                int tw = iw + s.padW() - j * s.dilationW();
                                if (tw < 0 || tw % s.strideW() != 0 || tw / s.strideW() >= outW) {
                                    continue;
                                }
                                int ow = tw / s.strideW();
                                for (int o = g * og; o < (g + 1) * og; o++) {
                                    double dyv = dy.getAtIndex(FLOAT, dyOff + (((long) n * s.outChannels() + o) * outH + oh) * outW + ow);
                                    double wv = w.getAtIndex(FLOAT, wOff + (((long) o * cg + c) * s.kernelH() + i) * s.kernelW() + j);
                                    sum += dyv * wv;
                                }
                            }
                        }
                        dx.setAtIndex(FLOAT, dxOff + (((long) n * s.inChannels() + ci) * s.inH() + ih) * s.inW() + iw, (float) sum);
                    }
                }
            }
        }
    }

    /**
     * dw = the gradient of {@link #forward} with respect to w, and db (when not null) with respect
     * to b, given x and dy; both are overwritten.
     *
     * @param s the convolution's sizes
     * @param x the input [batch, inChannels, inH, inW]
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param dyOff offset of dy's first element, in floats
     * @param dw receives the gradient with respect to w, shaped as w
     * @param dwOff offset of dw's first element, in floats
     * @param db receives the gradient with respect to b, [outChannels], or null for none
     * @param dbOff offset of db's first element, in floats (ignored when db is null)
     */
    public static void backwardWeight(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                      MemorySegment dw, long dwOff, MemorySegment db, long dbOff) {
        if (!Simd.ENABLED) {
            backwardWeightScalar(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff);
            return;
        }
        checkBackwardWeight(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff);
        if (tapTile(s)) {
            TapTileConv2d.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff);
        } else if (direct(s)) {
            DirectConv2d.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff);
        } else {
            backwardWeightImplicit(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff, implicitChunk(s));
            return;
        }
        if (db != null) {
            biasGradient(s, dy, dyOff, db, dbOff);
        }
    }

    /** {@link #backwardWeight} on checked arguments as an implicit GEMM (op(B) = colᵀ), {@code chunk} images per GEMM. */
    static void backwardWeightImplicit(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                       MemorySegment dw, long dwOff, MemorySegment db, long dbOff, int chunk) {
        int og = s.groupOut();
        int patch = s.patch();
        Scratch scratch = SCRATCH.get();
        ColumnPanels panels = scratch.panels;
        MemorySegment out = scratch.out((long) og * chunk * s.outPlane());
        forEachBlock(s, chunk, blk -> {
            int group = blk.group();
            int ld = blk.ld();
            // The first chunk overwrites dw, later ones add to it.
            float beta = blk.first() == 0 ? 0f : 1f;
            panels.load(s, x, xOff, blk.first(), blk.images(), group, true);
            forImages(blk.images(), i -> gather(s, dy, dyOff, blk.first() + i, group, out, i, ld));
            Sgemm.sgemm(false, og, patch, ld, 1f, out, 0, ld, panels, beta, dw, dwOff + (long) group * og * patch, patch);
        });
        if (db != null) {
            biasGradient(s, dy, dyOff, db, dbOff);
        }
    }

    /**
     * Scalar twin of {@link #backwardWeight}: each dw and db element summed in double.
     *
     * @param s the convolution's sizes
     * @param x the input [batch, inChannels, inH, inW]
     * @param xOff offset of x's first element, in floats
     * @param dy the gradient with respect to y, [batch, outChannels, outH, outW]
     * @param dyOff offset of dy's first element, in floats
     * @param dw receives the gradient with respect to w, shaped as w
     * @param dwOff offset of dw's first element, in floats
     * @param db receives the gradient with respect to b, [outChannels], or null for none
     * @param dbOff offset of db's first element, in floats (ignored when db is null)
     */
    public static void backwardWeightScalar(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                            MemorySegment dw, long dwOff, MemorySegment db, long dbOff) {
        checkBackwardWeight(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff);
        int outH = s.outH();
        int outW = s.outW();
        int cg = s.groupIn();
        int og = s.groupOut();
        for (int o = 0; o < s.outChannels(); o++) {
            int g = o / og;
            for (int c = 0; c < cg; c++) {
                for (int i = 0; i < s.kernelH(); i++) {
                    for (int j = 0; j < s.kernelW(); j++) {
                        double sum = 0;
                        for (int n = 0; n < s.batch(); n++) {
                            for (int oh = 0; oh < outH; oh++) {
                                int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
                                if (ih < 0 || ih >= s.inH()) {
                                    continue;
                                }
                                for (int ow = 0; ow < outW; ow++) {
                                    int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                                    if (iw < 0 || iw >= s.inW()) {
                                        continue;
                                    }
                                    double xv = x.getAtIndex(FLOAT, xOff + (((long) n * s.inChannels() + g * cg + c) * s.inH() + ih) * s.inW() + iw);
                                    double dyv = dy.getAtIndex(FLOAT, dyOff + (((long) n * s.outChannels() + o) * outH + oh) * outW + ow);
                                    sum += xv * dyv;
                                }
                            }
                        }
                        dw.setAtIndex(FLOAT, dwOff + (((long) o * cg + c) * s.kernelH() + i) * s.kernelW() + j, (float) sum);
                    }
                }
            }
        }
        if (db != null) {
            int plane = s.outPlane();
            for (int o = 0; o < s.outChannels(); o++) {
                double sum = 0;
                for (int n = 0; n < s.batch(); n++) {
                    long at = dyOff + ((long) n * s.outChannels() + o) * plane;
                    for (int p = 0; p < plane; p++) {
                        sum += dy.getAtIndex(FLOAT, at + p);
                    }
                }
                db.setAtIndex(FLOAT, dbOff + o, (float) sum);
            }
        }
    }

    /**
     * db[o] = Σ over images and pixels of dy[n, o]: vector sums of each plane, added in double.
     * Channels go to threads in contiguous ranges; each sum is one thread's, in a fixed order.
     */
    private static void biasGradient(ConvShape s, MemorySegment dy, long dyOff, MemorySegment db, long dbOff) {
        int plane = s.outPlane();
        int channels = s.outChannels();
        int threads = Math.min(Parallel.THREADS, channels);
        Parallel.forEach(threads, t -> {
            for (int o = channels * t / threads; o < channels * (t + 1) / threads; o++) {
                double sum = 0;
                for (int n = 0; n < s.batch(); n++) {
                    sum += planeSum(dy, (dyOff + ((long) n * channels + o) * plane) * Float.BYTES, plane);
                }
                db.setAtIndex(FLOAT, dbOff + o, (float) sum);
            }
        });
    }

    private static float planeSum(MemorySegment a, long at, int n) {
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (int bound = F.loopBound(n); k < bound; k += F.length()) {
            acc = acc.add(FloatVector.fromMemorySegment(F, a, at + (long) k * Float.BYTES, ORDER));
        }
        float sum = Simd.sum(acc);
        for (; k < n; k++) {
            sum += a.get(FLOAT, at + (long) k * Float.BYTES);
        }
        return sum;
    }

    /** Copies group g's output planes of image n into the chunk matrix, column block i. */
    private static void gather(ConvShape s, MemorySegment dy, long dyOff, int n, int g, MemorySegment out, int i, int ld) {
        int plane = s.outPlane();
        int og = s.groupOut();
        long src = dyOff + ((long) n * s.outChannels() + (long) g * og) * plane;
        for (int o = 0; o < og; o++) {
            MemorySegment.copy(dy, (src + (long) o * plane) * Float.BYTES, out, ((long) o * ld + (long) i * plane) * Float.BYTES,
                    (long) plane * Float.BYTES);
        }
    }

    /** dst[0..n) = src[0..n) + add, byte offsets. */
    private static void copyAdd(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, int n, float add) {
        FloatVector a = FloatVector.broadcast(F, add);
        int k = 0;
        for (int bound = F.loopBound(n); k < bound; k += F.length()) {
            long o = (long) k * Float.BYTES;
            FloatVector.fromMemorySegment(F, src, srcAt + o, ORDER).add(a).intoMemorySegment(dst, dstAt + o, ORDER);
        }
        for (; k < n; k++) {
            long o = (long) k * Float.BYTES;
            dst.set(FLOAT, dstAt + o, src.get(FLOAT, srcAt + o) + add);
        }
    }

    /**
     * Runs body(i) for i in [0, images), in contiguous ranges of images: images sit side by side
     * in the column matrix, so interleaving them between threads would make the threads share a
     * cache line at every boundary. There are IMAGE_TASKS_PER_THREAD ranges a thread, which the
     * threads claim as they go, so a thread slowed by the machine's other load does fewer.
     */
    static void forImages(int images, IntConsumer body) {
        int tasks = Math.min(images, Parallel.THREADS * IMAGE_TASKS_PER_THREAD);
        Parallel.forEach(tasks, t -> {
            for (int i = images * t / tasks; i < images * (t + 1) / tasks; i++) {
                body.accept(i);
            }
        });
    }

    /** Whether backward weight runs as tap tiles (see the header). */
    static boolean tapTile(ConvShape s) {
        return TapTileConv2d.supports(s) && TapTileConv2d.waste(s) <= TAP_TILE_MAX_WASTE;
    }

    /** Fraction of the lanes left idle when {@code used} values go in whole tiles of {@code tile} lanes. */
    static double laneWaste(int used, int tile) {
        int lanes = Math.ceilDiv(used, tile) * tile;
        return (double) (lanes - used) / lanes;
    }

    /** Whether a forward convolution that is not direct runs as pixel tiles (see the header). */
    static boolean pixelTile(ConvShape s) {
        if (!PixelTileConv2d.supports(s)) {
            return false;
        }
        double waste = PixelTileConv2d.waste(s);
        if (Simd.FLOAT_LANES >= 16) {
            return waste <= PIXEL_TILE_MAX_WASTE;
        }
        return rowTile(s) && (1 - waste) > (1 - RowTileConv2d.waste(s)) * PIXEL_TILE_FMA_COST;
    }

    /** Whether a forward convolution runs as row tiles rather than as a GEMM or the direct kernel (see the header). */
    static boolean rowTile(ConvShape s) {
        return RowTileConv2d.supports(s) && RowTileConv2d.waste(s) <= ROW_TILE_MAX_WASTE && s.groupOut() <= ROW_TILE_MAX_OUT;
    }

    /** Whether the direct kernel beats im2col + GEMM for s (see the header). */
    static boolean direct(ConvShape s) {
        return DirectConv2d.supports(s) && s.patch() <= DIRECT_MAX_PATCH;
    }

    /** One GEMM's worth of work: images [first, first + images) of one group; ld = images·outPlane columns. */
    private record Block(int first, int images, int ld, int group) {}

    @FunctionalInterface
    private interface BlockBody {
        void run(Block block);
    }

    /** Runs {@code body} over the batch {@code chunk} images at a time, each group in turn. */
    private static void forEachBlock(ConvShape s, int chunk, BlockBody body) {
        for (int n0 = 0; n0 < s.batch(); n0 += chunk) {
            int images = Math.min(chunk, s.batch() - n0);
            for (int g = 0; g < s.groups(); g++) {
                body.run(new Block(n0, images, images * s.outPlane(), g));
            }
        }
    }

    /** Float offset of group {@code group}'s first input channel of image {@code image}, from {@code base}. */
    private static long inputAt(ConvShape s, long base, int image, int group) {
        return base + ((long) image * s.inChannels() + (long) group * s.groupIn()) * s.inPlane();
    }

    /** Images per implicit GEMM: as many as keep the padded input and the output matrix within the column budget. */
    static int implicitChunk(ConvShape s) {
        long padded = (long) s.groupIn() * (s.inH() + 2 * s.padH()) * (s.inW() + 2 * s.padW());
        long perImage = Math.max(padded, (long) s.groupOut() * s.outPlane());
        return (int) Math.max(1, Math.min(s.batch(), COLUMN_FLOATS / perImage));
    }


    /** Images per backward-data GEMM: as many as fit the column budget, at least one. */
    static int chunkImages(ConvShape s) {
        long perImage = (long) s.patch() * s.outPlane();
        return (int) Math.max(1, Math.min(s.batch(), COLUMN_FLOATS / perImage));
    }

    private static void checkForward(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                                     MemorySegment b, long bOff, MemorySegment y, long yOff) {
        s.checkInput("x", x, xOff);
        s.checkWeight("w", w, wOff);
        s.checkBias("b", b, bOff);
        s.checkOutput("y", y, yOff);
    }

    private static void checkBackwardData(ConvShape s, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                          MemorySegment dx, long dxOff) {
        s.checkOutput("dy", dy, dyOff);
        s.checkWeight("w", w, wOff);
        s.checkInput("dx", dx, dxOff);
    }

    private static void checkBackwardWeight(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                            MemorySegment dw, long dwOff, MemorySegment db, long dbOff) {
        s.checkInput("x", x, xOff);
        s.checkOutput("dy", dy, dyOff);
        s.checkWeight("dw", dw, dwOff);
        s.checkBias("db", db, dbOff);
    }

    /**
     * The calling thread's column and output matrices, off-heap, grown on demand and reused
     * across calls. Auto arenas: the memory goes back when the thread (and so its Scratch) is
     * gone, and workers may touch it (they fill it inside forImages).
     */
    private static final class Scratch {
        private MemorySegment col = MemorySegment.NULL;
        private MemorySegment out = MemorySegment.NULL;
        private MemorySegment flipped = MemorySegment.NULL;
        final ColumnPanels panels = new ColumnPanels();

        MemorySegment col(long floats) {
            if (col.byteSize() < floats * Float.BYTES) {
                col = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
            }
            return col;
        }

        MemorySegment out(long floats) {
            if (out.byteSize() < floats * Float.BYTES) {
                out = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
            }
            return out;
        }

        MemorySegment flipped(long floats) {
            if (flipped.byteSize() < floats * Float.BYTES) {
                flipped = Arena.ofAuto().allocate(floats * Float.BYTES, 64);
            }
            return flipped;
        }
    }
}
