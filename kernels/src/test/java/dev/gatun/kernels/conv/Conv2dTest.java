package dev.gatun.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The GEMM convolutions (implicit for forward and backward weight; for backward data the implicit
 * forward convolution of dy with flipped weights at stride 1, else GEMM + col2im), the pixel and
 * row tiles (stride-1 forward and flipped backward data) and the direct kernel against their direct twin. The twin sums in double, the GEMM in
 * float in another order, so results differ by rounding that grows with the number of terms
 * summed per output (patch for y, images·pixels for dw); the tolerance follows that count.
 * Every case also runs with one, two and three images per GEMM and the whole batch, so the
 * chunking (uneven splits included) is exercised.
 */
class Conv2dTest {
    private static double tolerance(long terms) {
        return 2e-7 * terms + 1e-6;
    }

    /** Images per GEMM: one, two and three (uneven splits of most batches), and the whole batch. */
    private static int[] implicitChunks(ConvShape s) {
        return new int[] {1, 2, 3, s.batch()};
    }

    @Test
    void shapesReachBothMethods() {
        long direct = Arrays.stream(ConvData.SHAPES).map(ConvData::shape).filter(Conv2d::direct).count();
        assertTrue(direct >= 3 && direct <= ConvData.SHAPES.length - 3,
                direct + " of " + ConvData.SHAPES.length + " shapes take the direct kernel; both methods need several");
    }

    @Test
    void shapesReachBothBackwardDataMethods() {
        long asConvolution = Arrays.stream(ConvData.SHAPES).map(ConvData::shape).filter(s -> Conv2d.transposed(s) != null).count();
        assertTrue(asConvolution >= 3 && asConvolution <= ConvData.SHAPES.length - 3,
                asConvolution + " of " + ConvData.SHAPES.length + " shapes run backward data as a convolution; both methods need several");
    }

