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
 * Choices, newest first.
 *
 *  - Row tiles (RowTileConv2d) for a stride-1 forward convolution, and for backward data when it
 *    runs as the flipped forward convolution, when the row's last tile wastes at most
 *    ROW_TILE_MAX_WASTE of its lanes and a group has at most ROW_TILE_MAX_OUT output channels:
 *    the GEMM's register tile reads its B vectors in place from the padded input, so nothing is
 *    packed but the weights, for NR − outW mod NR extra lanes per row. Both threads, best of 20
 *    calls per JVM, 3 JVMs, ms, implicit GEMM (or direct) → row tiles:
 *      conv2 forward                       9.2-9.6 → 8.7-9.0
 *      conv2 backward data (flipped, M 32) 11.08   → 9.0-9.1
 *      conv1 forward, direct kernel        0.98 (its tap loop unrolled) against 1.17: the direct
 *                                          kernel keeps the shapes it takes (patch <= 32)
 *      resnet-3x3 forward (M 64)           64.8    → 64.2 (no gain: with 64 channels and 9-tap
 *                                                           runs the packing is cheap there)
 *    A JFR profile of the CNN step before: the implicit-GEMM packer (ColumnPanels.blendRows)
 *    took 18% of it, two thirds of that for the forward and flipped passes (the flipped one
 *    packs 1600×12544 floats for M = 32 rows). Specializing the packer by run count (one, two or
 *    three loads per vector) and packing one sliver at a time into L1 both measured within noise.
 *
 * Older choices, measured under heavy contention (load average 4-6 on the 2-core Zen 3, other builds
 * running): thread CPU time with -Dgatun.threads=1, best of 10, unless noted. Layers: conv1 =
 * the CNN sample's first (x [64,1,28,28], 32 5×5 filters, pad 2), conv2 its second
 * (x [64,32,14,14], 64 5×5, pad 2, ~95% of its FLOPs).
 *
 *  - (The direct kernel is tried first; row tiles take the other stride-1 forward passes.)
 *    Direct convolution (DirectConv2d) when stride is 1 and patch <= DIRECT_MAX_PATCH = 32,
 *    else a GEMM (below). im2col+GEMM vs direct, ms, forward / backwardWeight:
 *      conv1 (patch 25)              3.1-4.3 / 5.5-5.9   vs  3.1 / 3.8-4.1
 *      3×3, 3 → 32 on 32×32 (27)     5.0 / 7.2-7.8       vs  4.3-4.5 / 4.2-4.4
 *      3×3, 8 → 32 on 16×16 (72)     2.2-2.4 / 3.5-4.6   vs  5.5-5.6 / 3.5
 *      5×5, 4 → 64 on 14×14 (100)    4.0-4.4 / 5.3-6.5   vs  9.9-10.1 / 9.9-10.0
 *      conv2, batch 16 (800)         8.0-10.3 / 7.8-10.1 vs  19.2 / 18.2
 *    With a depth of 25 the GEMM spends its time packing; the direct kernel has no register
 *    blocking over input channels, so it falls behind as soon as the depth grows. Backward data
 *    always takes the GEMM path (a first layer, where direct would apply, never needs it).
 *    Rechecked against the implicit GEMM below (batch 64, ms, forward / backwardWeight): conv1
 *    direct 3.1 / 4.9-5.0 vs implicit 3.1-3.6 / 13.1-13.6; 3×3, 3 → 32 on 32×32 direct
 *    4.5 / 5.2 vs implicit 4.7 / 18.5 (an op(B) of 25 or 27 columns is one and a half slivers,
 *    and M = 32 is thin), so the threshold stays.
 *  - GEMM path, forward and backward weight: an implicit GEMM. op(B) is the column matrix
 *    [patch, images·outH·outW] (forward: Y_g = W_g·col) or its transpose (backward weight:
 *    dW_g = dY_g·colᵀ), but it is never stored: Sgemm asks a ColumnPanels for each KC×NC panel,
 *    which writes the packed slivers straight from zero-padded copies of the input planes (every
 *    element is padded[patchAt[q] + pixelAt[column]], so any stride, dilation or group). Before,
 *    im2col wrote the column matrix (8 MiB chunks, 13 images of conv2) and Sgemm's packB copied
 *    it again (transposed, 4×4 at a time, for backward weight): ~25% of a CNN training step in a
 *    JFR profile (im2col 10%, packB 9%, transpose4 4.6%). A sliver row is two vectors; a vector
 *    whose columns form at most three runs of adjacent floats (an output row's pixels at stride
 *    1, a kernel row's taps at dilation 1) is three plain loads blended together, else one
 *    gather. Packing the whole op(B) of conv2 on one thread, ns a float: gathers 0.55-0.62,
 *    blended loads 0.24-0.26 (either direction), vector copies of each run spilling into the next
 *    0.70 (col) and 1.18 (colᵀ, runs of 5): the short runs pay a store-forwarding stall each.
 *    Padding the batch's input: 0.4-0.5 ms.
 *    conv2 (thread CPU ms, one thread, best of 6-20, heavy contention), old → gathers → blends:
 *      forward          27.1-33.4 → 24.1-26.1 → 18.2-18.9
 *      backwardWeight   26.6-30.7 → 23.1-23.3 → 18.2-19.2
 *    resnet-3x3 (x [32,64,56,56], 64 3×3, pad 1), old → blends: forward 125.8 → 112.8,
 *    backwardWeight 125.6 → 123.4 (its 3-tap runs need a fourth load in half the vectors, which
 *    then gather). JMH ConvBenchmark on cnn-conv2, both threads, calls/s, medians of 8 one-second
 *    iterations in 3 runs interleaved with the old jar (noisy: another benchmark shared the
 *    cores): forward 49.2 / 38.7 / 40.4 against 27.7 / 19.8 / 28.0, backwardWeight
 *    50.1 / 44.8 / 41.6 against 32.4 / 25.9 / 37.8; backwardData (unchanged) 39.4 / 34.0 / 47.7
 *    against 39.4 / 30.5 / 31.3, the noise band. TrainStepBenchmark.cnn, samples/s, medians of
 *    5×2 s in 3 interleaved runs: 600 / 694 / 690 against 540 / 590 / 504, and again with the
 *    implicit forward and backward weight 670 / 617 / 600 against 480 / 509 / 555; with backward
 *    data as a convolution too (5 interleaved pairs) 723 / 765 / 1533 / 744 / 778 against
 *    479 / 635 / 1315 / 606 / 565, the third pair while the other benchmark paused (best
 *    iterations 1606 against 1410). JFR profile of the step before that last change
 *    (samples by first gatun frame): kernel4 44%, conv1's direct kernel 16% (backwardWeightImage
 *    7.7, forwardImage 6.0, loadRows 2.4), blendRows 6.9%, col2im's addRun 6.0%, padPlane 0.7%.
 *    Images per implicit GEMM: as many as keep the padded input and the output matrix within
 *    COLUMN_FLOATS (the whole batch of conv2); 15 images per GEMM measured within noise of it.
 *  - Backward data at stride 1 (and padding <= dilation·(kernel − 1)) is the forward
 *    convolution of dy with the weights flipped in space and transposed per group, padded by
 *    dilation·(kernel − 1) − pad, so it runs as the implicit forward GEMM too (M = inC/G, depth
 *    outC/G·kH·kW): no column matrix, no col2im. conv2, thread CPU ms, one thread, best of 20:
 *    21.4 against 23.8 for GEMM + col2im (both threads, wall: 22.8 against 28.8); resnet-3x3
 *    106.7 against 117.8. But the flipped GEMM's M is inC/G, and each packed float of its op(B)
 *    then serves only that many rows: 5×5, 16 → 64 on 14×14 took 14.2 against 12.2, 3×3,
 *    16 → 32 on 16×16 5.9 against 5.1, 3×3, 8 → 32 on 16×16 3.9 against 3.2, 3×3, 3 → 32 on
 *    32×32 9.6 against 5.9; so from FLIPPED_MIN_GROUP_IN = 32 input channels per group only.
 *    JMH ConvBenchmark cnn-conv2 backwardData, calls/s, medians of 8 in 3 interleaved runs:
 *    43.8 / 48.2 / 47.1 against 37.1 / 35.1 / 33.1 for the old jar.
 *  - Other backward data (stride > 1, more padding than the kernel spans, or fewer than
 *    FLIPPED_MIN_GROUP_IN input channels per group): images are gathered CHUNK at a time into one matrix dY and
 *    multiplied into a stored column matrix [patch, images·outH·outW], then col2im adds it back.
 *    Sgemm on conv2's forward shape 64×n×800 with a stored B, GFLOP/s (one thread): n = 196 (one
 *    image) 42-59, n = 2548 (13 images) 55-62, n = 12544 (whole batch) 47-51. The chunk is capped
 *    at COLUMN_FLOATS (8 MiB) so the column matrix stays in the 32 MiB L3 between the GEMM
 *    writing it and col2im reading it; that is the 13-image chunk for conv2. Whole passes of
 *    conv2 on both threads (wall ms, best of 20, forward / backwardData / backwardWeight, all
 *    three on stored column matrices then): cap 2 MiB (3 images) 14.4-15.0 / 19.9 / 14.6-15.1,
 *    cap 8 MiB 12.2 / 16.1 / 12.8 (105, 80, 100 GFLOP/s); on one thread a 64 MiB cap (whole
 *    batch) was within noise of 8 MiB.
 *  - Per-image GEMMs inside Parallel.forEach (one image per thread, no fork inside the GEMM)
 *    cannot be had today: Sgemm forks again from the caller's thread, whose nested share then
 *    waits behind the worker's whole task, and Sgemm has no single-threaded entry. So Sgemm
 *    splits each chunk's GEMM over the threads, and padding, col2im, gathers and scatters run one
 *    contiguous range of images per thread (interleaved images made the threads share a cache
 *    line at every image boundary in the column matrix).
 *  - Scratch (column and output matrices, the padded planes) is per calling thread, grown on
 *    demand and reused, so a training step allocates nothing large. Off-heap rather than
 *    float[] for the matrices: Sgemm measured 7-12% faster reading an off-heap B
 *    (64×2548×800: 61.6 vs 54.8 GFLOP/s), im2col 5% slower writing it (5.2-5.5 vs 4.8-5.1 ms
 *    for conv2's batch). The padded planes are a float[]: the packer's vector loads and gathers
 *    read them, several times each.
 *  - Time split of conv2 on one thread (ms), with stored column matrices: forward = im2col 5.2 +
 *    GEMM 28; backwardData = GEMM 20 + col2im 6.4-8.5; backwardWeight = im2col 5 + GEMM 25. The
 *    GEMMs ran at 45-65 GFLOP/s against 77 for Sgemm at 512³ measured alongside: conv2's M = 64
 *    (forward, backward weight) or K = 64 (backward data) is thin for the 2-level blocking.
 *    The implicit forward and backward weight now take 18-19 ms whole (~70 GFLOP/s).
 *
 * The scalar twins are direct 7-loop convolutions accumulated in double and rounded once, the
 * reference both fast paths are tested against (they sum in float, in other orders: relative
 * error ~1e-7 per term summed).
 */
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
    /** Image ranges per thread in forImages: enough to rebalance around a slowed core, few enough that each is many tiles. */
    static final int IMAGE_TASKS_PER_THREAD = 4;
    /** Largest GEMM depth (groupIn·kH·kW) for which the direct kernel runs instead (see the header). */
    static final int DIRECT_MAX_PATCH = 32;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Conv2d() {}

    /** y = conv(x, w) + b (b may be null). Offsets in floats; y is overwritten. */
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
        if (rowTile(s)) {
            RowTileConv2d.forward(s, x, xOff, w, wOff, b, bOff, y, yOff);
            return;
        }
        forwardImplicit(s, x, xOff, w, wOff, b, bOff, y, yOff, implicitChunk(s));
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

    /** Scalar twin of {@link #forward}: the direct convolution, summed in double. */
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

    /** dx = the gradient of {@link #forward} with respect to x, given dy; dx is overwritten. */
    public static void backwardData(ConvShape s, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                    MemorySegment dx, long dxOff) {
        if (!Simd.ENABLED) {
            backwardDataScalar(s, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        checkBackwardData(s, dy, dyOff, w, wOff, dx, dxOff);
        ConvShape t = transposed(s);
        if (t != null && s.groupIn() >= FLIPPED_MIN_GROUP_IN) {
            backwardDataFlipped(s, t, dy, dyOff, w, wOff, dx, dxOff, rowTile(t));
        } else {
            backwardDataChunked(s, dy, dyOff, w, wOff, dx, dxOff, chunkImages(s));
        }
    }

    /**
     * {@link #backwardData} on checked arguments as the forward convolution t = {@link #transposed}(s),
     * run as row tiles ({@link RowTileConv2d}) or as an implicit GEMM.
     */
    static void backwardDataFlipped(ConvShape s, ConvShape t, MemorySegment dy, long dyOff, MemorySegment w, long wOff,
                                    MemorySegment dx, long dxOff, boolean rowTile) {
        MemorySegment flipped = SCRATCH.get().flipped(s.weightSize());
        flipWeights(s, w, wOff, flipped);
        if (rowTile) {
            RowTileConv2d.forward(t, dy, dyOff, flipped, 0, null, 0, dx, dxOff);
        } else {
            forwardImplicit(t, dy, dyOff, flipped, 0, null, 0, dx, dxOff, implicitChunk(t));
        }
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

    /** Scalar twin of {@link #backwardData}: for each dx element, the sum over the outputs it fed, in double. */
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
     */
    public static void backwardWeight(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                      MemorySegment dw, long dwOff, MemorySegment db, long dbOff) {
        if (!Simd.ENABLED) {
            backwardWeightScalar(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff);
            return;
        }
        checkBackwardWeight(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff);
        if (direct(s)) {
            DirectConv2d.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff);
            if (db != null) {
                biasGradient(s, dy, dyOff, db, dbOff);
            }
            return;
        }
        backwardWeightImplicit(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff, implicitChunk(s));
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

    /** Scalar twin of {@link #backwardWeight}: each dw and db element summed in double. */
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
