package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SgemmPack's slivers against the layouts' definitions, element for element, for both stored
 * orders of A and B, 4- and 8-row slivers, and blocks whose sizes leave every kind of edge: a
 * partial sliver, a partial transpose block, an odd number of k steps. The matrices end at their
 * segment's last byte, so a load past a stored row's end fails.
 */
class SgemmPackTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int[] SIZES = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 40, 67};

    @Test
    void aSliversMatchTheirDefinition() {
        Random r = new Random(11);
        for (int mr : new int[] {4, 8, SgemmMicroKernel.TALL_MR}) {
            for (boolean transA : new boolean[] {false, true}) {
                for (int mc : SIZES) {
                    for (int kc : SIZES) {
                        checkA(transA, mr, mc, kc, r.nextBoolean() ? 1f : -0.75f, r);
                    }
                }
            }
        }
    }

    @Test
    void bSliversMatchTheirDefinition() {
        Random r = new Random(12);
        int nr = SgemmMicroKernel.NR;
        int[] widths = {1, 3, 4, 5, 8, 9, 12, nr - 1, nr, nr + 5, 2 * nr + 12};
        for (boolean transB : new boolean[] {false, true}) {
            for (int nc : widths) {
                for (int kc : SIZES) {
                    checkB(transB, nc, kc, r);
                }
            }
        }
    }

    private static void checkA(boolean transA, int mr, int mc, int kc, float alpha, Random r) {
        int i0 = 2;
        int p0 = 3;
        int rows = transA ? p0 + kc : i0 + mc;
        int cols = transA ? i0 + mc : p0 + kc;
        int lda = cols + 1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = stored(arena, rows, lda, cols, r);
            float[] packed = new float[Math.ceilDiv(mc, mr) * mr * kc];
            SgemmPack.packA(transA, a, 0, lda, alpha, i0, mc, p0, kc, mr, packed);
            float[] expected = slivers(mc, mr, kc, (i, p) -> alpha * a.getAtIndex(F,
                    transA ? (long) (p0 + p) * lda + i0 + i : (long) (i0 + i) * lda + p0 + p));
            assertArrayEquals(expected, packed, "A transA=" + transA + " mr=" + mr + " mc=" + mc + " kc=" + kc);
        }
    }

    private static void checkB(boolean transB, int nc, int kc, Random r) {
        int nr = SgemmMicroKernel.NR;
        int p0 = 1;
        int j0 = 2;
        int rows = transB ? j0 + nc : p0 + kc;
        int cols = transB ? p0 + kc : j0 + nc;
        int ldb = cols + 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment b = stored(arena, rows, ldb, cols, r);
            float[] packed = new float[Math.ceilDiv(nc, nr) * nr * kc];
            SgemmPack.packB(transB, b, 0, ldb, p0, kc, j0, nc, packed);
            float[] expected = slivers(nc, nr, kc, (j, p) -> b.getAtIndex(F,
                    transB ? (long) (j0 + j) * ldb + p0 + p : (long) (p0 + p) * ldb + j0 + j));
            assertArrayEquals(expected, packed, "B transB=" + transB + " nc=" + nc + " kc=" + kc);
        }
    }

    /** Element (row or column q, step p) of an operand, q below its count. */
    private interface Element {
        float at(int q, int p);
    }

    /**
     * The sliver layout by definition: ceil(count / width) slivers of kc groups of width floats,
     * sliver s holding q = s·width .. s·width + width - 1, zeros for q >= count.
     */
    private static float[] slivers(int count, int width, int kc, Element element) {
        float[] packed = new float[Math.ceilDiv(count, width) * width * kc];
        for (int q = 0; q < count; q++) {
            for (int p = 0; p < kc; p++) {
                packed[q / width * width * kc + p * width + q % width] = element.at(q, p);
            }
        }
        return packed;
    }

    /** rows × ld floats, the last row cut at cols so that the segment ends at the matrix's last element. */
    private static MemorySegment stored(Arena arena, int rows, int ld, int cols, Random r) {
        long floats = (long) (rows - 1) * ld + cols;
        MemorySegment m = arena.allocate(floats * Float.BYTES);
        for (long i = 0; i < floats; i++) {
            m.setAtIndex(F, i, r.nextFloat() * 2 - 1);
        }
        return m;
    }
}
