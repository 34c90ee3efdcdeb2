package dev.gatun.kernels.reduce;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * Row-wise argmax.
 *   x[rows, cols] -> out[rows] (int32)     out[r] = first c with x[r, c] maximal
 *
 * Ties go to the first index; -0 and +0 count as equal. NaN counts as larger than everything
 * (as in PyTorch), so a row with a NaN yields its first NaN. The vector version finds the row
 * maximum (Math.max semantics, which propagate NaN), then scans for the first element equal to
 * it (or the first NaN); the result is an index, so it is exact and matches the twin.
 * cols must be > 0 unless rows == 0.
 */
/** Row-wise argmax: the index of each row's first maximum, NaN counting as largest. */
public final class Argmax {
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long PARALLEL_MIN = 1 << 16;

    private Argmax() {}

    /**
     * {@code out[r]} = index of the first maximum of row {@code r} of {@code x[rows, cols]}.
     *
     * @param x the input [rows, cols]
     * @param xOff offset of x's first element, in floats
     * @param rows the number of rows
     * @param cols the number of columns, > 0 unless rows is 0
     * @param out receives the indices, int32 [rows]
     * @param outOff offset of out's first element, in int32 elements
     */
    public static void run(MemorySegment x, long xOff, int rows, int cols, MemorySegment out, long outOff) {
        if (!Simd.ENABLED) {
            runScalar(x, xOff, rows, cols, out, outOff);
            return;
        }
        check(x, xOff, rows, cols, out, outOff);
        if ((long) rows * cols < PARALLEL_MIN || rows < 2 || Parallel.THREADS == 1) {
            rows(x, xOff, 0, rows, cols, out, outOff);
            return;
        }
        int per = (rows + Parallel.THREADS - 1) / Parallel.THREADS;
        Parallel.forEach(Parallel.THREADS, t -> rows(x, xOff, Math.min(rows, t * per),
                Math.min(rows, (t + 1) * per), cols, out, outOff));
    }

    /**
     * Scalar twin of {@link #run}: same arguments, same indices.
     *
     * @param x the input [rows, cols]
     * @param xOff offset of x's first element, in floats
     * @param rows the number of rows
     * @param cols the number of columns, > 0 unless rows is 0
     * @param out receives the indices, int32 [rows]
     * @param outOff offset of out's first element, in int32 elements
     */
    public static void runScalar(MemorySegment x, long xOff, int rows, int cols, MemorySegment out, long outOff) {
        check(x, xOff, rows, cols, out, outOff);
        for (int r = 0; r < rows; r++) {
            long xb = (xOff + (long) r * cols) * Float.BYTES;
            out.setAtIndex(ValueLayout.JAVA_INT, outOff + r, rowScalar(x, xb, cols));
        }
    }

    private static void rows(MemorySegment x, long xOff, int from, int to, int cols, MemorySegment out, long outOff) {
        for (int r = from; r < to; r++) {
            long xb = (xOff + (long) r * cols) * Float.BYTES;
            out.setAtIndex(ValueLayout.JAVA_INT, outOff + r, row(x, xb, cols));
        }
    }

    /** First index of the maximum of {@code len > 0} floats at byte offset {@code xb}; NaN is largest. */
    static int row(MemorySegment x, long xb, int len) {
        int lanes = F.length();
        int bound = F.loopBound(len);
        float max;
        int i = 0;
        if (bound > 0) {
            FloatVector m0 = FloatVector.fromMemorySegment(F, x, xb, ORDER);
            FloatVector m1 = m0;
            i = lanes;
            // Two chains so consecutive max operations do not wait on each other.
            for (; i + 2 * lanes <= bound; i += 2 * lanes) {
                long b = xb + (long) i * Float.BYTES;
                m0 = m0.max(FloatVector.fromMemorySegment(F, x, b, ORDER));
                m1 = m1.max(FloatVector.fromMemorySegment(F, x, b + (long) lanes * Float.BYTES, ORDER));
            }
            for (; i < bound; i += lanes) {
                m0 = m0.max(FloatVector.fromMemorySegment(F, x, xb + (long) i * Float.BYTES, ORDER));
            }
            max = m0.max(m1).reduceLanes(VectorOperators.MAX);
        } else {
            max = x.get(FLOAT, xb);
        }
        for (; i < len; i++) {
            max = Math.max(max, x.get(FLOAT, xb + (long) i * Float.BYTES));
        }
        boolean nan = Float.isNaN(max);
        for (i = 0; i < bound; i += lanes) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + (long) i * Float.BYTES, ORDER);
            VectorMask<Float> hit = nan ? v.compare(VectorOperators.NE, v) : v.compare(VectorOperators.EQ, max);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < len; i++) {
            float v = x.get(FLOAT, xb + (long) i * Float.BYTES);
            if (nan ? v != v : v == max) {
                return i;
            }
        }
        throw new AssertionError("maximum not found again"); // unreachable: max is one of the elements
    }

    /** Scalar twin of {@link #row}: one pass, a later element wins only if strictly larger (or the first NaN). */
    static int rowScalar(MemorySegment x, long xb, int len) {
        float best = x.get(FLOAT, xb);
        int arg = 0;
        for (int i = 1; i < len; i++) {
            float v = x.get(FLOAT, xb + (long) i * Float.BYTES);
            // !(v <= best) is "v > best, or v is NaN"; a NaN best is never replaced.
            if (best == best && !(v <= best)) {
                best = v;
                arg = i;
            }
        }
        return arg;
    }

    private static void check(MemorySegment x, long xOff, int rows, int cols, MemorySegment out, long outOff) {
        SegmentBounds.count("rows", rows);
        SegmentBounds.count("cols", cols);
        if (cols == 0 && rows > 0) {
            throw new IllegalArgumentException("argmax of an empty row: cols == 0 with rows = " + rows);
        }
        SegmentBounds.floats("x", x, xOff, (long) rows * cols);
        SegmentBounds.ints("out", out, outOff, rows);
    }
}
