package dev.gatun.kernels.conv;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.gemm.BPanels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The column matrix of a block of images of one group, never stored: Sgemm's packed panels of it
 * (op(B) = col, the forward GEMM) or of its transpose (op(B) = colᵀ, the backward-weight GEMM),
 * gathered straight from zero-padded copies of the input planes.
 *
 * <p>Shapes: col is [patch, images·outH·outW], row q = (c, i, j) of the patch, column = (image,
 * oh, ow). With the planes padded (plane pitch hp·wp, image pitch groupIn·hp·wp, after a margin
 * of LANES floats) every element is {@code padded[patchAt[q] + pixelAt[column]]}, patchAt[q] =
 * LANES + c·hp·wp + i·dilationH·wp + j·dilationW and pixelAt[column] = image·imagePitch +
 * oh·strideH·wp + ow·strideW, whatever the stride, dilation or padding. A packed row of one sliver
 * is two vectors, the row's entry of one table plus a slice of the other: three plain loads
 * blended when the slice is at most three runs of adjacent floats ({@link Blend}), else a gather
 * with the slice as its index map. Measurements in Conv2d's header.
 *
 * <p>{@link #load} runs on the calling thread (splitting the copies over the threads); the
 * panels are then packed by Sgemm's threads, which only read.
 */
final class ColumnPanels implements BPanels {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final int LANES = F.length();
    /**
     * LANES_FROM[start]: lanes start .. LANES - 1, for start = 0 .. LANES. Made once: a mask made
     * per plan was a heap object (Blend keeps it), 4 MB/s of allocation in a CNN training.
     */
    private static final VectorMask<Float>[] LANES_FROM = lanesFrom();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private float[] padded = new float[0];
    private int[] patchAt = new int[0];
    private int[] pixelAt = new int[0];
    private boolean transposed;

    /**
     * Pads images [first, first + images) of x (group {@code group}'s channels) into this
     * object's planes; afterwards {@link #pack} packs col (transposed false) or colᵀ.
     */
    void load(ConvShape s, MemorySegment x, long xOff, int first, int images, int group, boolean transposed) {
        this.transposed = transposed;
        int hp = s.inH() + 2 * s.padH();
        int wp = s.inW() + 2 * s.padW();
        int planePitch = hp * wp;
        int imagePitch = s.groupIn() * planePitch;
        // A margin of LANES floats on both sides: the blended loads of pack read up to LANES - 1
        // floats before or after a run.
        int floats = Math.addExact(Math.multiplyExact(images, imagePitch), 2 * LANES);
        if (padded.length < floats) {
            padded = new float[floats];
        }
        int patch = s.patch();
        if (patchAt.length < patch) {
            patchAt = new int[patch];
        }
        for (int c = 0, q = 0; c < s.groupIn(); c++) {
            for (int i = 0; i < s.kernelH(); i++) {
                for (int j = 0; j < s.kernelW(); j++, q++) {
                    patchAt[q] = LANES + c * planePitch + i * s.dilationH() * wp + j * s.dilationW();
                }
            }
        }
        int pixels = Math.multiplyExact(images, s.outPlane());
        if (pixelAt.length < pixels) {
            pixelAt = new int[pixels];
        }
        for (int n = 0, at = 0; n < images; n++) {
            for (int oh = 0; oh < s.outH(); oh++) {
                for (int ow = 0; ow < s.outW(); ow++, at++) {
                    pixelAt[at] = n * imagePitch + oh * s.strideH() * wp + ow * s.strideW();
                }
            }
        }
        float[] dst = padded;
        Conv2d.forImages(images, n -> {
            long from = xOff + ((long) (first + n) * s.inChannels() + (long) group * s.groupIn()) * s.inPlane();
            for (int c = 0; c < s.groupIn(); c++) {
                padPlane(s, x, from + (long) c * s.inPlane(), dst, LANES + n * imagePitch + c * planePitch, wp, planePitch);
            }
        });
    }

    /** One input plane into dst at {@code at}, row pitch wp, with its zero border. */
    private static void padPlane(ConvShape s, MemorySegment x, long xOff, float[] dst, int at, int wp, int planePitch) {
        // Only the border is zeroed: the interior is overwritten, and the planes are reused.
        int gapFrom = at;
        for (int h = 0; h < s.inH(); h++) {
            int row = at + (h + s.padH()) * wp + s.padW();
            Arrays.fill(dst, gapFrom, row, 0f);
            MemorySegment.copy(x, FLOAT, (xOff + (long) h * s.inW()) * Float.BYTES, dst, row, s.inW());
            gapFrom = row + s.inW();
        }
        Arrays.fill(dst, gapFrom, at + planePitch, 0f);
    }

    @Override
    public void pack(int p0, int kc, int j0, int nc, float[] dst, int at) {
        int[] rowAt = transposed ? pixelAt : patchAt;
        int[] colAt = transposed ? patchAt : pixelAt;
        float[] src = padded;
        Blend lo = new Blend();
        Blend hi = new Blend();
        for (int t = 0, base = at; t < nc; t += SLIVER, base += SLIVER * kc) {
            int cols = Math.min(SLIVER, nc - t);
            int c0 = j0 + t;
            if (cols < SLIVER) {
                // The last sliver of op(B): the index map would run past the table, so one at a time.
                for (int p = 0, d = base; p < kc; p++, d += SLIVER) {
                    int r = rowAt[p0 + p];
                    for (int c = 0; c < SLIVER; c++) {
                        dst[d + c] = c < cols ? src[r + colAt[c0 + c]] : 0f;
                    }
                }
            } else if (lo.plan(colAt, c0) && hi.plan(colAt, c0 + LANES)) {
                blendRows(src, rowAt, p0, kc, lo, hi, dst, base);
            } else {
                for (int p = 0, d = base; p < kc; p++, d += SLIVER) {
                    int r = rowAt[p0 + p];
                    FloatVector.fromArray(F, src, r, colAt, c0).intoArray(dst, d);
                    FloatVector.fromArray(F, src, r, colAt, c0 + LANES).intoArray(dst, d + LANES);
                }
            }
        }
    }

    /** Each packed row as its two vectors, each blended from three loads (see {@link Blend}). */
    private static void blendRows(float[] src, int[] rowAt, int p0, int kc, Blend lo, Blend hi, float[] dst, int base) {
        int a0 = lo.at0, a1 = lo.at1, a2 = lo.at2;
        int b0 = hi.at0, b1 = hi.at1, b2 = hi.at2;
        VectorMask<Float> m1 = lo.from1, m2 = lo.from2, n1 = hi.from1, n2 = hi.from2;
        for (int p = 0, d = base; p < kc; p++, d += SLIVER) {
            int r = rowAt[p0 + p];
            FloatVector.fromArray(F, src, r + a0)
                    .blend(FloatVector.fromArray(F, src, r + a1), m1)
                    .blend(FloatVector.fromArray(F, src, r + a2), m2)
                    .intoArray(dst, d);
            FloatVector.fromArray(F, src, r + b0)
                    .blend(FloatVector.fromArray(F, src, r + b1), n1)
                    .blend(FloatVector.fromArray(F, src, r + b2), n2)
                    .intoArray(dst, d + LANES);
        }
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] lanesFrom() {
        VectorMask<Float>[] masks = (VectorMask<Float>[]) new VectorMask<?>[LANES + 1];
        for (int start = 0; start <= LANES; start++) {
            masks[start] = F.indexInRange(0, start).not();
        }
        return masks;
    }

    /**
     * How one vector of a sliver row is loaded when its LANES columns form at most three runs of
     * adjacent source floats (an output row's pixels at stride 1, a kernel row's taps at
     * dilation 1): a plain load per run, lanes from run i on taken from load i. Unused runs repeat
     * run 0 under an empty mask. Loads reach at most LANES - 1 floats outside their run, into
     * the margins of the padded planes.
     */
    private static final class Blend {
        int at0;
        int at1;
        int at2;
        VectorMask<Float> from1;
        VectorMask<Float> from2;

        /** Plans the vector of columns [c0, c0 + LANES) of the table; false when they form more than three runs. */
        boolean plan(int[] colAt, int c0) {
            int runs = 1;
            int start1 = LANES;
            int start2 = LANES;
            for (int l = 1; l < LANES; l++) {
                if (colAt[c0 + l] != colAt[c0 + l - 1] + 1) {
                    if (runs == 3) {
                        return false;
                    }
                    if (runs == 1) {
                        start1 = l;
                    } else {
                        start2 = l;
                    }
                    runs++;
                }
            }
            at0 = colAt[c0];
            at1 = start1 < LANES ? colAt[c0 + start1] - start1 : at0;
            at2 = start2 < LANES ? colAt[c0 + start2] - start2 : at0;
            from1 = LANES_FROM[start1];
            from2 = LANES_FROM[start2];
            return true;
        }
    }
}
