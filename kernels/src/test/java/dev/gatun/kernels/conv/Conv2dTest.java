package dev.gatun.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The im2col + SGEMM convolution against its direct twin. The twin sums in double, the GEMM in
 * float in another order, so results differ by rounding that grows with the number of terms
 * summed per output (patch for y, images·pixels for dw); the tolerance follows that count.
 * Every case also runs with one and two images per GEMM so the chunking is exercised.
 */
class Conv2dTest {
    private static double tolerance(long terms) {
        return 2e-7 * terms + 1e-6;
    }

    @Test
    void shapesReachBothMethods() {
        long direct = Arrays.stream(ConvData.SHAPES).map(ConvData::shape).filter(Conv2d::direct).count();
        assertTrue(direct >= 3 && direct <= ConvData.SHAPES.length - 3,
                direct + " of " + ConvData.SHAPES.length + " shapes take the direct kernel; both methods need several");
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
                    for (int chunk : new int[] {0, 1, 2}) {
                        MemorySegment y = ConvData.random(arena, 4, s.outputSize(), 9);
                        if (chunk == 0) {
                            Conv2d.forward(s, x, 3, w, 1, bias ? b : null, 2, y, 4);
                        } else {
                            Conv2d.forwardChunked(s, x, 3, w, 1, bias ? b : null, 2, y, 4, chunk);
                        }
                        ConvData.assertClose(ref, y, tolerance(s.patch()), what + " chunk " + chunk);
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
                    for (int chunk : new int[] {0, 1, 2}) {
                        MemorySegment dw = ConvData.random(arena, 2, s.weightSize(), 9);
                        MemorySegment db = ConvData.guards(arena, 1, s.outChannels());
                        if (chunk == 0) {
                            Conv2d.backwardWeight(s, x, 3, dy, 1, dw, 2, bias ? db : null, 1);
                        } else {
                            Conv2d.backwardWeightChunked(s, x, 3, dy, 1, dw, 2, bias ? db : null, 1, chunk);
                        }
                        ConvData.assertClose(refW, dw, tolerance(terms), what + " dw chunk " + chunk);
                        ConvData.assertClose(refB, db, tolerance(terms), what + " db chunk " + chunk);
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
