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
 *   backwardData:   dy, w -> dx         dx = col2im(Wᵀ·dY)
 *   backwardWeight: x, dy -> dw, db     dw = Σ_n dY_n·col_nᵀ,  db[o] = Σ_{n,pixels} dy[n, o]
 * Per group g, W_g is the [outC/G, patch] block of w and col_g the im2col of group g's channels
 * (patch = inC/G·kH·kW, the GEMM depth).
 *
 * Choices, measured under heavy contention (load average 4-6 on the 2-core Zen 3, other builds
 * running): thread CPU time with -Dgatun.threads=1, best of 10, unless noted. Layers: conv1 =
 * the CNN sample's first (x [64,1,28,28], 32 5×5 filters, pad 2), conv2 its second
 * (x [64,32,14,14], 64 5×5, pad 2, ~95% of its FLOPs).
 *
 *  - Direct convolution (DirectConv2d) when stride is 1 and patch <= DIRECT_MAX_PATCH = 32,
 *    else im2col + Sgemm. im2col+GEMM vs direct, ms, forward / backwardWeight:
 *      conv1 (patch 25)              3.1-4.3 / 5.5-5.9   vs  3.1 / 3.8-4.1
 *      3×3, 3 → 32 on 32×32 (27)     5.0 / 7.2-7.8       vs  4.3-4.5 / 4.2-4.4
 *      3×3, 8 → 32 on 16×16 (72)     2.2-2.4 / 3.5-4.6   vs  5.5-5.6 / 3.5
 *      5×5, 4 → 64 on 14×14 (100)    4.0-4.4 / 5.3-6.5   vs  9.9-10.1 / 9.9-10.0
 *      conv2, batch 16 (800)         8.0-10.3 / 7.8-10.1 vs  19.2 / 18.2
 *    With a depth of 25 the GEMM spends its time packing; the direct kernel has no register
 *    blocking over input channels, so it falls behind as soon as the depth grows. Backward data
 *    always takes the GEMM path (a first layer, where direct would apply, never needs it).
 *  - GEMM path: images are gathered CHUNK at a time into one column matrix
 *    [patch, images·outH·outW] and multiplied in one GEMM (outputs scattered back to NCHW
 *    afterwards). Sgemm on conv2's forward shape 64×n×800, GFLOP/s (one thread): n = 196 (one
 *    image) 42-59, n = 2548 (13 images) 55-62, n = 12544 (whole batch) 47-51. The chunk is capped
 *    at COLUMN_FLOATS (8 MiB) so the column matrix stays in the 32 MiB L3 between im2col writing
 *    it and Sgemm packing it; that is the 13-image chunk for conv2. Whole passes of conv2 on both
 *    threads (wall ms, best of 20, forward / backwardData / backwardWeight): cap 2 MiB
 *    (3 images) 14.4-15.0 / 19.9 / 14.6-15.1, cap 8 MiB 12.2 / 16.1 / 12.8 (105, 80, 100
 *    GFLOP/s); on one thread a 64 MiB cap (whole batch) was within noise of 8 MiB.
 *  - Per-image GEMMs inside Parallel.forEach (one image per thread, no fork inside the GEMM)
 *    cannot be had today: Sgemm forks again from the caller's thread, whose nested share then
 *    waits behind the worker's whole task, and Sgemm has no single-threaded entry. So Sgemm
 *    splits each chunk's GEMM over the threads, and im2col, col2im, gathers and scatters run one
 *    contiguous range of images per thread (interleaved images made the threads share a cache
 *    line at every image boundary in the column matrix).
 *  - Scratch (column and output matrices) is one pair of off-heap segments per calling thread,
 *    grown on demand and reused, so a training step allocates nothing large. Off-heap rather
 *    than float[]: Sgemm measured 7-12% faster reading an off-heap B (64×2548×800: 61.6 vs 54.8
 *    GFLOP/s), im2col 5% slower writing it (5.2-5.5 vs 4.8-5.1 ms for conv2's batch).
 *  - Time split of conv2 on one thread (ms): forward = im2col 5.2 + GEMM 28; backwardData =
 *    GEMM 20 + col2im 6.4-8.5; backwardWeight = im2col 5 + GEMM 25. The GEMMs run at 45-65 GFLOP/s
 *    against 77 for Sgemm at 512³ measured alongside: conv2's M = 64 (forward, backward weight)
 *    or K = 64 (backward data) is thin for the 2-level blocking.
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
        forwardChunked(s, x, xOff, w, wOff, b, bOff, y, yOff, chunkImages(s));
    }

    /** {@link #forward} on checked arguments, {@code chunk} images per GEMM (tests force several chunks). */
    static void forwardChunked(ConvShape s, MemorySegment x, long xOff, MemorySegment w, long wOff,
                               MemorySegment b, long bOff, MemorySegment y, long yOff, int chunk) {
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
            forImages(blk.images(), i -> Im2col.im2col(s, x, inputAt(s, xOff, blk.first() + i, group), cg, col,
                    (long) i * plane, ld));
            Sgemm.sgemm(false, false, og, ld, patch, 1f, w, wOff + (long) group * og * patch, patch, col, 0, ld, 0f, out, 0, ld);
            forImages(blk.images(), i -> {
                for (int o = 0; o < og; o++) {
                    int channel = group * og + o;
                    long from = (long) o * ld + (long) i * plane;
                    long dst = yOff + ((long) (blk.first() + i) * s.outChannels() + channel) * plane;
                    float bias = b == null ? 0f : b.getAtIndex(FLOAT, bOff + channel);
                    copyAdd(out, from * Float.BYTES, y, dst * Float.BYTES, plane, bias);
                }
            });
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
        backwardDataChunked(s, dy, dyOff, w, wOff, dx, dxOff, chunkImages(s));
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
        backwardWeightChunked(s, x, xOff, dy, dyOff, dw, dwOff, db, dbOff, chunkImages(s));
    }

    /** {@link #backwardWeight} on checked arguments, {@code chunk} images per GEMM. */
    static void backwardWeightChunked(ConvShape s, MemorySegment x, long xOff, MemorySegment dy, long dyOff,
                                      MemorySegment dw, long dwOff, MemorySegment db, long dbOff, int chunk) {
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
            // The first chunk overwrites dw, later ones add to it.
            float beta = blk.first() == 0 ? 0f : 1f;
            forImages(blk.images(), i -> {
                Im2col.im2col(s, x, inputAt(s, xOff, blk.first() + i, group), cg, col, (long) i * plane, ld);
                gather(s, dy, dyOff, blk.first() + i, group, out, i, ld);
            });
            Sgemm.sgemm(false, true, og, patch, ld, 1f, out, 0, ld, col, 0, ld, beta, dw, dwOff + (long) group * og * patch, patch);
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

    /** db[o] = Σ over images and pixels of dy[n, o]: vector sums of each plane, added in double. */
    private static void biasGradient(ConvShape s, MemorySegment dy, long dyOff, MemorySegment db, long dbOff) {
        int plane = s.outPlane();
        for (int o = 0; o < s.outChannels(); o++) {
            double sum = 0;
            for (int n = 0; n < s.batch(); n++) {
                sum += planeSum(dy, (dyOff + ((long) n * s.outChannels() + o) * plane) * Float.BYTES, plane);
            }
            db.setAtIndex(FLOAT, dbOff + o, (float) sum);
        }
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
     * Runs body(i) for i in [0, images), one contiguous range of images per thread: images sit
     * side by side in the column matrix, so interleaving them between threads would make the
     * threads share a cache line at every boundary.
     */
    static void forImages(int images, IntConsumer body) {
        int threads = Math.min(Parallel.THREADS, images);
        Parallel.forEach(threads, t -> {
            for (int i = images * t / threads; i < images * (t + 1) / threads; i++) {
                body.accept(i);
            }
        });
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

    /** Images per GEMM: as many as fit the column budget, at least one. */
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
    }
}
