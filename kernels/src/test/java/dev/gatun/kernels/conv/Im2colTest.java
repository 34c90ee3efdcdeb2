package dev.gatun.kernels.conv;

import static dev.gatun.kernels.conv.ConvData.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** im2col and col2im against their twins (bit-identical), and col2im as the adjoint of im2col. */
class Im2colTest {
    @Test
    void im2colLeavesRowGapsAndGuardsAlone() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvData.SHAPES) {
                ConvShape s = ConvData.shape(a);
                int channels = s.groupIn();
                long ld = s.outPlane() + 3;
                long rows = (long) channels * s.kernelH() * s.kernelW();
                long n = (rows - 1) * ld + s.outPlane();
                MemorySegment x = ConvData.random(arena, 5, (long) s.inChannels() * s.inPlane(), 1);
                MemorySegment col = ConvData.guards(arena, 2, n);
                long xOff = 5 + (long) (s.inChannels() - channels) * s.inPlane();
                Im2col.im2col(s, x, xOff, channels, col, 2, ld);
                // The gaps between rows (ld > outH·outW) and the guards around are left alone.
                for (long r = 0; r + 1 < rows; r++) {
                    for (long p = s.outPlane(); p < ld; p++) {
                        assertEquals(ConvData.GUARD, col.getAtIndex(F, 2 + r * ld + p), "gap of row " + r);
                    }
                }
                assertEquals(ConvData.GUARD, col.getAtIndex(F, 1));
                assertEquals(ConvData.GUARD, col.getAtIndex(F, 2 + n));
            }
        }
    }

    @Test
    void col2imMatchesTwinAndIsTheAdjoint() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvData.SHAPES) {
                ConvShape s = ConvData.shape(a);
                int channels = s.groupIn();
                long ld = s.outPlane() + 1;
                long rows = (long) channels * s.kernelH() * s.kernelW();
                long n = (rows - 1) * ld + s.outPlane();
                long xn = (long) channels * s.inPlane();
                MemorySegment col = ConvData.random(arena, 1, n, 2);
                MemorySegment dx = ConvData.random(arena, 4, xn, 3);
                MemorySegment ref = ConvData.copyOf(arena, dx);
                Im2col.col2im(s, col, 1, ld, channels, dx, 4);
                Im2col.col2imScalar(s, col, 1, ld, channels, ref, 4);
                ConvData.assertSame(ref, dx, "col2im " + Arrays.toString(a));

                // <im2col(x), c> == <x, col2im(c)> for random x and c.
                MemorySegment x = ConvData.random(arena, 0, xn, 4);
                MemorySegment ix = ConvData.guards(arena, 1, n);
                Im2col.im2col(s, x, 0, channels, ix, 1, ld);
                MemorySegment back = ConvData.guards(arena, 0, xn);
                back.asSlice(0, xn * Float.BYTES).fill((byte) 0);
                Im2col.col2im(s, col, 1, ld, channels, back, 0);
                double left = 0;
                for (long r = 0; r < rows; r++) {
                    for (long p = 0; p < s.outPlane(); p++) {
                        left += (double) ix.getAtIndex(F, 1 + r * ld + p) * col.getAtIndex(F, 1 + r * ld + p);
                    }
                }
                double right = 0;
                for (long i = 0; i < xn; i++) {
                    right += (double) x.getAtIndex(F, i) * back.getAtIndex(F, i);
                }
                assertEquals(left, right, 1e-4 * Math.max(1, Math.abs(left)), "adjoint " + Arrays.toString(a));
            }
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        ConvShape s = ConvData.shape(ConvData.SHAPES[1]);
        MemorySegment x = MemorySegment.ofArray(new float[s.groupIn() * s.inPlane()]);
        MemorySegment small = MemorySegment.ofArray(new float[10]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(s, x, 0, s.groupIn(), small, 0, s.outPlane()));
        assertTrue(e.getMessage().startsWith("col is too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Im2col.im2col(s, x, 0, s.groupIn(), small, 0, s.outPlane() - 1));
        assertTrue(e.getMessage().contains("ldCol"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Im2col.col2im(s, MemorySegment.ofArray(new float[1 << 12]), 0, s.outPlane(), s.groupIn(), MemorySegment.ofArray(new float[3]), 0));
        assertTrue(e.getMessage().contains("dx is too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 1, 3, 3, 1, 5, 5, 1, 1, 0, 0, 1, 1, 1));
        assertTrue(e.getMessage().contains("larger than the padded input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 3, 3, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2));
        assertTrue(e.getMessage().contains("groups=2"), e.getMessage());
    }
}
