package dev.gatun.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Shapes and buffers for the convolution kernel tests. */
final class ConvData {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Written around every output range; a kernel that writes outside it is caught. */
    static final float GUARD = -12345.5f;
    static final long PAD = 9;

    /**
     * {batch, inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups}:
     * sizes 1, primes and vector tails; stride 2 and 3, padding, dilation 2, groups 2, depthwise,
     * 1×1, non-square, the CNN sample's first layer (one input channel, 5×5, pad 2); conv2's 14×14
     * 5×5 pad 2 (GEMM slivers spanning output rows and images), a patch of 300 (several k blocks
     * of the forward GEMM) in 2 groups, stride 2 with dilation along H only, and a 1×3 kernel
     * padded by 1 along H (more padding than its span, so backward data cannot be a convolution),
     * and 32 input channels (backward data as a convolution by default), and 27 output channels
     * past a patch of 32 (pixel tiles by default at 512-bit, 5 lanes of 32 unused); kernel rows of
     * 10 and of 6 (runs of 5 and of 3 adjacent taps in the pixel tiles' written-out bodies, 33
     * channels: a tail of 1) and of 5 at dilation 2 along W (their tap loop); 40 channels at
     * stride 2 along W (backward weight's 4-vector tap tiles one pixel at a time).
     */
    static final int[][] SHAPES = {
        {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},
        {2, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        {3, 4, 11, 13, 6, 3, 2, 2, 3, 1, 0, 1, 1, 2},
        {2, 5, 9, 9, 5, 3, 3, 1, 1, 1, 1, 2, 2, 5},
        {1, 3, 17, 19, 7, 1, 1, 1, 1, 0, 0, 1, 1, 1},
        {3, 2, 13, 11, 5, 5, 5, 1, 1, 2, 2, 1, 1, 1},
        {2, 6, 10, 9, 4, 2, 3, 3, 2, 2, 1, 1, 2, 2},
        {5, 1, 28, 28, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1},
        {2, 4, 8, 23, 3, 3, 1, 2, 1, 0, 3, 3, 1, 1},
        {4, 8, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        {5, 6, 14, 14, 10, 5, 5, 1, 1, 2, 2, 1, 1, 1},
        {3, 24, 9, 7, 6, 5, 5, 1, 1, 2, 2, 1, 1, 2},
        {2, 7, 12, 11, 9, 3, 5, 2, 1, 1, 2, 2, 1, 1},
        {3, 3, 6, 5, 4, 1, 3, 1, 1, 1, 1, 1, 1, 1},
        {2, 32, 6, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        {2, 4, 9, 10, 27, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        {2, 3, 12, 14, 7, 2, 10, 1, 1, 1, 3, 1, 1, 1},
        {2, 2, 11, 13, 5, 3, 5, 1, 1, 1, 4, 1, 2, 1},
        {2, 5, 8, 9, 33, 2, 6, 1, 1, 0, 2, 1, 1, 1},
        {2, 3, 9, 11, 40, 3, 5, 1, 2, 1, 2, 1, 1, 1},
    };

    private ConvData() {}

    static ConvShape shape(int[] s) {
        return new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13]);
    }

    /** A shared-arena segment of {@code off + n + PAD} floats, uniform in [-1, 1), guards around. */
    static MemorySegment random(Arena arena, long off, long n, long seed) {
        MemorySegment s = guards(arena, off, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = off; i < off + n; i++) {
            s.setAtIndex(F, i, (float) (2 * rnd.nextDouble() - 1));
        }
        return s;
    }

    static MemorySegment guards(Arena arena, long off, long n) {
        MemorySegment s = arena.allocate((off + n + PAD) * Float.BYTES, 64);
        for (long i = 0; i < off + n + PAD; i++) {
            s.setAtIndex(F, i, GUARD);
        }
        return s;
    }

    static MemorySegment copyOf(Arena arena, MemorySegment s) {
        MemorySegment c = arena.allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }

    /** Same floats everywhere, guards included. */
    static void assertSame(MemorySegment expected, MemorySegment actual, String what) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        for (long i = 0; i < expected.byteSize() / Float.BYTES; i++) {
            assertEquals(expected.getAtIndex(F, i), actual.getAtIndex(F, i), what + " at " + i);
        }
    }

    /** Within {@code tol}·max(1, |expected|) everywhere, guards exactly equal. */
    static void assertClose(MemorySegment expected, MemorySegment actual, double tol, String what) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        for (long i = 0; i < expected.byteSize() / Float.BYTES; i++) {
            float e = expected.getAtIndex(F, i);
            float a = actual.getAtIndex(F, i);
            if (e == GUARD) {
                assertEquals(e, a, what + ": guard overwritten at " + i);
            } else {
                assertEquals(e, a, tol * Math.max(1, Math.abs(e)), what + " at " + i);
            }
        }
    }
}