    @Test
    void forwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvData.SHAPES) {
                ConvShape s = ConvData.shape(a);
                MemorySegment x = ConvData.random(arena, 3, s.inputSize(), 1);
                MemorySegment w = ConvData.random(arena, 1, s.weightSize(), 2);
                MemorySegment b = ConvData.random(arena, 2, s.outChannels(), 3);
                for (boolean bias : new boolean[] {true, false}) {
                    MemorySegment ref = ConvData.guards(arena, 4, s.outputSize());
                    Conv2d.forwardScalar(s, x, 3, w, 1, bias ? b : null, 2, ref, 4);
                    String what = "forward " + Arrays.toString(a) + " bias " + bias;
                    MemorySegment y0 = ConvData.random(arena, 4, s.outputSize(), 9);
                    Conv2d.forward(s, x, 3, w, 1, bias ? b : null, 2, y0, 4);
                    ConvData.assertClose(ref, y0, tolerance(s.patch()), what);
                    if (RowTileConv2d.supports(s)) {
                        // Every stride-1 shape, whatever Conv2d picks: tails of 1-3 channels and of 1 to NR - 1 pixels.
                        MemorySegment rows = ConvData.random(arena, 4, s.outputSize(), 9);
                        RowTileConv2d.forward(s, x, 3, w, 1, bias ? b : null, 2, rows, 4);
                        ConvData.assertClose(ref, rows, tolerance(s.patch()), what + " row tiles");
                        // At every width: rows of 1 to 28 pixels (partial last tiles, tiles across row ends),
                        // channel tails, groups, dilation. Both add the same products to the bias in tap order.
                        MemorySegment pixels = ConvData.random(arena, 4, s.outputSize(), 9);
                        PixelTileConv2d.forward(s, x, 3, w, 1, bias ? b : null, 2, pixels, 4);
                        ConvData.assertSame(rows, pixels, what + " pixel tiles against row tiles");
                    }
                    for (int chunk : implicitChunks(s)) {
                        MemorySegment y = ConvData.random(arena, 4, s.outputSize(), 9);
                        Conv2d.forwardImplicit(s, x, 3, w, 1, bias ? b : null, 2, y, 4, chunk);
                        ConvData.assertClose(ref, y, tolerance(s.patch()), what + " implicit chunk " + chunk);
                    }
                }
            }
        }
    }

    @Test
    void backwardDataMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvData.SHAPES) {
                ConvShape s = ConvData.shape(a);
                MemorySegment dy = ConvData.random(arena, 3, s.outputSize(), 4);
                MemorySegment w = ConvData.random(arena, 1, s.weightSize(), 5);
                MemorySegment ref = ConvData.guards(arena, 2, s.inputSize());
                Conv2d.backwardDataScalar(s, dy, 3, w, 1, ref, 2);
                long terms = (long) s.groupOut() * s.kernelH() * s.kernelW();
                for (int chunk : new int[] {0, 1, 2}) {
                    MemorySegment dx = ConvData.random(arena, 2, s.inputSize(), 9);
                    if (chunk == 0) {
                        Conv2d.backwardData(s, dy, 3, w, 1, dx, 2);
                    } else {
                        Conv2d.backwardDataChunked(s, dy, 3, w, 1, dx, 2, chunk);
                    }
                    ConvData.assertClose(ref, dx, tolerance(terms), "backwardData " + Arrays.toString(a) + " chunk " + chunk);
                }
                ConvShape t = Conv2d.transposed(s);
                if (t != null) {
                    for (Conv2d.Tiling tiling : Conv2d.Tiling.values()) {
                        MemorySegment dx = ConvData.random(arena, 2, s.inputSize(), 9);
                        Conv2d.backwardDataFlipped(s, t, dy, 3, w, 1, dx, 2, tiling);
                        ConvData.assertClose(ref, dx, tolerance(terms),
                                "backwardData " + Arrays.toString(a) + " flipped, " + tiling);
                    }
                }
            }
        }
    }

    @Test
    void backwardWeightMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvData.SHAPES) {
                ConvShape s = ConvData.shape(a);
                MemorySegment x = ConvData.random(arena, 3, s.inputSize(), 6);
                MemorySegment dy = ConvData.random(arena, 1, s.outputSize(), 7);
                long terms = (long) s.batch() * s.outPlane();
                for (boolean bias : new boolean[] {true, false}) {
                    MemorySegment refW = ConvData.guards(arena, 2, s.weightSize());
                    MemorySegment refB = ConvData.guards(arena, 1, s.outChannels());
                    Conv2d.backwardWeightScalar(s, x, 3, dy, 1, refW, 2, bias ? refB : null, 1);
                    String what = "backwardWeight " + Arrays.toString(a) + " bias " + bias;
                    MemorySegment dw0 = ConvData.random(arena, 2, s.weightSize(), 9);
                    MemorySegment db0 = ConvData.guards(arena, 1, s.outChannels());
                    Conv2d.backwardWeight(s, x, 3, dy, 1, dw0, 2, bias ? db0 : null, 1);
                    ConvData.assertClose(refW, dw0, tolerance(terms), what + " dw");
                    ConvData.assertClose(refB, db0, tolerance(terms), what + " db");
                    if (TapTileConv2d.supports(s) && !bias) {
                        // Every shape with dilation 1 along rows, whatever Conv2d picks: channel tails,
                        // kernel rows cut into runs of 5 taps, strides, groups; then other chunks of
                        // images and blocks of pixels (odd ones too), which must not change a bit.
                        MemorySegment tap = ConvData.random(arena, 2, s.weightSize(), 9);
                        TapTileConv2d.backwardWeight(s, x, 3, dy, 1, tap, 2);
                        ConvData.assertClose(refW, tap, tolerance(terms), what + " tap tiles");
                        for (int chunk : implicitChunks(s)) {
                            for (int pixels : new int[] {1, 3, 8}) {
                                MemorySegment other = ConvData.random(arena, 2, s.weightSize(), 9);
                                TapTileConv2d.backwardWeight(s, x, 3, dy, 1, other, 2, chunk, pixels);
                                ConvData.assertSame(tap, other, what + " tap tiles, chunk " + chunk + ", blocks of " + pixels);
                            }
                        }
                    }
                    for (int chunk : implicitChunks(s)) {
                        MemorySegment dw = ConvData.random(arena, 2, s.weightSize(), 9);
                        MemorySegment db = ConvData.guards(arena, 1, s.outChannels());
                        Conv2d.backwardWeightImplicit(s, x, 3, dy, 1, dw, 2, bias ? db : null, 1, chunk);
                        ConvData.assertClose(refW, dw, tolerance(terms), what + " dw implicit chunk " + chunk);
                        ConvData.assertClose(refB, db, tolerance(terms), what + " db implicit chunk " + chunk);
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsNameTheProblemBeforeWriting() {
        ConvShape s = ConvData.shape(ConvData.SHAPES[1]);
        float[] yArr = new float[(int) s.outputSize()];
        MemorySegment x = MemorySegment.ofArray(new float[(int) s.inputSize()]);
        MemorySegment w = MemorySegment.ofArray(new float[(int) s.weightSize()]);
        MemorySegment y = MemorySegment.ofArray(yArr);
        MemorySegment shortW = MemorySegment.ofArray(new float[(int) s.weightSize() - 1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(s, x, 0, shortW, 0, null, 0, y, 0));
        assertTrue(e.getMessage().startsWith("w is too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(s, x, 0, w, 0, MemorySegment.ofArray(new float[1]), 0, y, 0));
        assertTrue(e.getMessage().startsWith("b is too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.backwardData(s, y, 1, w, 0, x, 0));
        assertTrue(e.getMessage().startsWith("dy is too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.backwardWeight(s, x, 0, y, 0, shortW, 0, null, 0));
        assertTrue(e.getMessage().startsWith("dw is too small"), e.getMessage());
    }
}
