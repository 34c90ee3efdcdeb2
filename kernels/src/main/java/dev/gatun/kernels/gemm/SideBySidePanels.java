package dev.gatun.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * op(B) = [L | R | 1]: two stored row-major matrices of k rows side by side, L's columns first,
 * optionally followed by a column of ones. A recurrent layer's weight gradients share one
 * left-hand operand, the gates' gradient G [T·B, G·H]: one product Gᵀ·[H_prev | X | 1] gives
 * [dW_hh | dW_ih | db], and G is read and packed once instead of three times.
 *
 * <p>L's column count must be a multiple of {@link #SLIVER}: the panels of a product start on
 * whole slivers, so then no sliver holds columns of both matrices and each part is packed by
 * {@link SgemmPack}'s own copy. The sums are those of multiplying by each part alone: C's column
 * j of L or R gets the same products in the same k blocks, bit for bit; the ones column gives
 * the row sums of op(A) in that order.
 */
public final class SideBySidePanels implements BPanels {
    private final MemorySegment left;
    private final long leftAt;
    private final int leftCols;
    private final MemorySegment right;
    private final long rightAt;
    private final int rightCols;
    private final boolean ones;

    private SideBySidePanels(MemorySegment left, long leftAt, int leftCols, MemorySegment right, long rightAt,
                             int rightCols, boolean ones) {
        this.left = left;
        this.leftAt = leftAt;
        this.leftCols = leftCols;
        this.right = right;
        this.rightAt = rightAt;
        this.rightCols = rightCols;
        this.ones = ones;
    }

    /**
     * [L | R], plus a column of ones when {@code ones}; both stored with rows of exactly their
     * column count.
     *
     * @param k the rows of both matrices
     * @param left L, k×leftCols row-major
     * @param leftOffset offset of L's first element, in floats
     * @param leftCols L's columns, a multiple of {@link #SLIVER}
     * @param right R, k×rightCols row-major
     * @param rightOffset offset of R's first element, in floats
     * @param rightCols R's columns
     * @param ones whether a column of ones follows R
     * @return the panels of the k×(leftCols + rightCols (+ 1)) op(B)
     * @throws IllegalArgumentException on negative sizes, leftCols not a multiple of {@link
     *     #SLIVER}, negative offsets, or a segment too small for its matrix
     */
    public static SideBySidePanels of(int k, MemorySegment left, long leftOffset, int leftCols, MemorySegment right,
                                      long rightOffset, int rightCols, boolean ones) {
        if (k < 0 || leftCols < 0 || rightCols < 0) {
            throw new IllegalArgumentException("side-by-side panels: negative size, k=" + k + " leftCols=" + leftCols
                    + " rightCols=" + rightCols);
        }
        if (leftCols % SLIVER != 0) {
            throw new IllegalArgumentException("side-by-side panels: the left matrix's " + leftCols
                    + " columns are not a multiple of the sliver width " + SLIVER);
        }
        requireFits("left", left, leftOffset, (long) k * leftCols);
        requireFits("right", right, rightOffset, (long) k * rightCols);
        return new SideBySidePanels(left, leftOffset * Float.BYTES, leftCols, right, rightOffset * Float.BYTES,
                rightCols, ones);
    }

    /** {@return the columns of op(B): both matrices' and the ones column} */
    public int columns() {
        return leftCols + rightCols + (ones ? 1 : 0);
    }

    @Override
    public void pack(int p0, int kc, int j0, int nc, float[] dst, int at) {
        int end = j0 + nc;
        if (j0 < leftCols) {
            int cols = Math.min(end, leftCols) - j0;
            SgemmPack.packB(false, left, leftAt, leftCols, p0, kc, j0, cols, dst, at);
        }
        // L ends on a sliver, so R's part of the panel starts on one too.
        int r0 = Math.max(j0, leftCols);
        int r1 = Math.min(end, leftCols + rightCols);
        if (r1 > r0) {
            SgemmPack.packB(false, right, rightAt, rightCols, p0, kc, r0 - leftCols, r1 - r0, dst,
                    at + (r0 - j0) * kc);
        }
        int onesAt = leftCols + rightCols;
        if (ones && onesAt >= j0 && onesAt < end) {
            int col = onesAt - j0;
            int sliver = at + col / SLIVER * SLIVER * kc;
            if (col % SLIVER == 0) {
                // A sliver of its own: nothing packed it, so its padding columns are zeroed here.
                Arrays.fill(dst, sliver, sliver + SLIVER * kc, 0f);
            }
            for (int p = 0, d = sliver + col % SLIVER; p < kc; p++, d += SLIVER) {
                dst[d] = 1f;
            }
        }
    }

    private static void requireFits(String name, MemorySegment m, long offset, long floats) {
        if (offset < 0 || (offset + floats) * Float.BYTES > m.byteSize()) {
            throw new IllegalArgumentException("side-by-side panels: the " + name + " matrix of " + floats
                    + " floats from offset " + offset + " does not fit its segment of " + m.byteSize() + " bytes");
        }
    }
}
