package dev.gatun.kernels.gemm;

import java.lang.foreign.MemorySegment;

/**
 * The argument checks shared by {@link Sgemm}, {@link SgemmReference} and {@link Dgemm}.
 *
 * <p>Shapes: op(A) is m×k, op(B) is k×n, C is m×n, all row-major. A stored matrix is
 * {@code rows×cols} with {@code ld >= cols}: A is m×k, or k×m when transposed; likewise B.
 * Everything is checked before any memory is touched, so a bad call leaves C as it was.
 */
final class GemmArgs {
    private GemmArgs() {}

    /** Throws {@link IllegalArgumentException} naming the first problem found. */
    static void check(String op, boolean transA, boolean transB, int m, int n, int k,
                      MemorySegment a, long aOffset, int lda, MemorySegment b, long bOffset, int ldb,
                      MemorySegment c, long cOffset, int ldc, int elementBytes) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": m, n, k must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        matrix(op, "A", "transA", transA, transA ? k : m, transA ? m : k, a, aOffset, lda, m > 0 && k > 0, elementBytes);
        matrix(op, "B", "transB", transB, transB ? n : k, transB ? k : n, b, bOffset, ldb, k > 0 && n > 0, elementBytes);
        matrix(op, "C", null, false, m, n, c, cOffset, ldc, m > 0 && n > 0, elementBytes);
    }

    /** {@link #check} for a product whose op(B) is not a stored matrix (an implicit GEMM). */
    static void checkWithoutB(String op, boolean transA, int m, int n, int k, MemorySegment a, long aOffset, int lda,
                              MemorySegment c, long cOffset, int ldc, int elementBytes) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": m, n, k must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        matrix(op, "A", "transA", transA, transA ? k : m, transA ? m : k, a, aOffset, lda, m > 0 && k > 0, elementBytes);
        matrix(op, "C", null, false, m, n, c, cOffset, ldc, m > 0 && n > 0, elementBytes);
    }

    private static void matrix(String op, String name, String transName, boolean trans, int rows, int cols,
                               MemorySegment seg, long offset, int ld, boolean touched, int elementBytes) {
        if (ld < cols) {
            throw new IllegalArgumentException(op + ": " + shape(name, transName, trans, rows, cols) + " but ld" + name.toLowerCase() + "=" + ld + " < " + cols);
        }
        if (offset < 0) {
            throw new IllegalArgumentException(op + ": " + name.toLowerCase() + "Offset=" + offset + " < 0");
        }
        if (!touched) {
            return;
        }
        if (seg == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        // The last element touched is offset + (rows-1)·ld + cols-1. rows, ld and cols are ints, so
        // the span fits a long; comparing it to held - offset keeps a huge offset from wrapping.
        long span = (long) (rows - 1) * ld + cols;
        long held = seg.byteSize() / elementBytes;
        if (offset > held || span > held - offset) {
            String unit = elementBytes == Float.BYTES ? "floats" : "doubles";
            throw new IllegalArgumentException(op + ": " + shape(name, transName, trans, rows, cols) + ", ld" + name.toLowerCase() + "=" + ld + ", offset "
                    + offset + " needs " + (offset + span) + " " + unit + " but the segment holds " + held);
        }
    }

    /** "A is 100×30 (transA=false)"; built only for a message, never on the fast path. */
    private static String shape(String name, String transName, boolean trans, int rows, int cols) {
        return name + " is " + rows + "×" + cols + (transName == null ? "" : " (" + transName + "=" + trans + ")");
    }
}
