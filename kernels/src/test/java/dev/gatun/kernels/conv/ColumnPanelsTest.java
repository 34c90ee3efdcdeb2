package dev.gatun.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.gemm.BPanels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The implicit column matrix against the stored one: every packed panel of col (and of colᵀ)
 * must hold exactly the floats im2colScalar writes, in Sgemm's sliver layout, with zeros past the
 * last column. Pure copies, so bit for bit. The shapes reach the blended loads (stride 1), the
 * gathers (stride 2 and 3, dilation, 1×1) and the short last sliver.
 */
class ColumnPanelsTest {
    private static final int W = BPanels.SLIVER;

    @Test
    void panelsEqualTheStoredColumnMatrix() {
        Random r = new Random(11);
        try (Arena arena = Arena.ofShared()) {
            for (int[] a : ConvData.SHAPES) {
                ConvShape s = ConvData.shape(a);
                MemorySegment x = ConvData.random(arena, 5, s.inputSize(), 12);
                ColumnPanels panels = new ColumnPanels();
                for (int g = 0; g < s.groups(); g++) {
                    int first = r.nextInt(s.batch());
                    int images = 1 + r.nextInt(s.batch() - first);
                    int ld = images * s.outPlane();
                    int patch = s.patch();
                    float[] col = new float[patch * ld];
                    MemorySegment colSeg = MemorySegment.ofArray(col);
                    for (int n = 0; n < images; n++) {
                        long at = 5 + ((long) (first + n) * s.inChannels() + (long) g * s.groupIn()) * s.inPlane();
                        Im2col.im2col(s, x, at, s.groupIn(), colSeg, (long) n * s.outPlane(), ld);
                    }
                    for (boolean transposed : new boolean[] {false, true}) {
                        panels.load(s, x, 5, first, images, g, transposed);
                        int k = transposed ? ld : patch;
                        int n = transposed ? patch : ld;
                        String what = Arrays.toString(a) + " group " + g + " images " + first + "+" + images
                                + (transposed ? " colT" : " col");
                        // The whole of op(B), then random windows (as Sgemm's blocks and thread splits ask).
                        check(panels, col, ld, transposed, 0, k, 0, n, what);
                        for (int t = 0; t < 4; t++) {
                            int p0 = r.nextInt(k);
                            int j0 = r.nextInt(n);
                            check(panels, col, ld, transposed, p0, 1 + r.nextInt(k - p0), j0, 1 + r.nextInt(n - j0), what);
                        }
                    }
                }
            }
        }
    }

    private static void check(ColumnPanels panels, float[] col, int ld, boolean transposed,
                              int p0, int kc, int j0, int nc, String what) {
        int slivers = Math.ceilDiv(nc, W);
        // From an offset into a longer array, as into a panel of a whole packed op(B).
        int at = 3;
        float[] dst = new float[at + slivers * kc * W];
        Arrays.fill(dst, Float.NaN);
        panels.pack(p0, kc, j0, nc, dst, at);
        for (int s = 0; s < slivers; s++) {
            for (int p = 0; p < kc; p++) {
                for (int c = 0; c < W; c++) {
                    int j = j0 + s * W + c;
                    int row = transposed ? j : p0 + p;
                    int column = transposed ? p0 + p : j;
                    float want = s * W + c < nc ? col[row * ld + column] : 0f;
                    assertEquals(want, dst[at + s * kc * W + p * W + c],
                            what + " panel [" + p0 + "+" + kc + ", " + j0 + "+" + nc + ") at row " + (p0 + p) + " column " + j);
                }
            }
        }
    }
}
